"""Receptive fields: how many input pixels one output unit sees, and how far apart neighbouring units are.

A tensor's *field* is, per spatial axis of the model's input, the pair
(span, stride): the span in input pixels that one unit can see (unclipped
by borders, dilation's holes included) and the input distance between
neighbouring units. A sliding window of k taps, dilation d and stride s
maps (r, j) to (r + d*(k - 1)*j, j*s). Layers that only change values
(activations, BatchNorm, dropout, padding, 1x1 mixes) keep it; merges take
the largest over their inputs (the maximum over paths). `None` means no
fixed window describes the tensor any more (Flatten, Dense, global pooling,
upsampling, attention, ...), and stays `None` downstream.
"""

from __future__ import annotations

from collections.abc import Iterable

from shapecalc.shapes import Shape

Field = tuple[tuple[int, int], ...]  # (span, stride) per spatial axis


def of_input(shape: Shape, framework: str) -> Field:
    """A model input's own field: each pixel sees itself; spatial axes are all but batch and channels."""
    return ((1, 1),) * max(len(shape) - 2, 0)


def window(field: Field | None, kernels: Iterable[int], strides: Iterable[int],
           dilations: Iterable[int] | None = None) -> Field | None:
    """The field after a sliding window over every spatial axis (None if the axes do not line up)."""
    if field is None:
        return None
    kernels, strides = tuple(kernels), tuple(strides)
    dilations = tuple(dilations) if dilations is not None else (1,) * len(kernels)
    if not field or len(kernels) != len(field):
        return None
    return tuple((span + d * (k - 1) * jump, jump * s)
                 for (span, jump), k, s, d in zip(field, kernels, strides, dilations, strict=True))


def merged(fields: list[Field | None]) -> Field | None:
    """Several inputs meeting elementwise or along channels: the largest span and stride per axis."""
    if not fields or any(field is None for field in fields):
        return None
    first = fields[0]
    assert first is not None
    if any(len(field) != len(first) for field in fields):  # type: ignore[arg-type]
        return None
    return tuple((max(f[axis][0] for f in fields), max(f[axis][1] for f in fields))  # type: ignore[index]
                 for axis in range(len(first)))


def per_axis(field: Field | None) -> tuple[list[int] | None, list[int] | None]:
    """(receptive_field, effective_stride) as reported: lists per axis, or None where undefined
    (no fixed window, or no spatial axis)."""
    if not field:
        return None, None
    return [span for span, _ in field], [stride for _, stride in field]


class KeepsField:
    """Mixin of layers that change values, not where they come from: the field passes through."""

    def receptive_field(self, fields: list[Field | None], inputs: list[Shape]) -> Field | None:
        return merged(fields)
