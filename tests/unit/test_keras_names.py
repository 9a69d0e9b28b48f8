"""Keras refuses `/` in a model, input or layer name; so does the reader, at the name, with exit code 2.

Keras 3.15.1 raises "Argument `name` must be a string and cannot contain
character `/`" for `Dense(name="a/b")`, `keras.Input(name="a/b")` and
`Sequential(name="a/b")` alike; PyTorch files keep their names as written.
"""

from __future__ import annotations

import pytest

from shapecalc.commands.pipeline import analyze_path

REFUSED = {
    "layer name": ("input: [8]\nlayers:\n  - Dense: {units: 4, name: a/b}\n", (3, 23)),  # at the `name` key
    "wrapped layer name": ("input: [5, 3]\nlayers:\n  - Bidirectional: {layer: {LSTM: {units: 4, name: fw/d}}}\n",
                           (3, 46)),
    "model name": ("model: team/model\ninput: [8]\nlayers:\n  - Dense: 4\n", (1, 1)),
    "input name": ("inputs:\n  image/rgb: [8]\nlayers:\n  - Dense: {units: 4, inputs: [image/rgb]}\n", (2, 3)),
    "first-entry Input name": ("layers:\n  - Input: {shape: [8], name: in/x}\n  - Dense: 4\n", (2, 25)),
}


@pytest.mark.parametrize("text, where", REFUSED.values(), ids=REFUSED.keys())
def test_slash_in_a_keras_name_is_refused_at_the_name(tmp_path, text, where):
    path = tmp_path / "model.yaml"
    path.write_text(text)
    outcome = analyze_path(str(path))
    assert outcome.exit_code() == 2
    slash = [d for d in outcome.diagnostics if "cannot contain `/`" in d.message]
    assert [(d.code, d.line, d.column) for d in slash] == [("SC004", *where)]


def test_pytorch_names_may_hold_a_slash(tmp_path):
    path = tmp_path / "model.yaml"
    path.write_text("framework: pytorch\ninput: [8]\nlayers:\n  - Linear: {in_features: 8, out_features: 2, name: a/b}\n")
    outcome = analyze_path(str(path))
    assert outcome.exit_code() == 0 and outcome.analysis.rows[0].name == "a/b"
