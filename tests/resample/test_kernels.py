"""Interpolation weights, checked against the formulas written out by hand."""

from __future__ import annotations

import pytest

from shapecalc.resample import kernels


@pytest.mark.parametrize(
    ("t", "a", "expected"),
    [
        pytest.param(0.0, -0.75, (0, 1, 0, 0), id="on-a-sample"),
        pytest.param(0.5, -0.75, (-0.09375, 0.59375, 0.59375, -0.09375), id="torch-midpoint"),
        pytest.param(0.5, -0.5, (-0.0625, 0.5625, 0.5625, -0.0625), id="keys-midpoint"),
    ],
)
def test_cubic_weights(t, a, expected):
    assert kernels.cubic_weights(t, a) == pytest.approx(expected)


@pytest.mark.parametrize("t", [0.1, 0.25, 0.6, 0.99])
def test_cubic_weights_sum_to_one(t):
    assert sum(kernels.cubic_weights(t, kernels.TORCH_CUBIC_A)) == pytest.approx(1.0)


def test_cubic_taps_clamp_indices_at_both_edges():
    taps = kernels.cubic_taps(-0.25, 2, kernels.TORCH_CUBIC_A)
    assert [tap.wanted for tap in taps] == [-2, -1, 0, 1]
    assert [tap.index for tap in taps] == [0, 0, 0, 1]


def test_tf_table_rounds_the_fraction_to_1_over_1024():
    exact = kernels.cubic_taps(0.3337, 4, -0.75)
    tabled = kernels.cubic_taps(0.3337, 4, -0.75, table_steps=1024)
    expected = kernels.cubic_weights(round(0.3337 * 1024) / 1024, -0.75)
    assert [tap.weight for tap in tabled] == pytest.approx(expected)
    assert [tap.weight for tap in exact] != pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("src", "size", "expected"),
    [
        pytest.param(0.25, 2, [(0, 0.75), (1, 0.25)], id="between"),
        pytest.param(1.25, 2, [(1, 0.75), (1, 0.25)], id="past-last-centre-repeats-edge"),
        pytest.param(1.0, 3, [(1, 1.0), (2, 0.0)], id="on-a-sample"),
    ],
)
def test_linear_taps(src, size, expected):
    taps = kernels.linear_taps(src, size)
    assert [tap.index for tap in taps] == [index for index, _ in expected]
    assert [tap.weight for tap in taps] == pytest.approx([weight for _, weight in expected])


@pytest.mark.parametrize(
    ("dst", "in_size", "out_size", "window"),
    [
        pytest.param(0, 5, 3, (0, 2), id="first"),
        pytest.param(1, 5, 3, (1, 4), id="overlapping"),
        pytest.param(2, 5, 3, (3, 5), id="last"),
        pytest.param(3, 2, 4, (1, 2), id="upsampling-single-cell"),
    ],
)
def test_adaptive_window(dst, in_size, out_size, window):
    assert kernels.adaptive_window(dst, in_size, out_size) == window


def test_overlap_taps_follow_tf_resize_area_comment():
    """TF's own comment: in[4] -> out[3], out[1] = 2/3 of in[1] + 2/3 of in[2], times 3/4."""
    taps, low, high = kernels.overlap_taps(1, 4 / 3, 4)
    assert (low, high) == pytest.approx((4 / 3, 8 / 3))
    assert [tap.index for tap in taps] == [1, 2]
    assert [tap.weight for tap in taps] == pytest.approx([0.5, 0.5])
