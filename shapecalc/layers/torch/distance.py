"""torch.nn CosineSimilarity and PairwiseDistance: two inputs, broadcast, one axis reduced.

    CosineSimilarity(dim=1):    broadcast(x1, x2) without axis `dim`
    PairwiseDistance(keepdim):  broadcast(x1, x2) without its last axis
                                (kept as 1 with keepdim)
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import AnyInt
from shapecalc.broadcast import broadcast_shapes
from shapecalc.layers.base import Why
from shapecalc.layers.torch.common import TorchLayer, normalize_dim, torch_size
from shapecalc.shapes import Shape


class CosineSimilarity(TorchLayer):
    """Cosine of x1 and x2 along `dim`: their broadcast shape without that axis."""

    primary: ClassVar[str | None] = "dim"
    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 2

    dim: AnyInt = 1
    eps: float = 1e-8

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = broadcast_shapes(inputs, self.type_name(), torch_size)
        axis = normalize_dim(self.dim, len(shape), self.type_name())
        return (*shape[:axis], *shape[axis + 1:])


class PairwiseDistance(TorchLayer):
    """p-norm of x1 - x2 over the last axis: their broadcast shape without it (kept as 1 with keepdim)."""

    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 2

    p: float = 2.0
    eps: float = 1e-6
    keepdim: bool = False

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = broadcast_shapes(inputs, self.type_name(), torch_size)
        return (*shape[:-1], 1) if self.keepdim else shape[:-1]
