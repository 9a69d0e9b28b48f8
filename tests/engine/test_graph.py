"""Graph wiring without a framework: references, shared layers, rows, Connected to, dangling layers.

The numbers are worked arithmetic (a Dense of n inputs and u units has
n*u + u parameters); the orderings are the ones Keras gives for the same
graphs in tests/differential/cases/keras/graph_*.yaml.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from shapecalc.commands.pipeline import analyze_path
from shapecalc.graph import resolve
from shapecalc.model import Analysis
from shapecalc.reading import read_file
from shapecalc.render.json import document
from shapecalc.render.summary import connected_text, summary_text
from shapecalc.validate import load_model

SIAMESE = """
inputs:
  left: [32]
  right: [32]
layers:
  - Dense: {units: 16, name: encoder, inputs: [left]}
  - Reuse: {layer: encoder, inputs: [right], name: right_code}
  - Subtract: {inputs: [encoder, right_code]}
  - Dense: 1
"""


def analyze_text(tmp_path: Path, text: str) -> Analysis:
    path = tmp_path / "model.yaml"
    path.write_text(textwrap.dedent(text))
    outcome = analyze_path(str(path))
    assert outcome.analysis is not None, [d.message for d in outcome.diagnostics]
    return outcome.analysis


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("encoder", ("encoder", 0)),
        ("right_code", ("right_code", 0)),
        ("encoder[0][0]", ("encoder", 0)),
        ("encoder[1][0]", ("right_code", 0)),
        ("encoder[2][0]", None),  # two calls only
        ("encoder[1]", ("encoder", 1)),  # output 1 of the first call (checked when evaluated)
        ("left", ("left", 0)),
        ("nothing", None),
        ("nothing[0]", None),
    ],
    ids=lambda value: str(value),
)
def test_references(tmp_path: Path, reference: str, expected: tuple[str, int] | None) -> None:
    from shapecalc.graph import build_graph
    from shapecalc.layers.naming import name_layers

    path = tmp_path / "model.yaml"
    path.write_text(SIAMESE)
    spec = load_model(read_file(str(path)))
    name_layers(spec)
    assert resolve(reference, build_graph(spec)) == expected


def test_shared_layer_counts_its_parameters_once(tmp_path: Path) -> None:
    analysis = analyze_text(tmp_path, SIAMESE)
    rows = {row.name: row for row in analysis.rows}
    assert [row.name for row in analysis.rows] == ["left", "right", "encoder", "subtract", "dense"]
    assert rows["encoder"].params.total == 32 * 16 + 16
    assert analysis.totals.total == (32 * 16 + 16) + (16 * 1 + 1)
    assert connected_text(rows["encoder"]) == "left[0][0], right[0][0]"
    assert connected_text(rows["subtract"]) == "encoder[0][0], encoder[1][0]"
    layers = {layer["name"]: layer for layer in document(analysis)["layers"]}
    assert layers["encoder"]["inputs"] == ["left", "right"]
    assert layers["subtract"]["inputs"] == ["encoder", "encoder"]
    assert layers["left"]["inputs"] == []


def test_plain_chain_has_no_connected_column_but_keeps_input_rows(tmp_path: Path) -> None:
    analysis = analyze_text(tmp_path, """
        input: [20]
        outputs: [logits]
        layers:
          - Dense: 32
          - Dense: {units: 5, name: logits}
    """)
    assert [row.name for row in analysis.rows] == ["input_layer", "dense", "logits"]
    assert "Connected to" not in summary_text(analysis).header
    assert analysis.model == "functional"


def test_sequential_file_has_no_input_row(tmp_path: Path) -> None:
    analysis = analyze_text(tmp_path, """
        input: [20]
        layers:
          - Dense: 32
          - Dense: 5
    """)
    assert [row.name for row in analysis.rows] == ["dense", "dense_1"]
    assert analysis.model == "sequential"
    assert document(analysis)["layers"][0]["inputs"] == []


def test_depth_order_differs_from_written_order(tmp_path: Path) -> None:
    analysis = analyze_text(tmp_path, """
        inputs:
          x: [16]
        layers:
          - Dense: {units: 4, name: short, inputs: [x]}
          - Dense: {units: 8, name: long_1, inputs: [x]}
          - Dense: {units: 8, name: long_2}
          - Concatenate: {inputs: [short, long_2]}
    """)
    assert [row.name for row in analysis.rows] == ["x", "long_1", "short", "long_2", "concatenate"]
    # "short[0][0], long_2[0][0]" is 25 characters: Keras wraps it in its 23-wide column after the comma
    assert summary_text(analysis).rows[-1][-1] == "short[0][0],\nlong_2[0][0]"


def test_dangling_branch_is_left_out_and_warned_once(tmp_path: Path) -> None:
    analysis = analyze_text(tmp_path, """
        inputs:
          x: [10]
        layers:
          - Dense: {units: 6, name: hidden, inputs: [x]}
          - Dense: {units: 3, name: probe_hidden}
          - Dense: {units: 3, name: probe}
          - Dense: {units: 1, name: out, inputs: [hidden]}
        outputs: [out]
    """)
    assert [row.name for row in analysis.rows] == ["x", "hidden", "out"]
    assert analysis.totals.total == (10 * 6 + 6) + (6 * 1 + 1)
    assert [(d.code, d.layer) for d in analysis.diagnostics] == [("SC210", "probe")]


def test_forward_reference_is_computed_first(tmp_path: Path) -> None:
    analysis = analyze_text(tmp_path, """
        inputs:
          x: [5]
        layers:
          - Add: {inputs: [a, b]}
          - Dense: {units: 7, name: a, inputs: [x]}
          - Dense: {units: 7, name: b, inputs: [x]}
        outputs: [add]
    """)
    assert [row.name for row in analysis.rows] == ["x", "a", "b", "add"]
    assert analysis.row("add").output_shape == (None, 7)
