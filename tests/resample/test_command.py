"""The command function: printed tables, JSON documents, exit codes and stderr messages."""

from __future__ import annotations

import io
import json
import re

import pytest

from shapecalc.commands.resample import run
from shapecalc.resample.conventions import CONVENTIONS

QUESTION = "[[100, 200], [6, 8]]"


def _invoke(*args, **options) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(*args, stdout=stdout, stderr=stderr, **options)
    return code, stdout.getvalue(), stderr.getvalue()


def test_table_output_is_plain_aligned_text_when_not_a_terminal():
    code, out, err = _invoke(QUESTION, convention="tf-legacy")
    assert (code, err) == (0, "")
    assert "\x1b[" not in out
    assert "tf-legacy, bilinear: 2x2 -> 4x4" in out
    assert "1    53   78.5   104   104" in out


@pytest.mark.parametrize("output_format", ["table", "json"])
def test_output_is_deterministic(output_format):
    """The same bytes from two processes whose string hashing differs (set and dict order of str keys):
    two calls in one process would share the hash seed and could not disagree."""
    import os
    import subprocess
    import sys

    def printed(seed: str) -> str:
        done = subprocess.run([sys.executable, "-m", "shapecalc", "resample", QUESTION, "--compare", "--explain",
                               "--format", output_format], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert (done.returncode, done.stderr) == (0, ""), done.stderr
        return done.stdout

    first = printed("1")
    assert "pytorch-align-corners" in first
    assert printed("2") == first


def test_explain_prints_formula_and_weighted_sum():
    code, out, _ = _invoke(QUESTION, cell="0,1")
    assert code == 0
    assert "src_x = (1 + 0.5) * 2/4 - 0.5 = 0.25" in out
    assert "value = 0.75 x 100 [0,0] + 0.25 x 200 [0,1] = 125" in out


def test_json_document():
    code, out, _ = _invoke(QUESTION, convention="tf-legacy", output_format="json")
    document = json.loads(out)
    assert code == 0
    assert document["output"] == [[100, 150, 200, 200], [53, 78.5, 104, 104], [6, 7, 8, 8], [6, 7, 8, 8]]
    assert (document["convention"], document["mode"]) == ("tf-legacy", "bilinear")
    assert (document["input_shape"], document["output_shape"]) == ([2, 2], [4, 4])


def test_json_1d_stays_flat_and_calls_the_mode_linear():
    document = json.loads(_invoke("[1, 3]", convention="pytorch", explain=True, output_format="json")[1])
    assert document["mode"] == "linear"
    assert document["output"] == [1, 1.5, 2.5, 3]
    assert [entry["cell"] for entry in document["explain"]] == [[0], [1], [2], [3]]


def test_compare_json_lists_every_convention_or_why_not():
    document = json.loads(_invoke(QUESTION, compare=True, mode="area", output_format="json")[1])
    assert set(document["results"]) | set(document["unavailable"]) == set(CONVENTIONS)
    assert set(document["unavailable"]) == {"keras", "pytorch-align-corners"}
    assert document["results"]["pytorch"] == [[100, 100, 200, 200], [100, 100, 200, 200], [6, 6, 8, 8], [6, 6, 8, 8]]


def test_compare_table_shows_each_convention():
    code, out, _ = _invoke(QUESTION, compare=True, scale=1.5)
    assert code == 0
    for name in CONVENTIONS:
        assert name in out
    assert "repeat: not available: --convention repeat needs a whole factor" in out


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        pytest.param(("[[1, 2], [3]]",), {}, "ragged", id="ragged"),
        pytest.param((QUESTION,), {"mode": "nearest", "convention": "pytorch-align-corners"}, "align_corners", id="align-nearest"),
        pytest.param((QUESTION,), {"mode": "area", "convention": "keras"}, "no 'area'", id="keras-area"),
        pytest.param((QUESTION,), {"convention": "opencv"}, "unknown --convention", id="unknown-convention"),
        pytest.param((QUESTION,), {"size": 2, "to": "3x3"}, "only one of", id="two-sizes"),
        pytest.param((QUESTION,), {"output_format": "xml"}, "--format", id="bad-format"),
        pytest.param((QUESTION,), {"indices": "[[0, 1], [2, 3]]"}, "--indices only applies", id="indices-without-zeros"),
        pytest.param((QUESTION,), {"cell": "7,7"}, "outside the output", id="cell-outside"),
        pytest.param((QUESTION,), {"compare": True, "size": 999}, "at most 256", id="compare-too-large"),
    ],
)
def test_errors_exit_2_with_one_line_on_stderr(args, options, message):
    code, out, err = _invoke(*args, **options)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err


def _colour_codes(text: str) -> list[int]:
    """Foreground/background colour parameters among the ANSI SGR sequences in `text`."""
    codes = [int(code) for params in re.findall(r"\x1b\[([0-9;]*)m", text) for code in params.split(";") if code]
    return [code for code in codes if 30 <= code <= 49 or 90 <= code <= 107]


def test_colour_only_when_forced_and_never_with_no_color(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert _colour_codes(_invoke(QUESTION)[1])
    monkeypatch.setenv("NO_COLOR", "1")
    assert _colour_codes(_invoke(QUESTION)[1]) == []


def test_wide_output_is_never_cropped_or_wrapped():
    code, out, _ = _invoke(str([1, 2] * 32), size=4)
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.rstrip().endswith("255"))
    values = lines[lines.index(header) + 2]
    assert len(values.split()) == 256


def test_matrix_from_a_yaml_file(tmp_path):
    path = tmp_path / "matrix.yaml"
    path.write_text("matrix:\n  - [100, 200]\n  - [6, 8]\n", encoding="utf-8")
    document = json.loads(_invoke(str(path), convention="tf-legacy", output_format="json")[1])
    assert document["output"][1] == [53, 78.5, 104, 104]
