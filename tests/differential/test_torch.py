"""Every shipped PyTorch spec and every edge case under cases/pytorch, compared with a real torch forward pass.

For each file: build its modules in torch, run a zero tensor through them
and require shapecalc's layer names, types, output shapes and parameter
counts (per layer, trainable split and totals) to equal torch's; where torch
refuses a module or its input, require shapecalc to refuse the model at the
same layer entry. Only the batch axis may be unknown (`None`) in
shapecalc's shapes, standing for the reference's batch; every other axis
must equal torch's. A functional file's InputLayer rows are checked too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytest.importorskip("torch")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from shapecalc.render.json import document  # noqa: E402
from tests.differential.flat import model_data  # noqa: E402
from tests.differential.torch_reference import build, is_functional, same_outputs, same_shape  # noqa: E402
from tests.differential.yaml_entries import entry_span  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EVERY_OUTPUT_SHOWN = {"RNN", "LSTM", "GRU"}  # types whose row must list every tensor forward returns (SPEC §6)


def torch_files() -> list[Path]:
    files = sorted((ROOT / "specs").rglob("*.yaml")) + sorted((ROOT / "tests/differential/cases/pytorch").glob("*.yaml"))
    return [f for f in files if (yaml.safe_load(f.read_text()) or {}).get("framework") == "pytorch"]


@pytest.mark.parametrize("path", torch_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_matches_torch(path: Path) -> None:
    data, uses = model_data(path)
    reference = build(data)
    if reference.failed_index is not None:
        reference.failed_index = uses[reference.failed_index]
    outcome = analyze_path(str(path))
    if reference.failed_index is not None:
        first, last = entry_span(path, reference.failed_index)
        errors = [d for d in outcome.diagnostics if d.severity.value == "error"]
        assert outcome.exit_code() in (1, 2), f"torch refused entry {reference.failed_index} ({reference.error}) but shapecalc accepted it"
        # the first problem reported is torch's (the reader may report further independent ones)
        assert errors and first <= min(d.line for d in errors) <= last, (
            f"torch refused layer entry {reference.failed_index} (lines {first}-{last}): {reference.error}; "
            f"shapecalc said: {[(d.line, d.code, d.message) for d in errors]}")
        if reference.failed_name is not None:
            assert min(errors, key=lambda d: d.line).layer == reference.failed_name
        return
    assert outcome.analysis is not None, [d.message for d in outcome.diagnostics]
    ours = document(outcome.analysis)
    assert [d for d in ours["diagnostics"] if d["severity"] == "error"] == []
    rows = ours["layers"]
    inputs = [row for row in rows if row["type"] == "InputLayer"]
    assert rows[: len(inputs)] == inputs, "InputLayer rows come first"
    expected_inputs = reference.inputs if is_functional(data) else {}
    assert [(r["name"], r["params"]) for r in inputs] == [(name, 0) for name in expected_inputs]
    for row, shape in zip(inputs, expected_inputs.values(), strict=True):
        assert same_shape(row["output_shape"], shape, {0}), (row["name"], row["output_shape"], shape)
    layers = rows[len(inputs):]
    assert [(r["name"], r["type"]) for r in layers] == [(t.name, t.type) for t in reference.layers]
    for index, (row, theirs) in enumerate(zip(layers, reference.layers, strict=True)):
        assert same_outputs(row["output_shape"], reference, index), (
            row["name"], row["output_shape"], theirs.output_shapes)
        if theirs.type in EVERY_OUTPUT_SHOWN:  # SPEC §6: the row lists every tensor forward returns
            assert isinstance(row["output_shape"][0], list), (row["name"], "shows one output of", theirs.output_shapes)
        assert (row["params"], row["trainable_params"]) == (theirs.params, theirs.trainable_params), row["name"]
    if data.get("batch"):
        assert [r["output_shape"] for r in layers] == [
            t.output_shapes if r["output_shape"] and isinstance(r["output_shape"][0], list) else t.output_shape
            for r, t in zip(layers, reference.layers, strict=True)]
    assert (ours["total_params"], ours["trainable_params"]) == (reference.total, reference.trainable)
