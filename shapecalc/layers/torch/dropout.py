"""torch.nn dropout modules: they zero values while training, so the shape does not change.

`p` must lie in [0, 1] (PyTorch refuses other values at construction).
Dropout1d needs a 2D or 3D input; Dropout2d and Dropout3d only warn about
unusual ranks, so they accept any.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import Probability
from shapecalc.costs import receptive
from shapecalc.layers.base import Why
from shapecalc.layers.torch.common import TorchLayer, need_ranks
from shapecalc.shapes import Shape


class Dropout(receptive.KeepsField, TorchLayer):
    """Zeroes a fraction `p` of the elements while training: (*) -> (*)."""

    primary: ClassVar[str | None] = "p"
    ranks: ClassVar[tuple[int, ...] | None] = None

    p: Probability = 0.5
    inplace: bool = False

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        if self.ranks is not None:
            need_ranks(inputs[0], self.ranks, self.type_name())
        return inputs[0]


class Dropout1d(Dropout):
    """Zeroes whole channels of a (C, L) or (N, C, L) input: the shape does not change."""

    ranks: ClassVar[tuple[int, ...] | None] = (2, 3)


class Dropout2d(Dropout):
    """Zeroes whole channels of a (N, C, H, W) input: the shape does not change."""


class Dropout3d(Dropout):
    """Zeroes whole channels of a (N, C, D, H, W) input: the shape does not change."""


class AlphaDropout(Dropout):
    """Dropout that keeps SELU's mean and variance: the shape does not change."""


class FeatureAlphaDropout(Dropout):
    """Channel-wise AlphaDropout: the shape does not change."""
