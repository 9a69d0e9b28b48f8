"""torch.nn Unfold and Fold: sliding blocks out of an image and back (im2col / col2im).

    Unfold: (N, C, H, W) -> (N, C*prod(k), L),  L = prod over axes of
            floor((i + 2p - d*(k-1) - 1) / s) + 1
    Fold:   (N, C*prod(k), L) -> (N, C, *output_size), where L must be that
            same count of blocks for output_size

Both take a 3D (unbatched) or 4D input and have no parameters.
"""

from __future__ import annotations

from shapecalc.arguments.types import NonNegativeInts, PositiveInt, PositiveInts, as_tuple
from shapecalc.layers.base import Why
from shapecalc.layers.torch.common import (
    TorchLayer,
    axis_labels,
    need_ranks,
    too_small,
    torch_size,
)
from shapecalc.shapes import Axis, Shape, ShapeError, product, window


class _Blocks(TorchLayer):
    """The sliding-block arguments Unfold and Fold share (two spatial axes)."""

    kernel_size: PositiveInts
    dilation: PositiveInts = 1
    padding: NonNegativeInts = 0
    stride: PositiveInts = 1

    def check(self) -> None:
        self.blocks((1, 1))

    def blocks(self, spatial: Shape) -> list[Axis]:
        """Blocks along each spatial axis: the sliding-window count."""
        return [
            window(size, k, s, (p, p), d, label=f"{label}: ")
            for label, size, k, s, p, d in zip(
                axis_labels(2), spatial, as_tuple(self.kernel_size, 2, "kernel_size"), as_tuple(self.stride, 2, "stride"),
                as_tuple(self.padding, 2, "padding"), as_tuple(self.dilation, 2, "dilation"), strict=True)
        ]

    def kernel_area(self) -> int:
        return product(as_tuple(self.kernel_size, 2, "kernel_size")) or 1


class Unfold(_Blocks):
    """(N, C, H, W) -> (N, C*prod(kernel_size), L), L the number of sliding blocks."""

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        need_ranks(shape, (3, 4), "Unfold")
        *lead, channels, height, width = shape
        axes = self.blocks((height, width))
        if any(axis.size is not None and axis.size <= 0 for axis in axes):
            raise too_small("Unfold", shape, [a.formula for a in axes], "the array of sliding blocks is empty")
        count = product(tuple(why.axis(axis) for axis in axes))
        features = None if channels is None else channels * self.kernel_area()
        why.step(f"C*prod(k) = {features}; L = {count}")
        return (*lead, features, count)


class Fold(_Blocks):
    """(N, C*prod(kernel_size), L) -> (N, C, *output_size); L must be the block count of output_size."""

    output_size: PositiveInt | list[PositiveInt]

    def check(self) -> None:
        super().check()
        as_tuple(self.output_size, 2, "output_size")

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        need_ranks(shape, (2, 3), "Fold")
        *lead, features, count = shape
        area = self.kernel_area()
        if features is not None and features % area:
            raise ShapeError(f"Fold: expected size of input's dimension {len(lead)} ({features}) to be divisible by "
                             f"the product of kernel_size ({area}), input {torch_size(shape)}", code="SC102")
        size = as_tuple(self.output_size, 2, "output_size")
        expected = product(tuple(why.axis(axis) for axis in self.blocks(size)))
        if count is not None and count != expected:
            raise ShapeError(f"Fold: output_size={list(size)} holds {expected} sliding blocks, but the input brings "
                             f"{count} (input {torch_size(shape)})", code="SC102")
        return (*lead, None if features is None else features // area, *size)
