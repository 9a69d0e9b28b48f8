"""A layer refused while the file is read is named as the engine (and Keras) would have named it."""

from __future__ import annotations

import pytest

from shapecalc.model import InvalidModel
from shapecalc.reading import parse_text
from shapecalc.validate import load_model

CASES = {
    # Keras: the second unnamed Conv2D of a fresh session is conv2d_1; a named layer takes no counter.
    "keras second conv": ("input: [32, 32, 3]\nlayers:\n  - Conv2D: {filters: 4, kernel_size: 3}\n"
                          "  - {type: Dense, units: 4, name: head}\n"
                          "  - Conv2D: {filters: 4, kernel_size: 3, strides: 2, dilation_rate: 2}\n", "conv2d_1"),
    # after a wrapper Keras names inner layers first: the engine alone knows, so no name is given
    "keras after a wrapper": ("input: [5, 3]\nlayers:\n  - Bidirectional: {layer: {LSTM: 4}}\n"
                              "  - Conv1D: {filters: 4, kernel_size: 3, strides: 2, dilation_rate: 2}\n", None),
    "pytorch third conv": ("framework: pytorch\ninput: [3, 8, 8]\nlayers:\n"
                           "  - Conv2d: {in_channels: 3, out_channels: 4, kernel_size: 3}\n"
                           "  - Conv2d: {in_channels: 4, out_channels: 4, kernel_size: 3}\n"
                           "  - Conv2d: {in_channels: 4, out_channels: 4, kernel_size: 3, stride: 2, padding: same}\n",
                           "conv2d_2"),
}


@pytest.mark.parametrize("text, name", CASES.values(), ids=CASES.keys())
def test_refused_layer_is_named(text, name):
    with pytest.raises(InvalidModel) as caught:
        load_model(parse_text(text))
    (problem,) = caught.value.diagnostics
    assert problem.code == "SC004"
    assert problem.layer == name


UNKNOWN_TYPES = {
    "mapping form": ("input: [8]\nlayers:\n  - Dense: 4\n  - Densse: {units: 2, name: head}\n", "head"),
    "type key form": ("input: [8]\nlayers:\n  - {type: Densse, units: 2, name: head}\n", "head"),
    "pytorch": ("framework: pytorch\ninput: [8]\nlayers:\n  - Linearr: {in_features: 8, out_features: 2, name: fc}\n",
                "fc"),
    "nested in a wrapper": ("input: [5, 3]\nlayers:\n  - Bidirectional: {layer: {LSTMM: {units: 4, name: fw}}}\n", "fw"),
    # an unnamed entry of an unknown type: no type, so no auto name either
    "unnamed": ("input: [8]\nlayers:\n  - Densse: 2\n", None),
}


@pytest.mark.parametrize("text, name", UNKNOWN_TYPES.values(), ids=UNKNOWN_TYPES.keys())
def test_unknown_type_names_the_entry(tmp_path, text, name):
    import json

    from shapecalc.commands.pipeline import analyze_path
    from shapecalc.render.json import failure_document

    path = tmp_path / "model.yaml"
    path.write_text(text)
    (problem,) = analyze_path(str(path)).diagnostics
    assert (problem.code, problem.layer) == ("SC002", name)
    assert json.loads(json.dumps(failure_document(str(path), [problem])))["diagnostics"][0]["layer"] == name
