"""The arithmetic under SC201: `Axis.lost` equals the real pixels past the last window, counted by brute force.

Windows are laid out one by one over the padded input (start 0, s, 2s, ...
while the window fits); the pixels after the last window's span, minus the
high-side padding among them, are the real pixels no window reads.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shapecalc.shapes import window


def span_of(kernel: int, dilation: int) -> int:
    """Pixels a dilated window covers: its first tap, then kernel - 1 gaps of `dilation` each."""
    return 1 + (kernel - 1) * dilation


def lost_by_laying_windows(size: int, kernel: int, stride: int, lo: int, hi: int, dilation: int) -> int | None:
    padded = size + lo + hi
    span = span_of(kernel, dilation)
    starts = list(range(0, padded - span + 1, stride))
    if not starts:
        return None
    end = starts[-1] + span  # first pixel after the last window
    unread = range(end, padded)
    return sum(1 for pixel in unread if lo <= pixel < lo + size)


@given(st.integers(1, 80), st.integers(1, 7), st.integers(1, 6), st.integers(0, 3), st.integers(0, 3),
       st.integers(1, 3))
def test_lost_pixels_match_laying_out_the_windows(size, kernel, stride, lo, hi, dilation) -> None:
    expected = lost_by_laying_windows(size, kernel, stride, lo, hi, dilation)
    axis = window(size, kernel, stride, (lo, hi), dilation)
    if expected is None:
        assert axis.size is not None and axis.size <= 0
        return
    assert axis.size == len(range(0, size + lo + hi - span_of(kernel, dilation) + 1, stride))
    assert axis.lost == expected


def test_the_classic_7_to_3() -> None:
    axis = window(7, 2, 2)
    assert (axis.size, axis.dropped, axis.lost, axis.remainder()) == (3, 1, 1, "(7 - 2) mod 2 = 1")
