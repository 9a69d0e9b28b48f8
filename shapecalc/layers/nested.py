"""Layer entries held by another layer (a wrapper's `layer:`, an RNN's `cell:`): checking one, and its params.

Shared by keras/wrappers.py and keras/recurrent.py, so that neither imports the other for them.
"""

from __future__ import annotations

from typing import Any

from shapecalc.arguments.types import ArgumentError
from shapecalc.layers.base import Layer, Params, Why
from shapecalc.model import LayerSpec
from shapecalc.shapes import Shape


def wrapped(entry: Any, argument: str) -> LayerSpec:
    """The validated LayerSpec the validator put in `argument`, or the refusal if it is not one."""
    if not isinstance(entry, LayerSpec):
        raise ArgumentError(argument, f"`{argument}` must be a layer entry, e.g. `{{LSTM: {{units: 16}}}}`")
    return entry


def inner_params(inner: Layer, frozen: bool, inputs: list[Shape], why: Why, role: str) -> Params:
    """The wrapped layer's params; its working is recorded under `role`, the wrapper writes the `params:` total."""
    own = Why()
    params = inner.params(inputs, own)
    for step in own.steps:
        why.step(f"{role}: {step.removeprefix('params: ')}")
    return params.frozen() if frozen else params
