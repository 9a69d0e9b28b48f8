"""What a block use expands to: names, wiring, repeat index, block paths, and the cost of a big expansion."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from shapecalc.commands.pipeline import analyze_path
from shapecalc.render.json import document


def summarize(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "model.yaml"
    path.write_text(text)
    outcome = analyze_path(str(path))
    assert outcome.analysis is not None, [d.message for d in outcome.diagnostics]
    return json.loads(json.dumps(document(outcome.analysis)))


RESIDUAL = """
framework: pytorch
input: [16]
blocks:
  residual:
    params: {width: 16}
    layers:
      - Linear: {in_features: width, out_features: width, name: fc}
      - ReLU: {name: relu}
      - Add: {inputs: [relu, x], name: add}
layers:
  - Linear: {in_features: 16, out_features: 16}
  - residual: {name: layer, repeat: 3}
  - Linear: {in_features: 16, out_features: 2, name: head}
"""


def test_pytorch_names_mirror_module_paths(tmp_path: Path) -> None:
    """`name: layer` repeated 3 times: instances layer_0..layer_2, as nn.Sequential numbers its children."""
    result = summarize(tmp_path, RESIDUAL)
    names = [row["name"] for row in result["layers"] if row["type"] != "InputLayer"]
    assert names == ["linear", *[f"layer_{i}_{part}" for i in range(3) for part in ("fc", "relu", "add")], "head"]
    by_name = {row["name"]: row for row in result["layers"]}
    # the first instance's shortcut is the unnamed Linear before it: wired by a placeholder, named by the engine
    assert by_name["layer_0_add"]["inputs"] == ["layer_0_relu", "linear"]
    assert by_name["layer_1_add"]["inputs"] == ["layer_1_relu", "layer_0_add"]
    assert by_name["layer_2_fc"]["block"] == ["layer", "layer_2"]  # `layer` holds its repetitions, as nn.Sequential
    assert by_name["head"]["block"] == [] and by_name["head"]["inputs"] == ["layer_2_add"]
    assert result["total_params"] == 4 * (16 * 16 + 16) - (16 * 16 + 16) + (16 * 2 + 2) + (16 * 16 + 16)


def test_repeat_index_in_names_and_arguments(tmp_path: Path) -> None:
    """The index i (from 0): `conv{i + 1}` and `2 if i == 0 else 1`, as a stage's first block differs by stride."""
    result = summarize(tmp_path, """
input: [32, 32, 3]
blocks:
  down:
    params: {filters: 8, stride: 1}
    layers:
      - Conv2D: {filters: filters, kernel_size: 3, strides: stride, padding: same, name: conv}
layers:
  - down: {filters: 16, stride: "2 if i == 0 else 1", repeat: 3, name: "stage_block{i + 1}"}
""")
    rows = [(row["name"], row["output_shape"]) for row in result["layers"]]
    assert rows == [("stage_block1_conv", [None, 16, 16, 16]),   # 32 / 2
                    ("stage_block2_conv", [None, 16, 16, 16]),
                    ("stage_block3_conv", [None, 16, 16, 16])]


def test_nested_blocks_have_a_block_path_outermost_first(tmp_path: Path) -> None:
    result = summarize(tmp_path, (Path(__file__).parent / "cases/valid_nested.yaml").read_text())
    rows = {row["name"]: row for row in result["layers"]}
    assert rows["tower_pair1_fc"]["block"] == ["tower", "tower_pair1"]
    assert rows["tower_pair2_half"]["output_shape"] == [None, 16]   # units // 2 = 32 // 2
    assert rows["dense"]["block"] == []
    assert all(row["inputs"] == [] for row in result["layers"][:1])
    assert "InputLayer" not in {row["type"] for row in result["layers"]}  # a chain of blocks stays Sequential


def test_block_output_and_instance_references(tmp_path: Path) -> None:
    """`output:` picks the block's result; `inputs:` and `outputs:` may name an instance for its output."""
    result = summarize(tmp_path, """
inputs: {tokens: [8]}
blocks:
  branch:
    params: {units: 4}
    output: hidden
    layers:
      - Dense: {units: units, name: hidden}
      - Dense: {units: 1, name: side}
layers:
  - branch: {units: 6, name: left, inputs: [tokens]}
  - branch: {units: 3, name: right, inputs: [tokens]}
  - Concatenate: {inputs: [left, right], name: joined}
outputs: [joined, left]
""")
    rows = {row["name"]: row for row in result["layers"]}
    assert rows["joined"]["inputs"] == ["left_hidden", "right_hidden"]
    assert rows["joined"]["output_shape"] == [None, 9]


def test_ten_thousand_repeats_cost_no_more_than_the_flat_file(tmp_path: Path) -> None:
    """A block of 10 layers repeated 10,000 times (100,000 layers): expanding it costs less than reading the
    same model written out flat, so a file with blocks stays inside the flat file's 5 s budget. Measured
    against the flat file in the same process, not in seconds: the machine's load moves both alike."""
    from shapecalc.blocks.stage import expand_document
    from shapecalc.reading import read_file

    deep, flat = tmp_path / "deep.yaml", tmp_path / "flat.yaml"
    layers = "\n".join(f"      - Dense: {{units: units, name: d{k}}}" for k in range(10))
    deep.write_text(f"input: [4]\nblocks:\n  stack:\n    params: {{units: 4}}\n    layers:\n{layers}\n"
                    "layers:\n  - stack: {repeat: 10000, name: s}\n")
    flat.write_text("input: [4]\nlayers:\n" + "".join(f"  - Dense: {{units: 4, name: s_{i}_d{k}}}\n"
                                                      for i in range(10_000) for k in range(10)))
    start = time.perf_counter()
    flat_document = read_file(str(flat))
    reading = time.perf_counter() - start
    deep_document = read_file(str(deep))
    start = time.perf_counter()
    expanded = expand_document(deep_document, 200_000)
    expanding = time.perf_counter() - start
    assert expanded.data["layers"] == flat_document.data["layers"]
    assert expanding < 1.5 * reading, f"expanding {expanding:.2f} s, reading the flat file {reading:.2f} s"
    outcome = analyze_path(str(deep))
    assert outcome.analysis is not None and len(outcome.analysis.rows) == 100_000
    assert outcome.analysis.rows[-1].name == "s_9999_d9"


def test_expansion_past_the_layer_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("input: [4]\nblocks:\n  one:\n    layers: [{Dense: 4}]\n"
                    "  many:\n    layers: [{one: {repeat: 1000}}]\n"
                    "layers:\n  - many: {repeat: 1000}\n")
    outcome = analyze_path(str(path))
    assert [d.code for d in outcome.diagnostics] == ["SC008"]
    assert outcome.exit_code() == 2


@pytest.mark.parametrize("entry", ["residual", "{residual: null}", "{type: residual}"])
def test_a_use_has_the_three_entry_forms(tmp_path: Path, entry: str) -> None:
    text = RESIDUAL.replace("  - residual: {name: layer, repeat: 3}", f"  - {entry}")
    result = summarize(tmp_path, text)
    assert [row["name"] for row in result["layers"]][2:5] == ["residual_fc", "residual_relu", "residual_add"]


def test_a_use_failing_in_every_repetition_stops_at_once(tmp_path: Path) -> None:
    """A repetition that makes no layer (its nested use fails) is reported once, not repeated a billion times."""
    path = tmp_path / "model.yaml"
    path.write_text("input: [4]\nblocks:\n  inner:\n    layers: [{Dense: 4}]\n"
                    "  outer:\n    layers: [{inner: {bad: 1}}]\n"
                    "layers:\n  - outer: {repeat: 1000000000000}\n")
    start = time.perf_counter()
    outcome = analyze_path(str(path))
    assert [d.code for d in outcome.diagnostics] == ["SC003"]
    assert time.perf_counter() - start < 5


def test_a_large_constant_argument_is_not_copied_per_repetition(tmp_path: Path) -> None:
    """An alias of 100,000 numbers given to each of 1,000 repetitions is passed on, not walked each time."""
    path = tmp_path / "model.yaml"
    path.write_text("input: [4]\nblocks:\n  dense:\n    params: {units: 4, unused: null}\n    layers: [{Dense: units}]\n"
                    f"layers:\n  - dense: {{unused: &big {list(range(100_000))}, repeat: 1000}}\n")
    start = time.perf_counter()
    outcome = analyze_path(str(path))
    assert outcome.analysis is not None and len(outcome.analysis.rows) == 1000
    assert time.perf_counter() - start < 5
