"""Every shipped Keras spec and every edge case under cases/keras, compared with real Keras 3.

For each file: build it in Keras (torch backend) in a fresh session and
require shapecalc's layer names, types, output shapes and parameter counts
(total, trainable, non-trainable) to equal Keras's, or, where Keras refuses
the model, require shapecalc to refuse it at the same layer entry. For a
shipped spec, its golden summary must also be the table Keras itself prints
for the model (tests/golden/keras_print.py says the one permitted difference).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytest.importorskip("torch")
pytest.importorskip("keras")

from shapecalc.blocks import has_nested_model  # noqa: E402
from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from shapecalc.render.json import document  # noqa: E402
from shapecalc.render.summary import summary_text  # noqa: E402
from tests.differential.flat import model_data  # noqa: E402
from tests.differential.keras_reference import build  # noqa: E402
from tests.differential.yaml_entries import entry_span  # noqa: E402
from tests.golden.goldens import golden_path  # noqa: E402
from tests.golden.keras_print import (  # noqa: E402
    FUNCTIONAL_LINE,
    SEQUENTIAL_LINE,
    as_shapecalc_draws,
    keras_printed,
)

ROOT = Path(__file__).resolve().parents[2]


def keras_files() -> list[Path]:
    """Keras files this harness can build; a spec nesting models (specs/convnext_tiny.yaml) is compared with
    the keras.applications model itself instead (tests/engine/test_applications.py)."""
    files = sorted((ROOT / "specs").rglob("*.yaml")) + sorted((ROOT / "tests/differential/cases/keras").rglob("*.yaml"))
    datas = {f: yaml.safe_load(f.read_text()) or {} for f in files}
    return [f for f, data in datas.items()
            if data.get("framework", "keras") == "keras" and not has_nested_model(data.get("layers"))]


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
        first, last = entry_span(path, reference.failed_index)
        # the first problem reported is Keras's (the reader may report further independent ones)
        assert errors and first <= min(d.line for d in errors) <= last, (
            f"Keras refused layer entry {reference.failed_index} (lines {first}-{last}): {reference.error}; "
            f"shapecalc said: {[(d.line, d.code, d.message) for d in errors]}"
        )
        if reference.failed_at is not None:
            assert min(errors, key=lambda d: d.line).layer == reference.failed_at
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
        # our cell wraps as Keras's table wraps Keras's ", "-joined string: rejoined at the breaks, it is that string
        assert [" ".join(row[3].split("\n")) for row in summary.rows] == [layer.connected for layer in reference.layers]
    assert (ours["total_params"], ours["trainable_params"], ours["non_trainable_params"]) == (
        reference.total, reference.trainable, reference.non_trainable)
    if path.is_relative_to(ROOT / "specs"):
        assert_golden_prints_like_keras(path, reference.model, reference.connected_column)


def assert_golden_prints_like_keras(spec: Path, model, connected_column: bool) -> None:
    """The spec's golden table is Keras's printed summary at the same line length, long cells unwrapped
    (see tests/golden/keras_print.py); what follows the totals (MACs, diagnostics) is not Keras's."""
    golden = golden_path(spec).read_text(encoding="utf-8")
    lines = golden.splitlines()
    last = next(i for i, line in enumerate(lines) if line.startswith(" Non-trainable params:"))
    table = "\n".join(lines[:last + 1]) + "\n"  # what follows (Total MACs, diagnostics) is ours alone
    printed = keras_printed(model, FUNCTIONAL_LINE if connected_column else SEQUENTIAL_LINE)
    expected = as_shapecalc_draws(printed, table)
    if expected.count("\n") == printed.count("\n"):  # nothing wrapped: the rewrite is the identity
        assert expected == printed
    assert table == expected
