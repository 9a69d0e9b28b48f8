"""Wrapped layer entries in a model file: where the reader points when one is wrong, and the auto names.

Their shapes and parameters are rows of formulas.yaml; what is checked here
is the reading around them (positions, names), which a formula row cannot say.
"""

from __future__ import annotations

import pytest

from shapecalc.engine import analyze
from shapecalc.model import InvalidModel
from shapecalc.reading import parse_text
from shapecalc.validate import load_model

# (id, model file, expected (code, line, column)) for wrapper entries the reader refuses: the position is
# the key at fault inside the wrapped entry, or the `layer:` key when the entry itself is wrong.
WRAPPER_REFUSALS: list[tuple[str, str, tuple[str, int, int]]] = [
    ("inner-unknown-argument", "input: [5, 3]\nlayers:\n  - Bidirectional: {layer: {LSTM: {unit: 4}}}\n",
     ("SC003", 3, 36)),
    ("inner-unknown-type", "input: [5, 3]\nlayers:\n  - TimeDistributed:\n      layer: {Dense2: 4}\n",
     ("SC002", 4, 7)),
    ("inner-bad-value", "input: [5, 3]\nlayers:\n  - TimeDistributed:\n      layer:\n        Dense: {units: -1}\n",
     ("SC004", 5, 17)),
    ("inner-inputs", "input: [5, 3]\nlayers:\n  - TimeDistributed: {layer: {Dense: {units: 2, inputs: [x]}}}\n",
     ("SC004", 3, 49)),
    ("not-recurrent", "input: [5, 3]\nlayers:\n  - Bidirectional: {layer: {Dense: 2}}\n", ("SC004", 3, 21)),
    ("layer-not-an-entry", "input: [5, 3]\nlayers:\n  - Bidirectional: {layer: 5}\n", ("SC009", 3, 21)),
    ("layer-missing", "input: [5, 3]\nlayers:\n  - TimeDistributed: {}\n", ("SC004", 3, 5)),
]


@pytest.mark.parametrize(("text", "expected"), [row[1:] for row in WRAPPER_REFUSALS],
                         ids=[row[0] for row in WRAPPER_REFUSALS])
def test_wrapper_refusals_are_located(text, expected) -> None:
    with pytest.raises(InvalidModel) as raised:
        load_model(parse_text(text, "case.yaml"))
    found = [(d.code, d.line, d.column) for d in raised.value.diagnostics]
    assert expected in found, found


def test_wrapped_layers_take_auto_names_first() -> None:
    text = (
        "input: [10, 8]\nlayers:\n"
        "  - Bidirectional: {layer: {LSTM: {units: 2, return_sequences: true}}}\n"
        "  - TimeDistributed: {layer: {Dense: 2}}\n"
        "  - LSTM: 2\n"
        "  - Dense: 2\n"
    )
    analysis = analyze(load_model(parse_text(text, "case.yaml")))
    assert [row.name for row in analysis.rows] == ["bidirectional", "time_distributed", "lstm_1", "dense_1"]


def test_multi_head_attention_takes_softmax_and_dropout_names() -> None:
    text = (
        "inputs: {x: [4, 8]}\nlayers:\n"
        "  - MultiHeadAttention: {num_heads: 2, key_dim: 4, inputs: [x, x]}\n"
        "  - Dropout: 0.1\n"
        "  - Softmax: {}\n"
    )
    analysis = analyze(load_model(parse_text(text, "case.yaml")))
    assert [row.name for row in analysis.rows][1:] == ["multi_head_attention", "dropout_1", "softmax_1"]
