"""Keras merge layers: Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Dot.

Elementwise merges (Keras `Merge.compute_output_shape`) align the shapes
without their batch axis from the right and broadcast sizes of 1:

    (8, 1, 4) + (8, 5, 4) -> (8, 5, 4);   None with anything -> None

Concatenate sums the sizes along `axis`; every other axis must agree where
both sizes are known. Dot contracts axes[0] of the first input with axes[1]
of the second: shape1 without axes[0], then shape2 without axes[1] and its
batch axis. No merge layer has parameters.

A mismatch is error SC103, naming both shapes and the layers they came from
(`Why.sources`); a Concatenate whose spatial axes disagree (the U-Net crop
problem: 89 rows against 88) also says which Cropping or ZeroPadding layer
would make them agree.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import AnyInt, ArgumentError
from shapecalc.costs import macs as costs
from shapecalc.costs import receptive
from shapecalc.layers.base import Layer, Why
from shapecalc.shapes import Dim, Shape, ShapeError, format_shape

MERGE_ERROR = "SC103"


def received(inputs: list[Shape], why: Why, indices: list[int] | None = None) -> str:
    """'(None, 89, 89, 64) from conv2d_3 and (None, 88, 88, 128) from up_conv'."""
    chosen = indices if indices is not None else list(range(len(inputs)))
    parts = []
    for i in chosen:
        source = why.sources[i] if i < len(why.sources) else None
        parts.append(format_shape(inputs[i]) + (f" from {source!r}" if source else ""))
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def source_name(why: Why, index: int) -> str:
    """How a message names input `index`: the layer it came from, quoted, or its position."""
    if index < len(why.sources) and why.sources[index]:
        return repr(why.sources[index])
    return "the first input" if index == 0 else f"input {index}"


class _Merge(receptive.KeepsField, Layer):
    """Shared rule of the elementwise merges (Add, Subtract, Multiply, Average, Maximum, Minimum)."""

    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        merged: tuple[Dim, ...] = tuple(inputs[0][1:])
        for index in range(1, len(inputs)):
            merged = self.broadcast(merged, tuple(inputs[index][1:]), inputs, why)
        batches = {shape[0] for shape in inputs} - {None}
        batch = next(iter(batches)) if len(batches) == 1 else None
        why.step(f"elementwise over {len(inputs)} inputs: {format_shape((batch, *merged))}")
        return (batch, *merged)

    def broadcast(self, first: Shape, second: Shape, inputs: list[Shape], why: Why) -> Shape:
        """Keras's `_compute_elemwise_op_output_shape`: right-aligned, 1 broadcasts, None stays None."""
        if len(first) < len(second):
            first, second = second, first
        if not second:
            return first
        merged = list(first[: len(first) - len(second)])
        for a, b in zip(first[len(first) - len(second):], second, strict=True):
            if a is None or b is None:
                merged.append(None)
            elif a == 1 or b == 1:
                merged.append(b if a == 1 else a)
            elif a != b:
                raise ShapeError(
                    f"{self.type_name()}: inputs have incompatible shapes: received "
                    f"{received(inputs, why)} "
                    f"(sizes must be equal or 1 on every axis but the batch axis, here {a} against {b})",
                    code=MERGE_ERROR,
                )
            else:
                merged.append(a)
        return tuple(merged)


class Add(_Merge):
    """Elementwise sum of its inputs: Keras's broadcasting merge rule, no parameters."""


class Multiply(_Merge):
    """Elementwise product of its inputs: Keras's broadcasting merge rule, no parameters."""


class Average(_Merge):
    """Elementwise mean of its inputs: Keras's broadcasting merge rule, no parameters."""


class Maximum(_Merge):
    """Elementwise maximum of its inputs: Keras's broadcasting merge rule, no parameters."""


class Minimum(_Merge):
    """Elementwise minimum of its inputs: Keras's broadcasting merge rule, no parameters."""


class Subtract(_Merge):
    """inputs[0] - inputs[1]: exactly two inputs, Keras's broadcasting merge rule, no parameters."""

    max_inputs: ClassVar[int | None] = 2


class Concatenate(Layer):
    """Joins its inputs along `axis`: sizes there add up; every other known size must agree."""

    primary: ClassVar[str | None] = "axis"
    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = None

    axis: AnyInt = -1

    def receptive_field(self, fields: list, inputs: list[Shape]) -> receptive.Field | None:
        """Joined along the channel axis (the last): the largest field of its inputs; else undefined."""
        rank = len(inputs[0])
        return receptive.merged(fields) if rank > 2 and self.axis % rank == rank - 1 else None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        rank = len(inputs[0])
        if any(len(shape) != rank for shape in inputs):
            ranks = ", ".join(str(r) for r in sorted({len(shape) for shape in inputs}))
            self.refuse(inputs, why, f"the inputs have different ranks ({ranks}, batch axis included)")
        if not -rank <= self.axis < rank:
            raise ShapeError(f"Concatenate: axis={self.axis} is out of range for inputs of rank {rank} "
                             f"(batch axis included): received {received(inputs, why)}", code="SC102")
        axis = self.axis % rank
        for index, shape in enumerate(inputs[1:], start=1):
            for position, (a, b) in enumerate(zip(inputs[0], shape, strict=True)):
                if position != axis and a is not None and b is not None and a != b:
                    self.refuse(inputs, why, self.size_problem(inputs, index, position, axis, why), index)
        sizes = [shape[axis] for shape in inputs]
        total = None if None in sizes else sum(sizes)  # type: ignore[arg-type]
        why.step(f"axis {self.axis}: " + " + ".join("None" if s is None else str(s) for s in sizes) + f" = {total}")
        return (*inputs[0][:axis], total, *inputs[0][axis + 1:])

    def size_problem(self, inputs: list[Shape], index: int, position: int, axis: int, why: Why) -> str:
        a, b = inputs[0][position], inputs[index][position]
        text = f"axis {position} has {a} against {b}"
        fix = alignment_fix(inputs[0], inputs[index], axis, (source_name(why, 0), source_name(why, index)))
        return text + (f"; {fix}" if fix else "")

    def refuse(self, inputs: list[Shape], why: Why, problem: str, index: int | None = None) -> None:
        shown = received(inputs, why, [0, index] if index else None)
        raise ShapeError(
            f"Concatenate requires inputs with matching shapes except for the concatenation axis "
            f"(axis={self.axis}): received {shown}: {problem}",
            code=MERGE_ERROR,
        )


def alignment_fix(first: Shape, other: Shape, axis: int, names: tuple[str, str]) -> str:
    """The Cropping/ZeroPadding layer that would make two inputs agree off the concatenation axis.

    Only for image-like tensors (rank 3 to 5) concatenated along their channel
    axis (last for channels_last, 1 for channels_first), where the other
    non-batch axes are spatial.
    """
    rank = len(first)
    if not 3 <= rank <= 5 or axis not in (1, rank - 1):
        return ""
    spatial = [p for p in range(1, rank) if p != axis]
    diffs = []
    for p in spatial:
        a, b = first[p], other[p]
        if a is None or b is None:
            return ""
        diffs.append(a - b)
    if all(d >= 0 for d in diffs):
        larger, smaller, by = names[0], names[1], diffs
    elif all(d <= 0 for d in diffs):
        larger, smaller, by = names[1], names[0], [-d for d in diffs]
    else:
        return ""
    pairs = [(d // 2, d - d // 2) for d in by]
    spec = pairs[0] if len(pairs) == 1 else tuple(pairs)
    dims = rank - 2
    layout = ", data_format='channels_first'" if axis == 1 and rank > 3 else ""
    return (
        f"Cropping{dims}D(cropping={spec}{layout}) on {larger} or "
        f"ZeroPadding{dims}D(padding={spec}{layout}) on {smaller} would make them agree"
    )


class Dot(Layer):
    """Dot product of two inputs over axes (a, b): shape1 without a, then shape2 without b and batch."""

    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 2

    axes: AnyInt | list[AnyInt]
    normalize: bool = False

    def check(self) -> None:
        if isinstance(self.axes, list) and len(self.axes) != 2:
            raise ArgumentError(
                "axes", f"Invalid format for argument `axes`: it should contain two elements. Received: axes={self.axes}"
            )

    def pair(self, first: Shape, second: Shape) -> tuple[int, int]:
        if isinstance(self.axes, list):
            return self.axes[0], self.axes[1]
        if self.axes < 0:
            return self.axes % len(first), self.axes % len(second)
        return self.axes, self.axes

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As torch.bmm/matmul: every value of the first input meets every value of the second that
        shares its contracted index: elements(first) * elements(second) / contracted size."""
        first, second = inputs
        _, b = self.pair(first, second)
        rest = costs.elements(second)
        return costs.times(costs.elements(first), None if rest is None or not second[b] else rest // second[b])

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        first, second = inputs
        a, b = self.pair(first, second)
        if not (-len(first) <= a < len(first) and -len(second) <= b < len(second)):
            raise ShapeError(
                f"Dot: axes={self.axes} is out of range for inputs {received(inputs, why)}", code="SC102"
            )
        if first[a] != second[b]:
            raise ShapeError(
                f"Dot: incompatible input shapes: axis values {first[a]} (at axis {a}) != {second[b]} "
                f"(at axis {b}); received {received(inputs, why)}",
                code=MERGE_ERROR,
            )
        left = list(first)
        right = list(second)
        left.pop(a)
        right.pop(b)
        right.pop(0)
        output = left + right
        if len(output) == 1:
            output.append(1)
        why.step(f"contract axis {a} of {format_shape(first)} with axis {b} of {format_shape(second)}")
        return tuple(output)
