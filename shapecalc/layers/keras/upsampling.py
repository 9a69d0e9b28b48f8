"""Keras UpSampling1D/2D/3D: repeat every pixel `size` times along each spatial axis.

    out = i * size

No parameters: upsampling learns nothing (a Conv2DTranspose does). The
`interpolation` choice of UpSampling2D changes values, not shapes; see
`shapecalc resample` for how the values come about.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from shapecalc.arguments.types import DataFormat, PositiveInt, PositiveInts, as_tuple
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Layer, Why, need_rank
from shapecalc.layers.keras.conv import axis_labels, join_channels, split_channels
from shapecalc.shapes import Shape, upsample


class UpSampling1D(Layer):
    """Repeats each step `size` times: (batch, steps, features) -> (batch, steps*size, features)."""

    primary: ClassVar[str | None] = "size"

    size: PositiveInt = 2

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        need_rank(shape, 3, "UpSampling1D")
        steps = why.axis(upsample(shape[1], self.size, "W: "))
        return (shape[0], steps, shape[2])


class _UpSampling(Layer):
    """Shared rule of UpSampling2D/3D."""

    rank: ClassVar[int] = 2
    primary: ClassVar[str | None] = "size"

    size: PositiveInts = 2
    data_format: DataFormat = None

    def factors(self) -> tuple[int, ...]:
        return as_tuple(self.size, self.rank, "size")

    def check(self) -> None:
        self.factors()

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        need_rank(shape, self.rank + 2, self.type_name())
        spatial, channels = split_channels(shape, self.data_format)
        sizes = tuple(
            why.axis(upsample(size, factor, f"{label}: "))
            for label, size, factor in zip(axis_labels(self.rank), spatial, self.factors(), strict=True)
        )
        return join_channels(shape[0], sizes, channels, self.data_format)


class UpSampling2D(_UpSampling):
    __doc__ = _UpSampling.__doc__
    rank: ClassVar[int] = 2
    interpolation: Literal["nearest", "bilinear", "bicubic", "lanczos3", "lanczos5"] = "nearest"

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As a 2-d torch Upsample: nearest 1 per output element, bilinear 4, the others 0."""
        per_output = {"nearest": 1, "bilinear": 4}.get(self.interpolation, 0)
        return costs.per_element(output, per_output) if per_output else 0


class UpSampling3D(_UpSampling):
    __doc__ = _UpSampling.__doc__
    rank: ClassVar[int] = 3
