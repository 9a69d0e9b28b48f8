"""Every shipped Keras spec and every edge case under cases/keras, compared with real Keras 3.

For each file: build it in Keras (torch backend) in a fresh session and
require shapecalc's layer names, types, output shapes and parameter counts
(total, trainable, non-trainable) to equal Keras's, or, where Keras refuses
the model, require shapecalc to refuse it at the same layer entry.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytest.importorskip("torch")
pytest.importorskip("keras")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from shapecalc.render.json import document  # noqa: E402
from shapecalc.render.summary import summary_text  # noqa: E402
from tests.differential.flat import model_data  # noqa: E402
from tests.differential.keras_reference import build  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def keras_files() -> list[Path]:
    files = sorted((ROOT / "specs").rglob("*.yaml")) + sorted((ROOT / "tests/differential/cases/keras").rglob("*.yaml"))
    return [f for f in files if (yaml.safe_load(f.read_text()) or {}).get("framework", "keras") == "keras"]


def entry_line(path: Path, index: int) -> int:
    """1-based line of the index-th layer entry, read with PyYAML's own composer."""
    root = yaml.compose(path.read_text())
    for key, value in root.value:
        if key.value == "layers":
            return value.value[index].start_mark.line + 1
    raise AssertionError("no layers")


@pytest.mark.parametrize("path", keras_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_matches_keras(path: Path) -> None:
    data, uses = model_data(path)
    reference = build(data)
    if reference.failed_index is not None:
        reference.failed_index = uses[reference.failed_index]
    outcome = analyze_path(str(path))
    if reference.failed_index is not None:
        assert outcome.exit_code() in (1, 2), f"Keras refused the model ({reference.error}) but shapecalc accepted it"
        errors = [d for d in outcome.diagnostics if d.severity.value == "error"]
        lines = {d.line for d in errors}
        expected = entry_line(path, reference.failed_index)
        assert any(line >= expected for line in lines) and min(lines) <= expected + _entry_span(path, reference.failed_index), (
            f"Keras refused layer entry {reference.failed_index} (line {expected}): {reference.error}; "
            f"shapecalc said: {[(d.line, d.message) for d in errors]}"
        )
        return
    assert outcome.analysis is not None, [d.message for d in outcome.diagnostics]
    ours = document(outcome.analysis)
    assert [d for d in ours["diagnostics"] if d["severity"] == "error"] == []
    theirs = [
        {"name": layer.name, "type": layer.type, "output_shape": layer.output_shape, "params": layer.params,
         "trainable_params": layer.trainable_params, "non_trainable_params": layer.non_trainable_params}
        for layer in reference.layers
    ]
    mine = [{k: layer[k] for k in theirs[0]} for layer in ours["layers"]] if theirs else []
    assert mine == theirs
    summary = summary_text(outcome.analysis)
    assert ("Connected to" in summary.header) == reference.connected_column
    if reference.connected_column:
        assert [row[3] for row in summary.rows] == [layer.connected for layer in reference.layers]
    assert (ours["total_params"], ours["trainable_params"], ours["non_trainable_params"]) == (
        reference.total, reference.trainable, reference.non_trainable)


def _entry_span(path: Path, index: int) -> int:
    root = yaml.compose(path.read_text())
    for key, value in root.value:
        if key.value == "layers":
            node = value.value[index]
            return node.end_mark.line - node.start_mark.line
    return 0
