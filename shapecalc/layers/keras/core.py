"""Keras core and reshaping layers: Dense, Activation, Identity, Masking, Flatten, Reshape, Permute, RepeatVector.

Dense acts on the last axis only: (..., n) -> (..., units), with
n*units weights plus `units` biases. The reshaping layers move values
around without parameters; Reshape keeps the element count and infers one
-1 from it.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.layers.args import AnyInt, DataFormat, PositiveInt, Setting
from shapecalc.layers.base import ArgumentError, Layer, Params, Why, need_min_rank, need_rank
from shapecalc.layers.keras.activations import check_activation
from shapecalc.layers.keras.embedding import lora_params
from shapecalc.shapes import Shape, ShapeError, format_shape, product


class Dense(Layer):
    """(..., n) -> (..., units); params n*units + units (with `lora_rank` r: n*units frozen,
    n*r + r*units + units trainable).
    """

    primary: ClassVar[str | None] = "units"

    units: PositiveInt
    activation: Setting = None
    use_bias: bool = True
    kernel_initializer: Setting = "glorot_uniform"
    bias_initializer: Setting = "zeros"
    kernel_regularizer: Setting = None
    bias_regularizer: Setting = None
    activity_regularizer: Setting = None
    kernel_constraint: Setting = None
    bias_constraint: Setting = None
    lora_rank: PositiveInt | None = None
    lora_alpha: float | None = None

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

    def params(self, inputs: list[Shape], why: Why) -> Params:
        fan_in = inputs[0][-1] or 0
        bias = self.units if self.use_bias else 0
        trainable, frozen, working = lora_params(fan_in, self.units, self.lora_rank)
        why.step(f"params: {working}" + (f" + {bias}" if bias else "") + f" = {trainable + frozen + bias}")
        return Params(trainable + bias, frozen)


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1*d2*...); None if any size is unknown."""

    data_format: DataFormat = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        rest = shape[1:]
        flat = product(rest)
        sizes = " * ".join("None" if d is None else str(d) for d in rest) or "1"
        why.step(f"flat: {sizes} = {flat}")
        return (shape[0], flat)


class Activation(Layer):
    """Applies an activation function elementwise: the shape does not change."""

    primary: ClassVar[str | None] = "activation"

    activation: Setting

    def check(self) -> None:
        check_activation(self.activation)

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return inputs[0]


class Identity(Layer):
    """Passes its input through: the shape does not change."""

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return inputs[0]


class Masking(Layer):
    """Marks time steps whose features all equal `mask_value` as padding: the shape does not change."""

    primary: ClassVar[str | None] = "mask_value"

    mask_value: float = 0.0

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return inputs[0]


class Reshape(Layer):
    """(batch, *input) -> (batch, *target_shape), with prod(input) = prod(target_shape);
    one -1 in target_shape stands for prod(input) / prod(the other sizes), which must divide exactly.
    """

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

    primary: ClassVar[str | None] = "n"

    n: PositiveInt

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        need_rank(shape, 2, "RepeatVector")
        return (shape[0], self.n, shape[1])
