"""Keras core layers: Dense, Flatten, Activation, Dropout.

Dense acts on the last axis only: (..., n) -> (..., units), with
n*units weights plus `units` biases.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.layers.args import DataFormat, PositiveInt, Probability, Setting
from shapecalc.layers.base import Layer, Params, Why, need_min_rank
from shapecalc.shapes import Shape, ShapeError, product


class Dense(Layer):
    """(..., n) -> (..., units); params n*units + units."""

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

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        need_min_rank(shape, 2, "Dense")
        if shape[-1] is None:
            raise ShapeError(
                "Dense needs the last axis of its input to be known, "
                f"received an input whose last axis is None",
                code="SC102",
            )
        why.step(f"last axis: {shape[-1]} -> units = {self.units}")
        return (*shape[:-1], self.units)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        fan_in = inputs[0][-1] or 0
        bias = self.units if self.use_bias else 0
        total = fan_in * self.units + bias
        why.step(f"params: {fan_in}*{self.units}" + (f" + {bias}" if bias else "") + f" = {total}")
        return Params(total)


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

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return inputs[0]


class Dropout(Layer):
    """Zeroes a fraction `rate` of values while training: the shape does not change."""

    primary: ClassVar[str | None] = "rate"

    rate: Probability
    noise_shape: list[PositiveInt | None] | None = None
    seed: int | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return inputs[0]
