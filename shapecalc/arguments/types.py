"""Argument types the layer classes share, the rule that turns an int into a square/cubic tuple, ArgumentError.

Pydantic runs in strict mode, so `kernel_size: "3"`, `strides: 1.5` and
`use_bias: 1` are refused with the argument's position, as a framework would
refuse them. The bounds (`Gt(0)`, ...) are annotated-types metadata, which
both pydantic and the quick check in `quickcheck.py` understand.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from shapecalc.arguments.bounds import Ge, Gt, Le, Lt

MAX_SIZE = 2**40  # larger than any real tensor axis; keeps arithmetic and printing sane

PositiveInt = Annotated[int, Gt(0), Le(MAX_SIZE)]
NonNegativeInt = Annotated[int, Ge(0), Le(MAX_SIZE)]
AnyInt = Annotated[int, Ge(-MAX_SIZE), Le(MAX_SIZE)]
PositiveInts = PositiveInt | list[PositiveInt]
NonNegativeInts = NonNegativeInt | list[NonNegativeInt]
Probability = Annotated[float, Ge(0), Le(1)]
Rate = Annotated[float, Ge(0), Lt(1)]
Padding = Literal["valid", "same"]
DataFormat = Literal["channels_last", "channels_first"] | None
# Initializers, regularizers, constraints and activations change values, not shapes:
# accepted in the framework's forms (a name, a config mapping, or null) and otherwise ignored.
Setting = str | dict[str, Any] | None


class ArgumentError(Exception):
    """An argument value, or a combination of them, that the framework refuses at construction."""

    def __init__(self, argument: str | None, message: str):
        super().__init__(message)
        self.argument = argument
        self.message = message


def as_tuple(value: int | list[int], rank: int, argument: str) -> tuple[int, ...]:
    """An int stands for the square/cubic tuple; a list must have exactly `rank` entries."""
    if isinstance(value, int):
        return (value,) * rank
    if len(value) != rank:
        raise ArgumentError(
            argument,
            f"`{argument}` must be an integer or a list of {rank} integers, received {value}",
        )
    return tuple(value)


class WeightSettings:
    """The initializers, regularizers and constraints of a layer with a kernel and a bias.

    They change values, not shapes, so they are accepted in Keras's forms and
    otherwise ignored; declared once here for every layer that takes all seven.
    """

    kernel_initializer: Setting = "glorot_uniform"
    bias_initializer: Setting = "zeros"
    kernel_regularizer: Setting = None
    bias_regularizer: Setting = None
    activity_regularizer: Setting = None
    kernel_constraint: Setting = None
    bias_constraint: Setting = None
