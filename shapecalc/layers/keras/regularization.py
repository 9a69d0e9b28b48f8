"""Keras regularization layers: Dropout and its spatial, Gaussian and alpha variants, ActivityRegularization.

They change values only while training, never shapes, and own no
parameters. The spatial dropouts insist on their input rank (3, 4, 5 with
the batch axis), as Keras's InputSpec does.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from shapecalc.arguments.bounds import Ge
from shapecalc.arguments.types import DataFormat, PositiveInt, Probability
from shapecalc.costs import receptive
from shapecalc.layers.base import Layer, Why, need_rank
from shapecalc.shapes import Shape

NonNegativeFloat = Annotated[float, Ge(0)]


class ShapePreserving(receptive.KeepsField, Layer):
    """Output shape = input shape; no parameters (shared by every layer that only changes values)."""

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return inputs[0]


class Dropout(ShapePreserving):
    """Zeroes a fraction `rate` of values while training: the shape does not change."""

    primary: ClassVar[str | None] = "rate"

    rate: Probability
    noise_shape: list[PositiveInt | None] | None = None
    seed: int | None = None


class AlphaDropout(ShapePreserving):
    """Dropout that keeps SELU's mean and variance: the shape does not change."""

    primary: ClassVar[str | None] = "rate"

    rate: Probability
    noise_shape: list[PositiveInt | None] | None = None
    seed: int | None = None


class GaussianDropout(ShapePreserving):
    """Multiplies by 1-centred Gaussian noise of stddev sqrt(rate / (1 - rate)): the shape does not change."""

    primary: ClassVar[str | None] = "rate"

    rate: Probability
    seed: int | None = None


class GaussianNoise(ShapePreserving):
    """Adds 0-centred Gaussian noise of the given stddev (Keras allows 0 to 1): the shape does not change."""

    primary: ClassVar[str | None] = "stddev"

    stddev: Probability
    seed: int | None = None


class ActivityRegularization(ShapePreserving):
    """Adds l1*sum(|x|) + l2*sum(x^2) to the loss and passes x through unchanged."""

    l1: NonNegativeFloat = 0.0
    l2: NonNegativeFloat = 0.0


class _SpatialDropout(receptive.KeepsField, Layer):
    """Drops whole feature maps: (batch, *spatial, channels) in, the same shape out."""

    primary: ClassVar[str | None] = "rate"
    rank: ClassVar[int] = 1

    rate: Probability
    seed: int | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        need_rank(inputs[0], self.rank + 2, self.type_name())
        return inputs[0]


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of a (batch, steps, channels) input; shape unchanged."""

    rank: ClassVar[int] = 1


class SpatialDropout2D(_SpatialDropout):
    """Drops whole 2-D feature maps of a rank-4 input; shape unchanged."""

    rank: ClassVar[int] = 2
    data_format: DataFormat = None


class SpatialDropout3D(_SpatialDropout):
    """Drops whole 3-D feature maps of a rank-5 input; shape unchanged."""

    rank: ClassVar[int] = 3
    data_format: DataFormat = None
