"""A model with a layer that cannot be computed has no total: the counts say they are the layers' before the error.

Keras refuses such a model outright; printing "Total params: 1,384,832" for
the layers that happened to come first read as the model's total.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from shapecalc.commands.pipeline import analyze_path
from shapecalc.render import json as json_render
from shapecalc.render import rich_table, text

# Conv2D(32, 3x3) on 1 channel: 32*9 + 32 = 320; Flatten 26*26*32 = 21,632; Dense(64): 21,632*64 + 64 = 1,384,512.
# The second Conv2D receives (None, 64): refused; the Dense after it is never computed.
FAILING = "input: [28, 28, 1]\nlayers:\n  - Conv2D: {filters: 32, kernel_size: 3}\n  - Flatten\n  - Dense: 64\n" \
          "  - Conv2D: {filters: 8, kernel_size: 3}\n  - Dense: 10\n"
BEFORE_ERROR = 320 + 1_384_512


def analysis_of(tmp_path: Path, source: str):
    path = tmp_path / "model.yaml"
    path.write_text(source)
    outcome = analyze_path(str(path))
    assert outcome.analysis is not None
    return outcome


def test_text_and_rich_label_the_partial_totals(tmp_path):
    outcome = analysis_of(tmp_path, FAILING)
    assert outcome.exit_code() == 1
    stream = io.StringIO()
    rich_table.render(outcome.analysis, stream)
    for output in (text.render(outcome.analysis), stream.getvalue()):
        assert " Total params of the layers before the error: 1,384,832 (5.28 MB)" in output
        assert " Trainable params of the layers before the error: 1,384,832 (5.28 MB)" in output
        assert " Total MACs of the layers before the error: 1.58 M" in output
        assert "\n Total params:" not in output


def test_json_gives_no_total_and_the_partial_counts_by_name(tmp_path):
    document = json.loads(json_render.render(json_render.document(analysis_of(tmp_path, FAILING).analysis)))
    assert (document["total_params"], document["trainable_params"], document["non_trainable_params"]) == (None,) * 3
    assert document["params_before_error"] == {
        "total_params": BEFORE_ERROR, "trainable_params": BEFORE_ERROR, "non_trainable_params": 0}
    # MACs likewise: the Conv2D 26*26*32*9 = 194,688, the Dense 21,632*64 = 1,384,448
    assert document["total_macs"] is None and document["macs_before_error"] == 194_688 + 1_384_448


def test_a_failed_expect_alone_keeps_the_real_totals(tmp_path):
    # every layer is computed; only the assertion fails: 28*28 -> Dense(10) on the last axis, 1*10 + 10 = 20
    outcome = analysis_of(tmp_path, "input: [28, 28, 1]\nlayers:\n  - Dense: 10\nexpect:\n  output: [28, 28, 5]\n")
    assert outcome.exit_code() == 1 and not outcome.analysis.partial_totals
    assert " Total params: 20 (80.00 B)" in text.render(outcome.analysis)
    document = json_render.document(outcome.analysis)
    assert document["total_params"] == 20 and "params_before_error" not in document


def test_a_shared_layer_called_again_is_not_a_missing_layer():
    # Reuse entries add calls, not rows: Conv2d(3, 4, 3) once, 4*3*9 + 4 = 112
    path = Path(__file__).resolve().parents[1] / "differential/cases/pytorch/shared_module.yaml"
    analysis = analyze_path(str(path)).analysis
    assert analysis is not None and not analysis.partial_totals
    assert json_render.document(analysis)["total_params"] == 112
