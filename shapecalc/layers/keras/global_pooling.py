"""Keras global pooling: GlobalMaxPooling1D/2D/3D and GlobalAveragePooling1D/2D/3D.

Every spatial axis is reduced to one value per channel:

    (batch, *spatial, C) -> (batch, C)                       keepdims false
    (batch, *spatial, C) -> (batch, 1, ..., 1, C)            keepdims true

(channels first: the channel axis stays second). No parameters.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import DataFormat
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Layer, Why, need_rank
from shapecalc.layers.keras.conv import join_channels, split_channels
from shapecalc.shapes import Shape, format_shape


class _GlobalPooling(Layer):
    """Reduces all spatial axes: (batch, *spatial, C) -> (batch, C), or 1s in their place with keepdims."""

    rank: ClassVar[int] = 2

    data_format: DataFormat = None
    keepdims: bool = False

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        need_rank(shape, self.rank + 2, self.type_name())
        spatial, channels = split_channels(shape, self.data_format)
        if self.keepdims:
            out = join_channels(shape[0], (1,) * self.rank, channels, self.data_format)
        else:
            out = (shape[0], channels)
        why.step(f"spatial axes {format_shape(spatial)} reduced -> {format_shape(out)}")
        return out


class GlobalMaxPooling1D(_GlobalPooling):
    __doc__ = _GlobalPooling.__doc__
    rank: ClassVar[int] = 1


class GlobalMaxPooling2D(_GlobalPooling):
    __doc__ = _GlobalPooling.__doc__
    rank: ClassVar[int] = 2


class GlobalMaxPooling3D(_GlobalPooling):
    __doc__ = _GlobalPooling.__doc__
    rank: ClassVar[int] = 3


class GlobalAveragePooling1D(_GlobalPooling):
    __doc__ = _GlobalPooling.__doc__
    rank: ClassVar[int] = 1


class GlobalAveragePooling2D(_GlobalPooling):
    __doc__ = _GlobalPooling.__doc__
    rank: ClassVar[int] = 2

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As AdaptiveAvgPool2d(1): 1 per input element (the 1-d and 3-d ones count 0, as in fvcore)."""
        return costs.per_element(inputs[0], 1)


class GlobalAveragePooling3D(_GlobalPooling):
    __doc__ = _GlobalPooling.__doc__
    rank: ClassVar[int] = 3
