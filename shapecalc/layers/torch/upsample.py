"""torch.nn upsampling: Upsample, UpsamplingNearest2d, UpsamplingBilinear2d (F.interpolate).

Every axis after (N, C) is resized, to `size` or by `scale_factor`:

    out = floor(i * scale_factor)          (7 x 1.5 -> 10)

Exactly one of the two must be given. The mode fixes the input rank:
linear 3D, bilinear and bicubic 4D, trilinear 5D, nearest/area/nearest-exact
3D to 5D; `align_corners` is accepted only by the interpolating modes.
"""

from __future__ import annotations

import math
from typing import Annotated, ClassVar, Literal

from shapecalc.arguments.bounds import Gt, Le
from shapecalc.arguments.types import MAX_SIZE, PositiveInts
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Why
from shapecalc.layers.torch.common import TorchLayer, axis_labels, need_ranks, too_small
from shapecalc.shapes import Axis, Shape, ShapeError

Scale = Annotated[float, Gt(0), Le(MAX_SIZE)]
Mode = Literal["nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact"]

MODE_RANKS: dict[str, tuple[int, ...]] = {
    "linear": (3,), "bilinear": (4,), "bicubic": (4,), "trilinear": (5,),
    "nearest": (3, 4, 5), "area": (3, 4, 5), "nearest-exact": (3, 4, 5),
}
INTERPOLATING = ("linear", "bilinear", "bicubic", "trilinear")


class Upsample(TorchLayer):
    """(N, C, *spatial) -> (N, C, *out): out = size, or floor(i * scale_factor) per axis."""

    primary: ClassVar[str | None] = "scale_factor"

    size: PositiveInts | None = None
    scale_factor: Scale | list[Scale] | None = None
    mode: Mode = "nearest"
    align_corners: bool | None = None
    recompute_scale_factor: bool | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        name = self.type_name()
        need_ranks(shape, MODE_RANKS[self.mode], f"{name}(mode='{self.mode}')")
        self.check_arguments()
        rank = len(shape) - 2
        axes = [self.resized(size, axis, rank, f"{label}: ")
                for axis, (label, size) in enumerate(zip(axis_labels(rank), shape[2:], strict=True))]
        if any(axis.size is not None and axis.size <= 0 for axis in axes):
            raise too_small(name, shape, [a.formula for a in axes], "Input and output sizes should be greater than 0")
        return (shape[0], shape[1], *(why.axis(axis) for axis in axes))

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """fvcore counts 2-d resampling only: nearest 1 per output element, bilinear 4, area (an adaptive
        average pool) 1 per input element; the others 0."""
        if len(output) != 4:
            return 0
        if self.mode == "area":
            return costs.per_element(inputs[0], 1)
        per_output = {"nearest": 1, "bilinear": 4}.get(self.mode, 0)
        return costs.per_element(output, per_output) if per_output else 0

    def check_arguments(self) -> None:
        """F.interpolate's refusals, raised when the module runs."""
        name = self.type_name()
        if (self.size is None) == (self.scale_factor is None):
            which = "only one of" if self.size is not None else "either"
            raise ShapeError(f"{name}: {which} size or scale_factor should be defined", code="SC102")
        if self.align_corners is not None and self.mode not in INTERPOLATING:
            raise ShapeError(f"{name}: align_corners option can only be set with the interpolating modes: "
                             f"linear | bilinear | bicubic | trilinear (mode is '{self.mode}')", code="SC102")

    def resized(self, size: int | None, axis: int, rank: int, label: str) -> Axis:
        if self.size is not None:
            wanted = self.per_axis(self.size, rank, "size")[axis]
            return Axis(wanted, f"{label}size = {wanted}")
        factor = float(self.per_axis(self.scale_factor, rank, "scale_factor")[axis])
        if size is None:
            return Axis(None, f"{label}None (unknown size stays unknown)")
        out = math.floor(float(size) * factor)
        return Axis(out, f"{label}floor({size} * {factor:g}) = {out}")

    def per_axis(self, value, rank: int, argument: str) -> tuple:
        if not isinstance(value, list):
            return (value,) * rank
        if len(value) != rank:
            raise ShapeError(f"{self.type_name()}: `{argument}` has {len(value)} entries but the input has "
                             f"{rank} spatial dimensions", code="SC102")
        return tuple(value)


class UpsamplingNearest2d(Upsample):
    """Upsample(mode='nearest') for 4D input: out = size, or floor(i * scale_factor)."""

    mode: ClassVar[str] = "nearest"
    align_corners: ClassVar[None] = None
    recompute_scale_factor: ClassVar[None] = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        need_ranks(inputs[0], (4,), self.type_name())
        return super().output_shape(inputs, why)


class UpsamplingBilinear2d(UpsamplingNearest2d):
    """Upsample(mode='bilinear', align_corners=True) for 4D input."""

    mode: ClassVar[str] = "bilinear"
    align_corners: ClassVar[bool] = True
