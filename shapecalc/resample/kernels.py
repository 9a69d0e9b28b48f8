"""Interpolation weights: which input samples feed one output sample, and how much.

These are the same in every framework once the source coordinate is known; only the
edge handling and the cubic coefficient differ, and those are parameters here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shapecalc.resample.floats import f32

TORCH_CUBIC_A = -0.75
"""torch's bicubic (and TF 1.x legacy bicubic) uses a = -0.75; Keys' classic value is -0.5."""

TF_CUBIC_TABLE_STEPS = 1024
"""TF looks cubic weights up in a 1024-entry table, so its fraction is rounded to 1/1024."""


@dataclass(frozen=True)
class Tap:
    """One input sample read for an output sample: the index read, its weight, and the
    index the formula asked for before being clamped to the edge (equal when inside)."""

    index: int
    weight: float
    wanted: int

    @property
    def clamped(self) -> bool:
        return self.index != self.wanted


def clamp_index(index: int, in_size: int) -> int:
    return min(max(index, 0), in_size - 1)


def edge_tap(wanted: int, weight: float, in_size: int) -> Tap:
    """A tap whose index is clamped into the input, remembering what was asked for."""
    return Tap(clamp_index(wanted, in_size), weight, wanted)


def nearest_tap(src: float, in_size: int) -> Tap:
    """The pixel whose cell contains src: floor(src), capped at the last pixel."""
    wanted = math.floor(src)
    return Tap(min(wanted, in_size - 1), 1.0, wanted)


def linear_taps(src: float, in_size: int) -> tuple[Tap, Tap]:
    """Two neighbours floor(src) and floor(src)+1 weighted by distance; the right one is
    clamped to the last pixel, so past the last centre the edge value is repeated."""
    left = min(math.floor(src), in_size - 1)
    fraction = min(max(src - left, 0.0), 1.0)
    return Tap(left, 1.0 - fraction, left), edge_tap(left + 1, fraction, in_size)


def cubic_weights(t: float, a: float) -> tuple[float, float, float, float]:
    """Keys' cubic convolution weights for the taps at -1, 0, +1, +2 around floor(src)."""

    def near(x: float) -> float:  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: float) -> float:  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return far(t + 1), near(t), near(1 - t), far(2 - t)


def cubic_taps(src: float, in_size: int, a: float, table_steps: int | None = None) -> tuple[Tap, ...]:
    """Four neighbours floor(src)-1 .. floor(src)+2; indices outside are clamped to the edge
    (the edge pixel then counts several times), as torch and TF 1.x do."""
    base = min(math.floor(src), in_size - 1)
    fraction = min(max(src - base, 0.0), 1.0)
    if table_steps:
        fraction = round(fraction * table_steps) / table_steps
    weights = cubic_weights(fraction, a)
    return tuple(edge_tap(base - 1 + offset, weight, in_size) for offset, weight in enumerate(weights))


def adaptive_window(dst: int, in_size: int, out_size: int) -> tuple[int, int]:
    """torch adaptive average pooling window [floor(dst*in/out), ceil((dst+1)*in/out)), exact."""
    start = (dst * in_size) // out_size
    end = -((-(dst + 1) * in_size) // out_size)
    return start, end


def window_taps(start: int, end: int) -> tuple[Tap, ...]:
    """Equal weights over a window of whole input cells: a plain average."""
    count = end - start
    return tuple(Tap(index, 1.0 / count, index) for index in range(start, end))


def overlap_taps(dst: int, ratio: float, in_size: int) -> tuple[tuple[Tap, ...], float, float]:
    """TF's ResizeArea: the output cell covers [dst*r, (dst+1)*r) of the input; each input
    cell weighs by the length it overlaps, divided by r. Returns taps and the span."""
    low = f32(dst * f32(ratio))
    high = f32((dst + 1) * f32(ratio))
    taps = []
    for cell in range(math.floor(low), math.ceil(high)):
        overlap = min(cell + 1, high) - max(cell, low)
        taps.append(edge_tap(cell, overlap / f32(ratio), in_size))
    return tuple(taps), low, high
