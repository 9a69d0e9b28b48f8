"""The one window formula, as a table of worked cases: (i + lo + hi - d*(k-1) - 1) // s + 1."""

from __future__ import annotations

import pytest

from shapecalc.shapes import same_pads, transposed, upsample, window

# (size, kernel, stride, pads, dilation, ceil_mode) -> (out, dropped); every row worked by hand.
WINDOW_CASES = {
    "same 3x3 on 28": ((28, 3, 1, (1, 1), 1, False), (28, 0)),
    "pool 2 on 28": ((28, 2, 2, (0, 0), 1, False), (14, 0)),
    "pool 2 floors 7 to 3, dropping 1": ((7, 2, 2, (0, 0), 1, False), (3, 1)),
    "valid 3x3 on 2 is zero": ((2, 3, 1, (0, 0), 1, False), (0, 0)),
    "stride 3 on 10 with k 2 drops 2": ((10, 2, 3, (0, 0), 1, False), (3, 2)),
    "dilation 2, k 3 spans 5": ((9, 3, 1, (0, 0), 2, False), (5, 0)),
    # ceil_mode rows: PyTorch's rule, out = ceil((i + 2p - k) / s) + 1, minus one if the last window
    # would start at or past i + p (in the right padding); values confirmed with torch.nn.MaxPool1d.
    "ceil mode on 7 pool 2": ((7, 2, 2, (0, 0), 1, True), (4, 0)),
    "ceil mode: last window would start in the right padding (5, k2, s2, p1)": ((5, 2, 2, (1, 1), 1, True), (3, 0)),
    "ceil mode: same rule on 3, k2, s2, p1": ((3, 2, 2, (1, 1), 1, True), (2, 0)),
    "ceil mode, last window starts in the input (6, k3, s2, p1)": ((6, 3, 2, (1, 1), 1, True), (4, 0)),
    "ceil mode, last window starting at the left-padded end (4, k2, s2, p1)": ((4, 2, 2, (1, 1), 1, True), (3, 0)),
    "ceil mode partial last window (5, k3, s3)": ((5, 3, 3, (0, 0), 1, True), (2, 0)),
}


@pytest.mark.parametrize("args, expected", WINDOW_CASES.values(), ids=WINDOW_CASES.keys())
def test_window(args, expected):
    size, kernel, stride, pads, dilation, ceil_mode = args
    axis = window(size, kernel, stride, pads, dilation, ceil_mode)
    assert (axis.size, axis.dropped) == expected
    assert axis.formula.endswith(f"= {expected[0]}")


def test_unknown_size_stays_unknown():
    assert window(None, 3, 2, (0, 0)).size is None
    assert upsample(None, 2).size is None
    assert transposed(None, 3, 2).size is None


SAME_CASES = {
    "k3 s1": ((28, 3, 1, 1), (1, 1)),
    "k2 s1 odd pixel last": ((28, 2, 1, 1), (0, 1)),
    "k3 s2 even input": ((28, 3, 2, 1), (0, 1)),
    "k3 s2 odd input": ((7, 3, 2, 1), (1, 1)),
    "k1 s3 no pad needed": ((5, 1, 3, 1), (0, 0)),
    "dilated k3 d2": ((10, 3, 1, 2), (2, 2)),
}


@pytest.mark.parametrize("args, pads", SAME_CASES.values(), ids=SAME_CASES.keys())
def test_same_pads_give_ceil_division(args, pads):
    size, kernel, stride, dilation = args
    assert same_pads(size, kernel, stride, dilation) == pads
    assert window(size, kernel, stride, pads, dilation).size == -(-size // stride)


def test_upsample_and_transposed_formulas():
    assert upsample(7, 2).formula == "7 * 2 = 14"
    # (7 - 1)*2 - 1 - 1 + (3 - 1) + 1 + 1 = 14
    assert transposed(7, 3, 2, (1, 1), output_padding=1).size == 14
    assert transposed(7, 3, 2).size == 15
