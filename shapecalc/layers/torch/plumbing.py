"""Tensor methods that cut, pick and stretch: chunk/split (several outputs), expand, select, indexing, narrow, sum.

Shapes are whole tensors, batch included, as the methods see them; dims may
be negative, as in torch. Unknown sizes (None) stay unknown.

    Chunk(chunks, dim):      pieces of ceil(size / chunks), the last smaller; ceil(size / piece) outputs
    Split(split_size, dim):  pieces of split_size (the last smaller), or of the listed sizes (their sum = size)
    Expand(size):            -1 keeps a size; an axis of 1 stretches; new axes lead; null = a size known
                             only at run time (`x.size(0)`)
    ExpandAs:                inputs [x, other]: x expanded to other's shape
    Select(dim, index):      the axis `dim` removed (-size <= index < size)
    Narrow(dim, start, length): axis `dim` becomes `length` (start + length <= size)
    Index(index):            Python indexing written as text: "[:, 0]", "[..., :k]", "[:, None, 1::2]"
    Sum(dim, keepdim):       as Mean: the axes in `dim` reduced (kept as 1 with keepdim)
    Contiguous:              the same tensor, laid out in memory in order

A layer with several outputs passes the first to a layer that names it, and
output i to one that names `name[i]`. None of them has parameters.
"""

from __future__ import annotations

import math
import re
from typing import ClassVar

from shapecalc.arguments.types import AnyInt, ArgumentError, NonNegativeInt, PositiveInt
from shapecalc.layers.base import Why
from shapecalc.layers.torch.common import TorchLayer, normalize_dim, torch_size
from shapecalc.layers.torch.tensor_ops import Mean
from shapecalc.shapes import Dim, Shape, ShapeError


def _with_size(shape: Shape, axis: int, size: Dim) -> Shape:
    return (*shape[:axis], size, *shape[axis + 1:])


class Chunk(TorchLayer):
    """x.chunk(chunks, dim): pieces of ceil(size / chunks) along `dim`, the last one smaller; several outputs.

    The number of pieces is ceil(size / piece), which can be fewer than
    `chunks` (6 in 4 chunks is 3 pieces of 2). An unknown size gives
    `chunks` pieces of unknown size.
    """

    primary: ClassVar[str | None] = "chunks"

    chunks: PositiveInt
    dim: AnyInt = 0

    def output_shape(self, inputs: list[Shape], why: Why) -> list[Shape]:
        shape = inputs[0]
        axis = normalize_dim(self.dim, len(shape), "Chunk")
        size = shape[axis]
        if size is None:
            return [_with_size(shape, axis, None)] * self.chunks
        piece = max(math.ceil(size / self.chunks), 1)
        sizes = split_sizes(size, piece)
        why.step(f"dim {axis}: ceil({size} / {self.chunks}) = {piece} per piece: {sizes}")
        return [_with_size(shape, axis, s) for s in sizes]


class Split(TorchLayer):
    """torch.split(x, split_size_or_sections, dim): equal pieces (the last smaller), or the sizes listed; several outputs."""

    primary: ClassVar[str | None] = "split_size_or_sections"

    split_size_or_sections: PositiveInt | list[NonNegativeInt]
    dim: AnyInt = 0

    def output_shape(self, inputs: list[Shape], why: Why) -> list[Shape]:
        shape = inputs[0]
        axis = normalize_dim(self.dim, len(shape), "Split")
        size = shape[axis]
        sections = self.split_size_or_sections
        if isinstance(sections, list):
            if size is not None and sum(sections) != size:
                raise ShapeError(f"Split: split_with_sizes expects split_sizes to sum exactly to {size} (the input's "
                                 f"size at dimension {axis}), but got split_sizes={sections} (input "
                                 f"{torch_size(shape)})", code="SC102")
            return [_with_size(shape, axis, s) for s in sections]
        if size is None:
            raise ShapeError(f"Split: dimension {axis} of the input {torch_size(shape)} is unknown, so the number of "
                             f"pieces of {sections} is too; give the sizes as a list", code="SC102")
        sizes = split_sizes(size, sections)
        why.step(f"dim {axis}: {size} in pieces of {sections}: {sizes}")
        return [_with_size(shape, axis, s) for s in sizes]


def split_sizes(size: int, piece: int) -> list[int]:
    """Pieces of `piece` covering `size`, the last one smaller (one empty piece for a size of 0)."""
    if size == 0:
        return [0]
    return [min(piece, size - start) for start in range(0, size, piece)]


class Expand(TorchLayer):
    """x.expand(*size): -1 keeps a size, an axis of 1 stretches to any size, new axes may lead; null is a size known only at run time."""

    primary: ClassVar[str | None] = "size"

    size: list[AnyInt | None]

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return expanded(inputs[0], list(self.size), "Expand")


def expanded(shape: Shape, target: list[Dim], layer: str) -> Shape:
    """torch's expand rule: sizes aligned from the last axis; new axes lead and cannot be -1."""
    if len(target) < len(shape):
        raise ShapeError(f"{layer}: the number of sizes provided ({len(target)}) must be greater or equal to the "
                         f"number of dimensions in the tensor ({len(shape)}): {torch_size(shape)}", code="SC102")
    lead = len(target) - len(shape)
    out: list[Dim] = []
    for position, wanted in enumerate(target):
        if position < lead:
            if wanted is not None and wanted < 0:
                raise ShapeError(f"{layer}: the expanded size of the tensor ({wanted}) isn't allowed in a leading, "
                                 f"non-existing dimension {position}", code="SC102")
            out.append(wanted)
            continue
        have = shape[position - lead]
        if wanted == -1:
            out.append(have)
        elif wanted is not None and wanted < -1:
            raise ShapeError(f"{layer}: invalid size {wanted} at dimension {position}", code="SC102")
        elif have is None or have == 1 or wanted is None or have == wanted:
            out.append(wanted if wanted is not None or have in (None, 1) else have)
        else:
            raise ShapeError(f"{layer}: the expanded size of the tensor ({wanted}) must match the existing size "
                             f"({have}) at non-singleton dimension {position}. Target sizes: {target}. Tensor "
                             f"sizes: {torch_size(shape)}", code="SC102")
    return tuple(out)


class ExpandAs(TorchLayer):
    """x.expand_as(other): inputs [x, other]; x expanded to other's shape by the Expand rule."""

    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 2

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return expanded(inputs[0], list(inputs[1]), "ExpandAs")


class Select(TorchLayer):
    """x.select(dim, index) / x[:, index]: the axis `dim` is removed; -size <= index < size."""

    dim: AnyInt
    index: AnyInt

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        axis = normalize_dim(self.dim, len(shape), "Select")
        check_index(self.index, shape[axis], axis, "Select")
        return shape[:axis] + shape[axis + 1:]


def check_index(index: int, size: Dim, axis: int, layer: str) -> None:
    if size is not None and not -size <= index < size:
        raise ShapeError(f"{layer}: index {index} is out of bounds for dimension {axis} with size {size}",
                         code="SC102")


class Narrow(TorchLayer):
    """x.narrow(dim, start, length): axis `dim` becomes `length`; start + length must fit in its size."""

    dim: AnyInt
    start: AnyInt
    length: NonNegativeInt

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        axis = normalize_dim(self.dim, len(shape), "Narrow")
        size = shape[axis]
        if size is not None:
            start = self.start + size if self.start < 0 else self.start
            if not 0 <= start <= size or start + self.length > size:
                raise ShapeError(f"Narrow: start ({self.start}) + length ({self.length}) exceeds dimension size "
                                 f"({size}) of the input {torch_size(shape)}", code="SC102")
        return _with_size(shape, axis, self.length)


_SLICE = re.compile(r"^(-?\d+)?:(-?\d+)?(?::(-?\d+)?)?$")
_INT = re.compile(r"^-?\d+$")


class Index(TorchLayer):
    """x[...] written as Python: integers remove an axis, slices `a:b:c` keep it (clamped as Python clamps), `...` stands for the axes not named, `None` inserts an axis of 1.

    One `...` at most, as numpy allows (torch takes a second one without a
    meaning shapecalc could state); steps must be positive, as torch's are.
    """

    primary: ClassVar[str | None] = "index"

    index: str

    def check(self) -> None:
        self.parts()

    def parts(self) -> list[str]:
        text = self.index.strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        if not text.strip():
            raise ArgumentError("index", f"an index needs at least one entry (`x[]` is not Python), received "
                                f"{self.index!r}")
        parts = [part.strip() for part in text.split(",")]
        for part in parts:
            if not (part in ("...", "None", ":") or _INT.match(part) or _SLICE.match(part)):
                raise ArgumentError("index", f"`{part}` is not an index shapecalc reads: write integers, slices "
                                    f"with integer bounds (`1:8:2`), `...` or `None`, received {self.index!r}")
        if parts.count("...") > 1:
            raise ArgumentError("index", f"an index can only have a single ellipsis ('...'), received {self.index!r}")
        return parts

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        parts = self.parts()
        named = sum(part not in ("...", "None") for part in parts)
        if named > len(shape):
            raise ShapeError(f"Index: too many indices for tensor of dimension {len(shape)}: {self.index} on "
                             f"{torch_size(shape)}", code="SC102")
        if "..." in parts:
            at = parts.index("...")
            parts = parts[:at] + [":"] * (len(shape) - named) + parts[at + 1:]
        else:
            parts = parts + [":"] * (len(shape) - named)
        out: list[Dim] = []
        axis = 0
        for part in parts:
            if part == "None":
                out.append(1)
                continue
            size = shape[axis]
            if _INT.match(part):
                check_index(int(part), size, axis, "Index")
            else:
                out.append(sliced(part, size))
            axis += 1
        return tuple(out)


def sliced(part: str, size: Dim) -> Dim:
    """The length of `start:stop:step` over an axis of `size`, clamped as Python slices are."""
    match = _SLICE.match(part)
    assert match is not None
    start, stop, step = (None if group is None else int(group) for group in match.groups())
    if step is not None and step <= 0:
        raise ShapeError(f"Index: step must be greater than zero (torch refuses `{part}`)", code="SC102")
    if size is None:
        return None
    return len(range(*slice(start, stop, step).indices(size)))


class Sum(Mean):
    """x.sum(dim, keepdim): the axes in `dim` (every axis if None) reduced, or kept as 1 with keepdim."""


class Contiguous(TorchLayer):
    """x.contiguous(): the same shape, laid out in order in memory (what a View after a Permute needs)."""

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return inputs[0]
