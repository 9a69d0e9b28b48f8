"""Cell explanations: the formulas with the numbers, the neighbours and their weights."""

from __future__ import annotations

import pytest

from shapecalc.resample import resample
from shapecalc.resample.errors import ResampleError
from shapecalc.resample.explain import default_cells, explain_cell, parse_cell
from shapecalc.resample.matrix import load_matrix
from shapecalc.resample.sizing import SizeRequest

QUESTION = "[[100, 200], [6, 8]]"


def _result(text=QUESTION, convention="keras", mode="bilinear", indices=None, **size):
    index_matrix = load_matrix(indices) if indices else None
    return resample(load_matrix(text), convention, mode, SizeRequest(**size), index_matrix)


def test_keras_cell_shows_half_pixel_formula_and_weights():
    explanation = explain_cell(_result(), (0, 1))
    assert explanation.value == pytest.approx(125)
    assert explanation.steps[0].startswith("src_y = (0 + 0.5) * 2/4 - 0.5 = -0.25, below 0 so clamped to 0")
    assert explanation.steps[1].startswith("src_x = (1 + 0.5) * 2/4 - 0.5 = 0.25")
    assert "col 0 x 0.75, col 1 x 0.25" in explanation.steps[1]
    assert [(term.source, term.value, term.weight) for term in explanation.terms] == [
        ((0, 0), 100, 0.75),
        ((0, 1), 200, 0.25),
    ]


def test_tf_legacy_cell_shows_the_edge_being_repeated():
    explanation = explain_cell(_result(convention="tf-legacy"), (0, 3))
    assert explanation.steps[1].startswith("src_x = 3 * 2/4 = 1.5")
    assert "col 2->1 (edge) x 0.5" in explanation.steps[1]
    assert [(term.source, term.weight) for term in explanation.terms] == [((0, 1), 1.0)]


def test_pytorch_scale_factor_is_written_as_its_reciprocal():
    explanation = explain_cell(_result("[0, 5, 1]", "pytorch", scale=1.7), (1,))
    assert explanation.steps[0].startswith("src_x = (1 + 0.5) * 1/1.7 - 0.5 = 0.3824")


CONVENTION_MODES = [
    ("keras", "nearest"), ("keras", "bicubic"), ("pytorch", "nearest"), ("pytorch", "area"),
    ("pytorch", "bicubic"), ("pytorch-align-corners", "bicubic"), ("tf-legacy", "area"),
    ("tf-legacy", "bicubic"), ("repeat", None), ("zeros", None),
]


@pytest.mark.parametrize(("convention", "mode"), CONVENTION_MODES, ids=[f"{c}-{m}" for c, m in CONVENTION_MODES])
def test_terms_add_up_to_the_cell_value(convention, mode):
    result = _result("[[1, -2, 3.5], [4, 0, 6], [7, 8, -9]]", convention, mode, size=2)
    for row in range(result.out_shape[0]):
        for column in range(result.out_shape[1]):
            explanation = explain_cell(result, (row, column))
            total = sum(term.contribution for term in explanation.terms)
            assert total == pytest.approx(result.rows[row][column], abs=1e-9)


def test_unpooling_explains_which_index_points_at_a_cell():
    result = _result("[[5, 7]]", "zeros", None, indices="[[1, 6]]", size=2)
    assert result.to_nested() == [[0, 5, 0, 0], [0, 0, 7, 0]]
    hit = explain_cell(result, (1, 2))
    assert hit.steps == ("flat index 1 * 4 + 2 = 6: --indices at input [0, 1] points here",)
    miss = explain_cell(result, (0, 0))
    assert "no --indices entry points here, so 0" in miss.steps[0]
    assert miss.terms == ()


def test_default_cells_are_the_first_row_capped():
    assert default_cells(_result()) == [(0, 0), (0, 1), (0, 2), (0, 3)]
    assert len(default_cells(_result("[1, 2, 3, 4, 5]", size=4))) == 8


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("0", "does not fit a 2-D output", id="one-index-for-2d"),
        pytest.param("4,0", "row 4 is outside", id="row-out"),
        pytest.param("0,9", "column 9 is outside", id="column-out"),
        pytest.param("a,b", "ROW,COL", id="not-numbers"),
        pytest.param("-1,0", "ROW,COL", id="negative"),
    ],
)
def test_parse_cell_refusals(text, message):
    with pytest.raises(ResampleError) as caught:
        parse_cell(text, _result())
    assert message in str(caught.value)
