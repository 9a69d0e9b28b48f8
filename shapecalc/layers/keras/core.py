"""Keras core and reshaping layers: Dense, EinsumDense, Activation, Identity, Masking, Flatten, Reshape, Permute, RepeatVector.

Dense acts on the last axis only: (..., n) -> (..., units), with
n*units weights plus `units` biases. EinsumDense generalises it to any
einsum equation between the input and its kernel. The reshaping layers move values
around without parameters; Reshape keeps the element count and infers one
-1 from it.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal

from shapecalc.arguments.declarative import Aliased
from shapecalc.arguments.types import (
    AnyInt,
    ArgumentError,
    DataFormat,
    PositiveInt,
    Setting,
    WeightSettings,
)
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Layer, Params, Why, need_min_rank, need_rank
from shapecalc.layers.keras.activations import check_activation
from shapecalc.layers.keras.embedding import lora_params
from shapecalc.layers.keras.regularization import ShapePreserving
from shapecalc.shapes import Shape, ShapeError, format_shape, product


class Dense(WeightSettings, Layer):
    """(..., n) -> (..., units); params n*units + units (with `lora_rank` r: n*units frozen,
    n*r + r*units + units trainable).
    """

    primary: ClassVar[str | None] = "units"

    units: PositiveInt
    activation: Setting = None
    use_bias: bool = True
    lora_rank: PositiveInt | None = None
    lora_alpha: float | None = None
    quantization_config: Literal[None] = None  # in every Keras config; a quantized layer's weights are not counted here

    def check(self) -> None:
        check_activation(self.activation)
        if self.lora_rank is not None and self.kernel_constraint is not None:
            raise ArgumentError("lora_rank", "LoRA is incompatible with kernel constraints: remove `kernel_constraint`")

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        need_min_rank(shape, 2, "Dense")
        if shape[-1] is None:
            raise ShapeError(
                "Dense needs the last axis of its input to be known (its kernel has that many rows), "
                f"but received {format_shape(shape)}",
                code="SC102",
            )
        why.step(f"last axis: {shape[-1]} -> units = {self.units}")
        return (*shape[:-1], self.units)

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As Linear: input elements * units (every position of a sequence counts)."""
        return costs.linear(inputs[0], self.units)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        fan_in = inputs[0][-1] or 0
        bias = self.units if self.use_bias else 0
        trainable, frozen, working = lora_params(fan_in, self.units, self.lora_rank)
        why.step(f"params: {working}" + (f" + {bias}" if bias else "") + f" = {trainable + frozen + bias}")
        return Params(trainable + bias, frozen)


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1*d2*...); None if any size is unknown."""

    rearranges_axes: ClassVar[bool] = True

    data_format: DataFormat = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        rest = shape[1:]
        flat = product(rest)
        sizes = " * ".join("None" if d is None else str(d) for d in rest) or "1"
        why.step(f"flat: {sizes} = {flat}")
        return (shape[0], flat)


class Activation(ShapePreserving):
    """Applies an activation function elementwise: the shape does not change."""

    primary: ClassVar[str | None] = "activation"

    activation: Setting

    def check(self) -> None:
        check_activation(self.activation)


class Identity(ShapePreserving):
    """Passes its input through: the shape does not change."""


class Masking(ShapePreserving):
    """Marks time steps whose features all equal `mask_value` as padding: the shape does not change."""

    primary: ClassVar[str | None] = "mask_value"

    mask_value: float = 0.0


class Reshape(Layer):
    """(batch, *input) -> (batch, *target_shape), with prod(input) = prod(target_shape);
    one -1 in target_shape stands for prod(input) / prod(the other sizes), which must divide exactly.
    """

    rearranges_axes: ClassVar[bool] = True

    primary: ClassVar[str | None] = "target_shape"

    target_shape: list[AnyInt]

    def check(self) -> None:
        if any(size < -1 for size in self.target_shape):
            raise ArgumentError(
                "target_shape",
                "each size in `target_shape` must be a non-negative integer, or -1 for a single "
                f"unknown size; received target_shape={self.target_shape}",
            )
        if self.target_shape.count(-1) > 1:
            raise ArgumentError(
                "target_shape",
                f"at most one size in `target_shape` may be -1; received target_shape={self.target_shape}",
            )

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        batch, *sizes = inputs[0]
        target = tuple(self.target_shape)
        count = product(tuple(sizes))
        if count is None:
            why.step("input has an unknown size: a -1 stays unknown (None)")
            return (batch, *(None if size == -1 else size for size in target))
        known = product(tuple(size for size in target if size != -1)) or 0
        elements = " * ".join(map(str, sizes)) or "1"
        if -1 not in target:
            if known != count:
                raise ShapeError(
                    f"Reshape: the total size must stay the same, but the input {format_shape(tuple(sizes))} "
                    f"has {count} values and target_shape {format_shape(target)} has {known}",
                    code="SC102",
                )
            why.step(f"values: {elements} = {count} = {' * '.join(map(str, target))}")
            return (batch, *target)
        if known == 0 or count % known:
            raise ShapeError(
                f"Reshape: cannot infer the -1 in target_shape {format_shape(target)}: the input "
                f"{format_shape(tuple(sizes))} has {count} values, which {known} does not divide "
                f"({count} % {known} = {count % known if known else 'undefined'})",
                code="SC102",
            )
        inferred = count // known
        why.step(f"-1: ({elements}) / {known} = {count} / {known} = {inferred}")
        return (batch, *(inferred if size == -1 else size for size in target))


class Permute(Layer):
    """Reorders the non-batch axes: output axis i is input axis dims[i] (1-based, batch excluded)."""

    rearranges_axes: ClassVar[bool] = True

    primary: ClassVar[str | None] = "dims"

    dims: list[PositiveInt]

    def check(self) -> None:
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ArgumentError(
                "dims",
                "`dims` must be a permutation of 1..n (axes are counted from 1, the batch axis "
                f"excluded); received dims={self.dims}",
            )

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        need_rank(shape, len(self.dims) + 1, "Permute", f" for dims={self.dims}")
        why.step("axes: " + ", ".join(f"{i + 1} <- {d}" for i, d in enumerate(self.dims)))
        return (shape[0], *(shape[d] for d in self.dims))


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features)."""

    rearranges_axes: ClassVar[bool] = True

    primary: ClassVar[str | None] = "n"

    n: PositiveInt

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        need_rank(shape, 2, "RepeatVector")
        return (shape[0], self.n, shape[1])


EINSUM_FORMS = (  # Keras's three accepted forms, with "..." written as "0"; matched at the start, as Keras does
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)"), False),
    (re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)"), True),
    (re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0"), False),
)


class EinsumDense(WeightSettings, Layer):
    """A dense layer written as einsum(`input,kernel->output`): each kernel axis takes its size from
    output_shape if the output names it, else from the input; params prod(kernel) + prod(bias over `bias_axes`).
    """

    equation: str
    partial_output_shape: PositiveInt | list[PositiveInt | None] = Aliased("output_shape")
    activation: Setting = None
    bias_axes: str | None = None
    lora_rank: PositiveInt | None = None
    lora_alpha: float | None = None
    quantization_config: Literal[None] = None  # in every Keras config; a quantized layer's weights are not counted here

    def specs(self) -> tuple[str, str, str, bool]:
        """(input, kernel, output) axis letters and whether "..." leads the input and output."""
        written = self.equation.replace("...", "0")
        for pattern, left_elided in EINSUM_FORMS:
            if match := pattern.match(written):
                return match[1], match[2], match[3], left_elided
        raise ArgumentError(
            "equation",
            f"invalid einsum equation {self.equation!r}: write it as ab,bc->ac, ...b,bc->...c or ab...,bc->ac...",
        )

    def check(self) -> None:
        check_activation(self.activation)
        source, kernel, output, _ = self.specs()
        for axis in output:
            if axis not in source and axis not in kernel:
                raise ArgumentError("equation", f"output axis {axis!r} is in neither the input {source!r} nor the kernel {kernel!r}")
        for axis in kernel:
            if axis not in source and axis not in output:
                raise ArgumentError("equation", f"kernel axis {axis!r} is in neither the input {source!r} nor the output {output!r}: its size would be unknown")
        if self.bias_axes is not None and not self.bias_axes:
            raise ArgumentError("bias_axes", "`bias_axes` must name at least one output axis, or be null")
        for axis in self.bias_axes or "":
            if axis not in output:
                raise ArgumentError("bias_axes", f"bias axis {axis!r} is not an axis of the output {output!r}")
        if self.lora_rank is not None and self.kernel_constraint is not None:
            raise ArgumentError("lora_rank", "LoRA is incompatible with kernel constraints: remove `kernel_constraint`")

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        output, kernel, bias = self.analyse(inputs[0])
        why.step(f"kernel {format_shape(kernel)}" + (f", bias {format_shape(bias)}" if bias else ""))
        return output

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As torch.einsum of one sample and the kernel, counted as fvcore counts einsum."""
        shape = (1, *inputs[0][1:])  # one sample
        if None in shape:
            return None
        source, kernel_spec, output_spec, left = self.specs()
        _, kernel, _ = self.analyse(inputs[0])
        elided = "".join(str(i) for i in range(len(shape) - len(source)))  # the axes "..." stands for
        source, output_spec = (elided + source, elided + output_spec) if left else (source + elided, output_spec + elided)
        sizes = dict(zip(source, shape, strict=True))
        sizes.update(zip(kernel_spec, kernel, strict=True))
        return costs.einsum(sizes, [source, kernel_spec], output_spec)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        _, kernel, bias = self.analyse(inputs[0])
        kernel_count = product(kernel) or 0
        bias_count = (product(bias) or 0) if bias else 0
        shown = "*".join(map(str, kernel)) + (" + " + "*".join(map(str, bias)) if bias else "")
        if self.lora_rank is None:
            why.step(f"params: {shown} = {kernel_count + bias_count}")
            return Params(kernel_count + bias_count)
        factors = (product(kernel[:-1]) or 0) * self.lora_rank + self.lora_rank * kernel[-1]
        why.step(f"params: {shown} + {factors} (LoRA factors; the kernel is frozen) = {kernel_count + bias_count + factors}")
        return Params(factors + bias_count, kernel_count)

    def analyse(self, shape: Shape) -> tuple[Shape, tuple[int, ...], tuple[int, ...] | None]:
        """(output shape, kernel shape, bias shape) by Keras's own index rules, quirks included:
        with "..." leading, the elided input axes are inserted one by one at position 1 (so in reverse order),
        and an input longer than a spec without "..." has its extra trailing axes appended to the output.
        """
        source, kernel_spec, output_spec, left = self.specs()
        rank = len(shape)
        elided = rank - len(source)
        if elided < 0:
            raise ShapeError(
                f"EinsumDense: the input {format_shape(shape)} has rank {rank}, fewer axes than the "
                f"equation's input {source!r} names",
                code="SC102",
            )
        partial = [self.partial_output_shape] if isinstance(self.partial_output_shape, int) else list(self.partial_output_shape)
        output: list[int | None] = [shape[0], *partial]
        if elided and left:
            for i in range(1, elided):
                output.insert(1, shape[i])
        elif elided:
            output.extend(shape[rank - elided:])
        source_at = {axis: (i + elided - rank if left else i) for i, axis in enumerate(source)}
        output_at = {axis: (i + elided if left else i) for i, axis in enumerate(output_spec)}
        if max(output_at.values()) >= len(output):
            raise ShapeError(
                f"EinsumDense: output_shape {self.partial_output_shape} gives the output {len(output)} axes, "
                f"too few for the output spec {output_spec!r}",
                code="SC102",
            )
        for axis in source:
            wanted, given = output[output_at[axis]] if axis in output_at else None, shape[source_at[axis]]
            if wanted is not None and wanted != given:
                raise ShapeError(
                    f"EinsumDense: axis {axis!r} is {given} in the input {format_shape(shape)} "
                    f"but {wanted} in output_shape",
                    code="SC102",
                )
        kernel = tuple(output[output_at[a]] if a in output_at else shape[source_at[a]] for a in kernel_spec)
        bias = None
        if self.bias_axes:
            first = min(output_spec.find(axis) for axis in self.bias_axes)
            offset = elided if left else 0
            bias = tuple(output[i + offset] if output_spec[i] in self.bias_axes else 1
                         for i in range(first, len(output_spec)))
            if not left:
                bias += (1,) * elided
        for name, weight in (("kernel", kernel), ("bias", bias or ())):
            if None in weight:
                raise ShapeError(
                    f"EinsumDense: the {name} would have shape {format_shape(weight)}, but weights need known "
                    "sizes: give the unknown axis a size in output_shape or the input",
                    code="SC102",
                )
        return tuple(output), kernel, bias  # type: ignore[return-value]
