"""Tensor methods a forward() calls between modules, written as layers: Permute, Transpose, Reshape/View, Squeeze, Unsqueeze, Mean.

They are not torch.nn modules, but a PyTorch model needs them between its
modules (a Conv1d's (N, C, L) output permuted to (N, L, C) for an LSTM), so
a file writes them as entries with the method's own arguments. Shapes are
whole tensors, batch included, as the methods see them:

    Permute(dims):        out[i] = in[dims[i]]
    Transpose(dim0, dim1): two axes swapped
    Reshape(shape)/View:  `shape` with one -1 inferred; the sizes must multiply up (null: the
                          input's unknown size, as `x.size(0)` in `x.view(bs, -1, h, d)`)
    Squeeze(dim):         axes of size 1 removed (all, or those in `dim`)
    Unsqueeze(dim):       an axis of size 1 inserted at `dim`
    Mean(dim, keepdim):   axes in `dim` reduced (kept as 1 with keepdim); Sum in plumbing.py

None of them has parameters.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from shapecalc.arguments.bounds import Ge, Le
from shapecalc.arguments.types import MAX_SIZE, AnyInt, ArgumentError
from shapecalc.layers.base import Why
from shapecalc.layers.torch.common import TorchLayer, normalize_dim, torch_size
from shapecalc.shapes import Shape, ShapeError, product

Size = Annotated[int, Ge(-1), Le(MAX_SIZE)]


class Permute(TorchLayer):
    """x.permute(*dims): output axis i is input axis dims[i]; dims must order every axis once."""

    rearranges_axes: ClassVar[bool] = True

    primary: ClassVar[str | None] = "dims"

    dims: list[AnyInt]

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        if len(self.dims) != len(shape):
            raise ShapeError(f"Permute: the input has {len(shape)} dimensions but dims={self.dims} orders "
                             f"{len(self.dims)} (input {torch_size(shape)})", code="SC102")
        order = [normalize_dim(d, len(shape), "Permute", "dims") for d in self.dims]
        if len(set(order)) != len(order):
            raise ShapeError(f"Permute: repeated dim in dims={self.dims}", code="SC102")
        return tuple(shape[axis] for axis in order)


class Transpose(TorchLayer):
    """x.transpose(dim0, dim1): the two axes swap places."""

    rearranges_axes: ClassVar[bool] = True

    dim0: AnyInt
    dim1: AnyInt

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = list(inputs[0])
        a = normalize_dim(self.dim0, len(shape), "Transpose", "dim0")
        b = normalize_dim(self.dim1, len(shape), "Transpose", "dim1")
        shape[a], shape[b] = shape[b], shape[a]
        return tuple(shape)


class Reshape(TorchLayer):
    """x.reshape(*shape): the whole shape, batch included, with one -1 inferred; sizes must multiply up.

    `null` is a size known only at run time, as `x.size(0)` is in
    `x.view(bs, -1, h, d)`: it stands for the input's unknown size, so
    with as many nulls as the input has unknown sizes the -1 is still
    inferred (the unknowns cancel), and otherwise it is unknown too.
    """

    rearranges_axes: ClassVar[bool] = True

    primary: ClassVar[str | None] = "shape"

    shape: list[Size | None]

    def check(self) -> None:
        if self.shape.count(-1) > 1 or 0 in self.shape:
            raise ArgumentError("shape", f"only one dimension can be inferred (-1) and none can be 0, "
                                f"received {self.shape}")

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        source = inputs[0]
        known_in = product(tuple(d for d in source if d is not None)) or 1
        known_out = product(tuple(s for s in self.shape if s is not None and s != -1)) or 1
        cancel = source.count(None) == self.shape.count(None)  # the unknowns on both sides are the same
        sizes: list[int | None] = list(self.shape)
        if -1 in sizes:
            if cancel and known_in % known_out:
                raise self.invalid(source, known_in)
            sizes[sizes.index(-1)] = known_in // known_out if cancel else None
        elif cancel and known_in != known_out:
            raise self.invalid(source, known_in)
        why.step(f"{' * '.join('None' if d is None else str(d) for d in source)} = "
                 f"{product(source)} elements")
        return tuple(sizes)

    def invalid(self, source: Shape, total: int) -> ShapeError:
        unknown = " (known sizes; the unknown ones cancel)" if None in source else ""
        return ShapeError(f"{self.type_name()}: shape {self.shape} is invalid for input of size {total}{unknown} "
                          f"(input {torch_size(source)})", code="SC102")


class View(Reshape):
    """x.view(*shape): as Reshape, the whole shape with one -1 inferred."""


class Squeeze(TorchLayer):
    """x.squeeze(dim): removes axes of size 1 (every one, or those in `dim`); unknown sizes stay."""

    rearranges_axes: ClassVar[bool] = True

    primary: ClassVar[str | None] = "dim"

    dim: AnyInt | list[AnyInt] | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        if self.dim is None:
            chosen = set(range(len(shape)))
        else:
            dims = [self.dim] if isinstance(self.dim, int) else self.dim
            chosen = {normalize_dim(d, len(shape), "Squeeze") for d in dims}
        return tuple(size for axis, size in enumerate(shape) if not (axis in chosen and size == 1))


class Unsqueeze(TorchLayer):
    """x.unsqueeze(dim): an axis of size 1 inserted at `dim` (-rank-1 <= dim <= rank)."""

    rearranges_axes: ClassVar[bool] = True

    primary: ClassVar[str | None] = "dim"

    dim: AnyInt

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        axis = normalize_dim(self.dim, len(shape) + 1, "Unsqueeze")
        return (*shape[:axis], 1, *shape[axis:])


class Mean(TorchLayer):
    """x.mean(dim, keepdim): the axes in `dim` (every axis if None) reduced, or kept as 1 with keepdim."""

    primary: ClassVar[str | None] = "dim"

    dim: AnyInt | list[AnyInt] | None = None
    keepdim: bool = False

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        if self.dim is None:
            chosen = set(range(len(shape)))
        else:
            dims = [self.dim] if isinstance(self.dim, int) else self.dim
            chosen = {normalize_dim(d, len(shape), self.type_name()) for d in dims}
            if len(chosen) != len(dims):
                raise ShapeError(f"{self.type_name()}: dim {self.dim} appears multiple times in the list of dims", code="SC102")
        if self.keepdim:
            return tuple(1 if axis in chosen else size for axis, size in enumerate(shape))
        return tuple(size for axis, size in enumerate(shape) if axis not in chosen)
