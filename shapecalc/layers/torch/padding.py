"""torch.nn padding layers: Zero/Constant/Reflection/Replication/Circular Pad 1d/2d/3d.

`padding` is an int (every side) or PyTorch's flat tuple, LAST axis first:
(left, right) for 1d, (left, right, top, bottom) for 2d, and
(left, right, top, bottom, front, back) for 3d. Each padded axis becomes

    out = lo + i + hi

Zero and constant pads may be negative (they crop) and pad the last axes of
a tensor of any rank; reflection needs every pad smaller than the axis,
circular at most the axis, and those three need (C, *) or (N, C, *) input.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import AnyInt, ArgumentError, NonNegativeInt
from shapecalc.costs import receptive
from shapecalc.layers.base import Why
from shapecalc.layers.torch.common import TorchLayer, axis_labels, need_ranks, too_small, torch_size
from shapecalc.shapes import Axis, Shape, ShapeError


class _Pad(receptive.KeepsField, TorchLayer):
    """Pads the last axes with zeros (negative pads crop): out = lo + i + hi; `padding` runs (left, right, top, bottom, front, back)."""

    rank: ClassVar[int] = 2
    primary: ClassVar[str | None] = "padding"
    constant: ClassVar[bool] = True  # zero/constant padding: any rank, negative pads crop

    padding: AnyInt | list[AnyInt]

    def pads(self) -> list[tuple[int, int]]:
        """(lo, hi) per padded axis, first axis first (the reverse of PyTorch's flat order)."""
        if isinstance(self.padding, int):
            return [(self.padding, self.padding)] * self.rank
        flat = self.padding
        pairs = [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]
        return pairs[::-1]

    def check(self) -> None:
        if isinstance(self.padding, list) and len(self.padding) != 2 * self.rank:
            raise ArgumentError("padding", f"`padding` must be an integer or a list of {2 * self.rank} "
                                f"integers (last axis first), received {self.padding}")
        if not self.constant and min(min(pair) for pair in self.pads()) < 0:
            raise ArgumentError("padding", f"{self.type_name()} padding must be non-negative, received {self.padding}")

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        name = self.type_name()
        if self.constant:
            if len(shape) < self.rank:
                raise ShapeError(f"{name}: padding length {2 * self.rank} should be at most two times the input "
                                 f"rank, but the input is {torch_size(shape)}", code="SC102")
        else:
            need_ranks(shape, (self.rank + 1, self.rank + 2), name)
        spatial = shape[-self.rank:]
        for size, pads in zip(spatial, self.pads(), strict=True):
            self.check_size(size, pads, shape)
        axes = [padded(size, pads, f"{label}: ")
                for label, size, pads in zip(axis_labels(self.rank), spatial, self.pads(), strict=True)]
        if any(axis.size is not None and axis.size <= 0 for axis in axes):
            raise too_small(name, shape, [a.formula for a in axes], "the padded size is not positive")
        return (*shape[: -self.rank], *(why.axis(axis) for axis in axes))

    def check_size(self, size: int | None, pads: tuple[int, int], shape: Shape) -> None:
        """Reflection and circular padding cannot reach further than the input itself."""


class _ReflectionPad(_Pad):
    """Mirrors the input at its edges: each pad must be smaller than the axis; out = lo + i + hi."""

    constant: ClassVar[bool] = False
    padding: NonNegativeInt | list[NonNegativeInt]

    def check_size(self, size: int | None, pads: tuple[int, int], shape: Shape) -> None:
        if size is not None and max(pads) >= size:
            raise ShapeError(f"{self.type_name()}: padding size should be less than the corresponding input "
                             f"dimension, but got padding {pads} for a dimension of size {size} of input "
                             f"{torch_size(shape)}", code="SC102")


class _CircularPad(_Pad):
    """Wraps the input around: each pad may be at most the axis; out = lo + i + hi."""

    constant: ClassVar[bool] = False
    padding: NonNegativeInt | list[NonNegativeInt]

    def check_size(self, size: int | None, pads: tuple[int, int], shape: Shape) -> None:
        if size is not None and max(pads) > size:
            raise ShapeError(f"{self.type_name()}: padding value {max(pads)} causes wrapping around more than "
                             f"once (axis of size {size}, input {torch_size(shape)})", code="SC102")


class _ReplicationPad(_Pad):
    """Repeats the edge values: out = lo + i + hi."""

    constant: ClassVar[bool] = False
    padding: NonNegativeInt | list[NonNegativeInt]


class _ConstantPad(_Pad):
    """Pads with `value` (negative pads crop): out = lo + i + hi."""

    value: float


def padded(size: int | None, pads: tuple[int, int], label: str) -> Axis:
    if size is None:
        return Axis(None, f"{label}None (unknown size stays unknown)")
    lo, hi = pads
    out = lo + size + hi
    return Axis(out, f"{label}{lo} + {size} + {hi} = {out}")


class ZeroPad1d(_Pad):
    __doc__ = _Pad.__doc__
    rank: ClassVar[int] = 1


class ZeroPad2d(_Pad):
    __doc__ = _Pad.__doc__
    rank: ClassVar[int] = 2


class ZeroPad3d(_Pad):
    __doc__ = _Pad.__doc__
    rank: ClassVar[int] = 3


class ConstantPad1d(_ConstantPad):
    __doc__ = _ConstantPad.__doc__
    rank: ClassVar[int] = 1


class ConstantPad2d(_ConstantPad):
    __doc__ = _ConstantPad.__doc__
    rank: ClassVar[int] = 2


class ConstantPad3d(_ConstantPad):
    __doc__ = _ConstantPad.__doc__
    rank: ClassVar[int] = 3


class ReflectionPad1d(_ReflectionPad):
    __doc__ = _ReflectionPad.__doc__
    rank: ClassVar[int] = 1


class ReflectionPad2d(_ReflectionPad):
    __doc__ = _ReflectionPad.__doc__
    rank: ClassVar[int] = 2


class ReflectionPad3d(_ReflectionPad):
    __doc__ = _ReflectionPad.__doc__
    rank: ClassVar[int] = 3


class ReplicationPad1d(_ReplicationPad):
    __doc__ = _ReplicationPad.__doc__
    rank: ClassVar[int] = 1


class ReplicationPad2d(_ReplicationPad):
    __doc__ = _ReplicationPad.__doc__
    rank: ClassVar[int] = 2


class ReplicationPad3d(_ReplicationPad):
    __doc__ = _ReplicationPad.__doc__
    rank: ClassVar[int] = 3


class CircularPad1d(_CircularPad):
    __doc__ = _CircularPad.__doc__
    rank: ClassVar[int] = 1


class CircularPad2d(_CircularPad):
    __doc__ = _CircularPad.__doc__
    rank: ClassVar[int] = 2


class CircularPad3d(_CircularPad):
    __doc__ = _CircularPad.__doc__
    rank: ClassVar[int] = 3
