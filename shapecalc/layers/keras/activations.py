"""Keras activation layers (ReLU, LeakyReLU, PReLU, ELU, Softmax) and the activation names Keras knows.

All of them keep their input's shape. Only PReLU has parameters: one learned
slope per input value, shared (size 1) along `shared_axes`.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from shapecalc.arguments.bounds import Ge
from shapecalc.arguments.types import AnyInt, ArgumentError, Setting
from shapecalc.costs import receptive
from shapecalc.layers.base import Layer, Params, Why
from shapecalc.layers.keras.regularization import ShapePreserving
from shapecalc.shapes import Shape, ShapeError, format_shape

NonNegativeFloat = Annotated[float, Ge(0)]

# keras.activations.get() accepts exactly these names (Keras 3 ALL_OBJECTS_DICT, aliases included).
KERAS_ACTIVATIONS = frozenset({
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign",
    "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink",
    "threshold",
})


def check_activation(value: Setting, argument: str = "activation") -> None:
    """Refuse an activation name Keras cannot interpret, as `keras.activations.get` does at construction.

    Config mappings (`{class_name: ..., config: ...}`) and null are accepted unread:
    they may name custom objects that only the user's code defines.
    """
    if not isinstance(value, str) or value in KERAS_ACTIVATIONS:
        return
    import difflib

    close = difflib.get_close_matches(value.lower(), sorted(KERAS_ACTIVATIONS), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ArgumentError(argument, f"could not interpret activation function identifier {value!r}{hint}")


class ReLU(ShapePreserving):
    """min(max(x, threshold), max_value), with `negative_slope` below the threshold; shape unchanged."""

    primary: ClassVar[str | None] = "max_value"

    max_value: NonNegativeFloat | None = None
    negative_slope: NonNegativeFloat = 0.0
    threshold: NonNegativeFloat = 0.0


class LeakyReLU(ShapePreserving):
    """x if x >= 0 else negative_slope * x; shape unchanged."""

    primary: ClassVar[str | None] = "negative_slope"

    negative_slope: NonNegativeFloat = 0.3


class ELU(ShapePreserving):
    """x if x >= 0 else alpha * (exp(x) - 1); shape unchanged."""

    primary: ClassVar[str | None] = "alpha"

    alpha: float = 1.0


class Softmax(ShapePreserving):
    """exp(x) / sum(exp(x)) along `axis`; shape unchanged."""

    primary: ClassVar[str | None] = "axis"

    axis: AnyInt | list[AnyInt] = -1

    def receptive_field(self, fields: list, inputs: list[Shape]) -> receptive.Field | None:
        """Kept along the channel axis (the last); along a spatial axis every unit sees all of it."""
        return receptive.merged(fields) if self.axis == -1 or self.axis == len(inputs[0]) - 1 else None


class PReLU(receptive.KeepsField, Layer):
    """x if x >= 0 else alpha * x, one learned alpha per input value: params = prod(input_shape[1:]),
    with the axes in `shared_axes` (1-based, batch excluded) counted as size 1.
    """

    alpha_initializer: Setting = "Zeros"
    alpha_regularizer: Setting = None
    alpha_constraint: Setting = None
    shared_axes: AnyInt | list[AnyInt] | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        self.alpha_shape(inputs[0])
        return inputs[0]

    def shared(self) -> list[int]:
        if self.shared_axes is None:
            return []
        return [self.shared_axes] if isinstance(self.shared_axes, int) else list(self.shared_axes)

    def alpha_shape(self, shape: Shape) -> list[int | None]:
        """Keras's rule verbatim: alpha has the input's shape, with alpha_shape[axis - 1] = 1 per shared axis."""
        sizes = list(shape[1:])
        for axis in self.shared():
            if not -len(sizes) <= axis - 1 < len(sizes):
                raise ShapeError(
                    f"PReLU: shared axis {axis} is out of range for input {format_shape(shape)}: "
                    f"axes are counted from 1 and exclude the batch axis",
                    code="SC102",
                )
            sizes[axis - 1] = 1
        if None in sizes:
            raise ShapeError(
                f"PReLU needs a slope for every input value, but the input {format_shape(shape)} has an "
                f"unknown size (alpha would have shape {format_shape(tuple(sizes))}); "
                "share that axis with `shared_axes`",
                code="SC102",
            )
        return sizes

    def params(self, inputs: list[Shape], why: Why) -> Params:
        sizes = self.alpha_shape(inputs[0])
        total = 1
        for size in sizes:
            total *= size
        why.step(f"params: alpha {format_shape(tuple(sizes))} = {'*'.join(map(str, sizes))} = {total}")
        return Params(total)
