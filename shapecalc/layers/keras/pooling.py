"""Keras pooling: MaxPooling/AveragePooling 1D/2D/3D.

Keras `compute_pooling_output_shape`, strides defaulting to pool_size:

    valid: out = floor((i - p) / s) + 1        (an error if this is <= 0)
    same:  out = floor((i - 1) / s) + 1

When (i - p) is not a multiple of s, the last (i - p) mod s pixels are read by
no window: they are dropped, which is how a 7x7 map pools to 3x3.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import DataFormat, Padding, PositiveInts, as_tuple
from shapecalc.costs import receptive
from shapecalc.layers.base import Layer, Why, need_rank
from shapecalc.layers.keras.conv import conv_sizes, join_channels, split_channels
from shapecalc.shapes import Shape


class _Pooling(Layer):
    """Shared rule of the windowed pooling layers; `rank` is the number of spatial axes."""

    rank: ClassVar[int] = 2
    primary: ClassVar[str | None] = "pool_size"  # MaxPooling2D(2), as Keras takes it positionally

    pool_size: PositiveInts = 2
    strides: PositiveInts | None = None
    padding: Padding = "valid"
    data_format: DataFormat = None

    def receptive_field(self, fields: list, inputs: list[Shape]) -> receptive.Field | None:
        """A window like a convolution's (max and average alike)."""
        return receptive.window(fields[0], self.pool(), self.stride())

    def pool(self) -> tuple[int, ...]:
        return as_tuple(self.pool_size, self.rank, "pool_size")

    def stride(self) -> tuple[int, ...]:
        if self.strides is None:
            return self.pool()
        return as_tuple(self.strides, self.rank, "strides")

    def check(self) -> None:
        self.pool(), self.stride()

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        name = self.type_name()
        need_rank(shape, self.rank + 2, name)
        spatial, channels = split_channels(shape, self.data_format)
        sizes = conv_sizes(name, shape, spatial, self.padding, self.pool(), self.stride(), (1,) * self.rank, why)
        return join_channels(shape[0], sizes, channels, self.data_format)


class MaxPooling1D(_Pooling):
    __doc__ = _Pooling.__doc__
    rank: ClassVar[int] = 1


class MaxPooling2D(_Pooling):
    __doc__ = _Pooling.__doc__
    rank: ClassVar[int] = 2


class MaxPooling3D(_Pooling):
    __doc__ = _Pooling.__doc__
    rank: ClassVar[int] = 3


class AveragePooling1D(_Pooling):
    __doc__ = _Pooling.__doc__
    rank: ClassVar[int] = 1


class AveragePooling2D(_Pooling):
    __doc__ = _Pooling.__doc__
    rank: ClassVar[int] = 2


class AveragePooling3D(_Pooling):
    __doc__ = _Pooling.__doc__
    rank: ClassVar[int] = 3
