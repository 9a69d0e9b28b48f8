"""Matrix text and files: what parses, and the one-line message for what does not."""

from __future__ import annotations

import pytest

from shapecalc.resample.errors import ResampleError
from shapecalc.resample.matrix import MAX_INPUT_SIDE, load_int_matrix, load_matrix


@pytest.mark.parametrize(
    ("text", "shape", "rows"),
    [
        pytest.param("[[100,200],[6,8]]", (2, 2), ((100, 200), (6, 8)), id="inline-2d"),
        pytest.param("[1, 2.5, -3]", (3,), ((1, 2.5, -3),), id="inline-1d"),
        pytest.param("[[1e3]]", (1, 1), ((1000,),), id="exponent-json"),
        pytest.param("  [[1, 2]]  ", (1, 2), ((1, 2),), id="surrounding-space"),
        pytest.param("{matrix: [[1, 2]]}", (1, 2), ((1, 2),), id="inline-mapping"),
        pytest.param("[[-0.5, .25]]", (1, 2), ((-0.5, 0.25),), id="yaml-number-forms"),
    ],
)
def test_parses(text, shape, rows):
    matrix = load_matrix(text)
    assert matrix.shape == shape
    assert matrix.rows == rows


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("m.yaml", "- [1, 2]\n- [3, 4]\n", id="yaml-list"),
        pytest.param("m.yml", "matrix:\n  - [1, 2]\n  - [3, 4]\n", id="yaml-matrix-key"),
        pytest.param("m.json", '{"input": [[1, 2], [3, 4]]}', id="json-input-key"),
    ],
)
def test_reads_files(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert load_matrix(str(path)).rows == ((1, 2), (3, 4))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "is empty", id="empty-text"),
        pytest.param("[]", "is empty", id="empty-list"),
        pytest.param("[[]]", "row 0 is empty", id="empty-row"),
        pytest.param("[[1, 2], [3]]", "ragged: row 0 has 2 values but row 1 has 1", id="ragged"),
        pytest.param("[[1, 'a']]", "'a', which is not a number", id="string-value"),
        pytest.param("[[true]]", "not a number", id="boolean"),
        pytest.param("[[1e999]]", "finite", id="infinite"),
        pytest.param("[[.nan]]", "finite", id="nan"),
        pytest.param("[[" + "9" * 400 + "]]", "too large", id="huge-integer"),
        pytest.param("[[[1]]]", "more than 2 dimensions", id="3d"),
        pytest.param("[1, [2]]", "mixes numbers and rows", id="mixed"),
        pytest.param("7", "must be a list", id="scalar"),
        pytest.param("[[1, 2], [3", "not a valid array", id="unclosed"),
        pytest.param("[" * 3000 + "]" * 3000, "nested too deeply", id="deep-nesting"),
        pytest.param("missing.yaml", "does not exist", id="missing-file"),
        pytest.param("hello", "neither an array", id="bare-word"),
        pytest.param("{a: 1}", "under one of the keys", id="mapping-without-key"),
    ],
)
def test_rejects_with_clear_message(text, message):
    with pytest.raises(ResampleError, match=None) as caught:
        load_matrix(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_rejects_inputs_past_the_size_limit():
    side = MAX_INPUT_SIDE + 1
    with pytest.raises(ResampleError, match=f"1x{side}; at most {MAX_INPUT_SIDE}"):
        load_matrix(str([[0] * side]))


def test_integer_matrix_rejects_fractions():
    assert load_int_matrix("[[0, 3]]", "--indices").rows == ((0, 3),)
    with pytest.raises(ResampleError, match="--indices: 1.5 is not a whole number"):
        load_int_matrix("[[0, 1.5]]", "--indices")
