"""Joining branches in a PyTorch graph: Concatenate (torch.cat, alias Cat); Add lives with the elementwise ops.

    Concatenate(dim=1): ranks equal, every axis but `dim` equal; `dim` sums
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import AnyInt
from shapecalc.costs import receptive
from shapecalc.layers.base import Why
from shapecalc.layers.torch.common import TorchLayer, normalize_dim, torch_size
from shapecalc.shapes import Dim, Shape, ShapeError


class Concatenate(TorchLayer):
    """torch.cat along `dim` (default 1, the channel axis): sizes on `dim` add up, the rest must agree."""

    primary: ClassVar[str | None] = "dim"
    max_inputs: ClassVar[int | None] = None

    dim: AnyInt = 1

    def receptive_field(self, fields: list, inputs: list[Shape]) -> receptive.Field | None:
        """Joined along channels (dim 1): the largest field of its inputs; along a spatial axis, undefined."""
        rank = len(inputs[0])
        return receptive.merged(fields) if rank > 2 and self.dim % rank == 1 else None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        first = inputs[0]
        for number, shape in enumerate(inputs[1:], start=1):
            if len(shape) != len(first):
                raise ShapeError(f"{self.type_name()}: tensors must have the same number of dimensions: got "
                                 f"{torch_size(first)} and {torch_size(shape)} (tensor number {number})",
                                 code="SC103")
        axis = normalize_dim(self.dim, len(first), self.type_name())
        for number, shape in enumerate(inputs[1:], start=1):
            for position, (a, b) in enumerate(zip(first, shape, strict=True)):
                if position != axis and a is not None and b is not None and a != b:
                    raise ShapeError(
                        f"{self.type_name()}: sizes of tensors must match except in dimension {axis}: "
                        f"{torch_size(first)} and {torch_size(shape)} differ in dimension {position} "
                        f"({a} vs {b}, tensor number {number})", code="SC103")
        sizes = [shape[axis] for shape in inputs]
        total = None if None in sizes else sum(sizes)  # type: ignore[arg-type]
        why.step(f"dim {axis}: {' + '.join('None' if s is None else str(s) for s in sizes)} = {total}")
        merged = [merge_known(values) for values in zip(*inputs, strict=True)]
        merged[axis] = total
        return tuple(merged)


class Cat(Concatenate):
    __doc__ = Concatenate.__doc__


def merge_known(values: tuple[Dim, ...]) -> Dim:
    """The size several inputs agree on, or None if none of them knows it."""
    return next((v for v in values if v is not None), None)
