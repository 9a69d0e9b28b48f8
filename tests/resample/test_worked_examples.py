"""Published framework outputs and hand arithmetic: no framework needed to run these.

Sources of the expected values:
- the Keras question (shared seed 000): UpSampling2D(size=2, "bilinear") printed
  [[100,150,200,200],[53,78.5,104,104],[6,7,8,8],[6,7,8,8]] (TF 1.x, legacy), and the
  answer's size=3 cropped [1:5,1:5] (a later TF, half-pixel centres);
- the PyTorch notes (seed 001): nn.Upsample / UpsamplingBilinear2d / UpsamplingNearest2d
  outputs for [[1,2],[3,4]];
- the Conv2DTranspose answer (seed 003): zero insertion and repetition of [[1,2],[3,4]];
- tf.image.resize_bicubic (TF 1.x) on [[0,1,2],[3,4,5],[6,7,8]] to 6x6, as published in
  the README of iwyoo/bicubic_interp-tensorflow; and arithmetic written out in each case.
"""

from __future__ import annotations

import pytest

from shapecalc.resample import resample
from shapecalc.resample.matrix import load_matrix
from shapecalc.resample.sizing import SizeRequest

QUESTION = "[[100, 200], [6, 8]]"
SEED_001 = "[[1, 2], [3, 4]]"


def _run(text: str, convention: str, mode: str | None, **size) -> list:
    return resample(load_matrix(text), convention, mode, SizeRequest(**size)).to_nested()


def _assert_close(actual: list, expected: list, tolerance: float = 1e-4) -> None:
    flat_actual = [v for row in actual for v in row] if isinstance(actual[0], list) else actual
    flat_expected = [v for row in expected for v in row] if isinstance(expected[0], list) else expected
    assert len(flat_actual) == len(flat_expected)
    for got, want in zip(flat_actual, flat_expected, strict=True):
        assert got == pytest.approx(want, rel=tolerance, abs=tolerance), f"{actual} != {expected}"


def test_tf_legacy_reproduces_the_question_exactly():
    output = _run(QUESTION, "tf-legacy", "bilinear", size=2)
    assert output == [[100, 150, 200, 200], [53, 78.5, 104, 104], [6, 7, 8, 8], [6, 7, 8, 8]]


def test_half_pixel_size_3_cropped_matches_the_answer():
    """The answer's workaround, size=3 then [1:5, 1:5], printed 100, 133.33, 166.67, 200: with
    half-pixel centres rows/cols 1..4 sample src = (dst + 0.5)/3 - 0.5 = 0, 1/3, 2/3, 1.
    The answer ran a newer TF than the question (whose output is legacy): the convention
    changed between the two posts, which is the point of this command."""
    output = _run(QUESTION, "keras", "bilinear", size=3)
    cropped = [row[1:5] for row in output[1:5]]
    _assert_close(
        cropped,
        [
            [100.0, 133.33334, 166.66667, 200.0],
            [68.666664, 91.111115, 113.55555, 136.0],
            [37.333324, 48.888878, 60.444427, 71.999985],
            [6.0, 6.666667, 7.3333335, 8.0],
        ],
    )


def test_align_corners_gives_what_the_question_expected():
    """100*(2/3) + 200*(1/3) = 133.33: the first and last samples sit on the corners."""
    output = _run(QUESTION, "pytorch-align-corners", "bilinear", size=2)
    _assert_close(output[0], [100, 100 * 2 / 3 + 200 / 3, 100 / 3 + 200 * 2 / 3, 200])


def test_keras3_half_pixel_first_row_by_hand():
    """src_x = (dst + 0.5) * 2/4 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (edge)."""
    output = _run(QUESTION, "keras", "bilinear", size=2)
    _assert_close(output[0], [100, 0.75 * 100 + 0.25 * 200, 0.25 * 100 + 0.75 * 200, 200])


@pytest.mark.parametrize(
    ("convention", "mode", "size", "expected"),
    [
        pytest.param(
            "pytorch", "nearest", {"size": 2},
            [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]], id="upsample-nearest-x2",
        ),
        pytest.param(
            "pytorch", "bilinear", {"size": 2},
            [[1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4]],
            id="upsample-bilinear-x2",
        ),
        pytest.param(
            "pytorch-align-corners", "bilinear", {"size": 2},
            [[1, 1.3333, 1.6667, 2], [1.6667, 2, 2.3333, 2.6667], [2.3333, 2.6667, 3, 3.3333],
             [3, 3.3333, 3.6667, 4]],
            id="upsampling-bilinear2d-x2",
        ),
        pytest.param(
            "pytorch-align-corners", "bilinear", {"to": "3x5"},
            [[1, 1.25, 1.5, 1.75, 2], [2, 2.25, 2.5, 2.75, 3], [3, 3.25, 3.5, 3.75, 4]],
            id="upsampling-bilinear2d-3x5",
        ),
        pytest.param(
            "pytorch", "nearest", {"to": "3x5"},
            [[1, 1, 1, 2, 2], [1, 1, 1, 2, 2], [3, 3, 3, 4, 4]], id="upsampling-nearest2d-3x5",
        ),
    ],
)
def test_pytorch_outputs_from_the_notes(convention, mode, size, expected):
    _assert_close(_run(SEED_001, convention, mode, **size), expected)


@pytest.mark.parametrize(
    ("convention", "expected"),
    [
        pytest.param("repeat", [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]], id="upsampling2d"),
        pytest.param("zeros", [[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]], id="unpooling"),
    ],
)
def test_transposed_convolution_answer(convention, expected):
    assert _run(SEED_001, convention, None, size=2) == expected


def test_tf_legacy_bicubic_matches_published_resize_bicubic_row():
    """a = -0.75 at t = 0.5 gives weights -0.09375, 0.59375, 0.59375, -0.09375, so
    src 0.5 -> 0.59375*1 - 0.09375*2 = 0.40625 (the left neighbour is clamped to 0)."""
    output = _run("[[0, 1, 2], [3, 4, 5], [6, 7, 8]]", "tf-legacy", "bicubic", size=2)
    _assert_close(output[0], [0, 0.40625, 1, 1.59375, 2, 2.09375])
    _assert_close([row[0] for row in output], [0, 1.21875, 3, 4.78125, 6, 6.28125])


@pytest.mark.parametrize(
    ("text", "to", "expected"),
    [
        pytest.param("[3, 9]", "3", [3, 6, 9], id="2-to-3-overlap-halves"),
        pytest.param("[4, 8, 12, 16]", "3", [(4 + 8 / 3) * 3 / 4, (8 * 2 / 3 + 12 * 2 / 3) * 3 / 4,
                                              (12 / 3 + 16) * 3 / 4], id="tf-resize-area-doc-4-to-3"),
        pytest.param("[5, 7]", "4", [5, 5, 7, 7], id="integer-upsampling-repeats"),
    ],
)
def test_tf_legacy_area_is_overlap_weighted(text, to, expected):
    """ResizeArea: out cell [i*r, (i+1)*r) with r = in/out; weight = overlap / r."""
    _assert_close(_run(text, "tf-legacy", "area", to=to), expected)


def test_pytorch_area_is_adaptive_average_pooling_by_hand():
    """Windows [floor(i*5/3), ceil((i+1)*5/3)) = [0,2), [1,4), [3,5): plain means."""
    _assert_close(_run("[1, 2, 3, 4, 5]", "pytorch", "area", to="3"), [1.5, 3, 4.5])


def test_pytorch_scale_factor_maps_with_its_reciprocal_not_in_over_out():
    """3 values, scale 1.7: 5 outputs; torch maps with 1/1.7 (not 3/5):
    dst 1 -> (1.5)/1.7 - 0.5 = 0.38235, so 0 + 0.38235 * (5 - 0) with input [0, 5, 1]."""
    output = _run("[0, 5, 1]", "pytorch", "bilinear", scale=1.7)
    assert len(output) == 5
    assert output[1] == pytest.approx((1.5 / 1.7 - 0.5) * 5, rel=1e-5)
    keras_like = _run("[0, 5, 1]", "keras", "bilinear", scale=1.7)
    assert keras_like[1] == pytest.approx((1.5 * 3 / 5 - 0.5) * 5, rel=1e-5)
