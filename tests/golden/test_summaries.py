"""Golden summaries: the exact piped output of `shapecalc summarize` for every shipped spec.

Recording is not enough: each golden must add up (rows' params sum to the
Total line) and show the names, shapes, parameter counts and totals that the
framework itself gives for the same model: Keras 3 for Keras specs, a torch
forward pass and `parameters()` for PyTorch specs. Rewrite them with
`pytest tests/golden --update-goldens` after a deliberate change.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.golden.goldens import ROOT, golden_path, read_table, relative, spec_files, summary_of

SPECS = spec_files()
IDS = [relative(spec) for spec in SPECS]


def golden_text(spec: Path) -> str:
    path = golden_path(spec)
    if not path.exists():
        pytest.fail(f"no golden for {relative(spec)}: run `pytest tests/golden --update-goldens`")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_summary_matches_golden(spec: Path, update_goldens: bool) -> None:
    produced = summary_of(spec)
    path = golden_path(spec)
    if update_goldens:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(produced, encoding="utf-8")
    assert produced == golden_text(spec)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_golden_params_add_up(spec: Path) -> None:
    table = read_table(golden_text(spec))
    assert table.rows, "the golden has no table rows"
    totals = table.totals
    assert sum(row.params for row in table.rows) == totals["Total"]
    assert totals["Trainable"] + totals["Non-trainable"] == totals["Total"]


def keras_specs() -> list[Path]:
    return [spec for spec in SPECS if (yaml.safe_load(spec.read_text()) or {}).get("framework", "keras") == "keras"]


@pytest.mark.parametrize("spec", keras_specs(), ids=[relative(s) for s in keras_specs()])
def test_golden_agrees_with_keras(spec: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("keras")
    from keras.src.utils.summary_utils import readable_memory_size

    from shapecalc.shapes import format_shape
    from tests.differential.flat import model_data
    from tests.differential.keras_reference import build

    reference = build(model_data(spec)[0])
    assert reference.failed_index is None, f"Keras refused {relative(spec)}: {reference.error}"
    table = read_table(golden_text(spec))

    def shape_text(shape: list) -> str:
        if shape and isinstance(shape[0], list):
            return "[" + ", ".join(format_shape(tuple(s)) for s in shape) + "]"
        return format_shape(tuple(shape))

    theirs = [(layer.name, layer.type, shape_text(layer.output_shape), layer.params) for layer in reference.layers]
    assert [(row.name, row.type, row.shape, row.params) for row in table.rows] == theirs
    for kind, count in (("Total", reference.total), ("Trainable", reference.trainable),
                        ("Non-trainable", reference.non_trainable)):
        assert table.total_lines[kind] == f" {kind} params: {count:,} ({readable_memory_size(count * 4)})"


def torch_specs() -> list[Path]:
    return [spec for spec in SPECS if (yaml.safe_load(spec.read_text()) or {}).get("framework") == "pytorch"]


def shape_sizes(text: str) -> list[int | None]:
    """'(None, 64, 56, 56)' -> [None, 64, 56, 56]; for several outputs, the first (what torch's reference reads)."""
    first = text.lstrip("[").split(")")[0].strip("(")
    return [None if part.strip() == "None" else int(part) for part in first.split(",") if part.strip()]


@pytest.mark.parametrize("spec", torch_specs(), ids=[relative(s) for s in torch_specs()])
def test_golden_agrees_with_torch(spec: Path) -> None:
    """Rows (after the InputLayer rows), per-layer params and totals as torch counts them; an unknown
    (None) size in the golden matches any size of torch's forward pass (batch 1 unless `batch:` is set)."""
    pytest.importorskip("torch")
    from tests.differential.flat import model_data
    from tests.differential.torch_reference import build

    reference = build(model_data(spec)[0])
    assert reference.failed_index is None, f"torch refused {relative(spec)}: {reference.error}"
    table = read_table(golden_text(spec))
    rows = [row for row in table.rows if row.type != "InputLayer"]
    assert [(row.name, row.type, row.params) for row in rows] == [
        (layer.name, layer.type, layer.params) for layer in reference.layers]
    for row, layer in zip(rows, reference.layers, strict=True):
        sizes = shape_sizes(row.shape)
        assert len(sizes) == len(layer.output_shape), (row.name, row.shape, layer.output_shape)
        assert all(a is None or a == b for a, b in zip(sizes, layer.output_shape, strict=True)), (
            row.name, row.shape, layer.output_shape)
    assert (table.totals["Total"], table.totals["Trainable"]) == (reference.total, reference.trainable)


def test_denoiser_24_shows_what_keras_printed() -> None:
    """/work/shared/seeds/002: Keras printed (None, 24, 24, 1) and 12,201 params for this model."""
    table = read_table(golden_text(ROOT / "specs/denoiser_24.yaml"))
    assert table.rows[-1].shape == "(None, 24, 24, 1)"
    assert table.totals == {"Total": 12201, "Trainable": 12201, "Non-trainable": 0}


@pytest.mark.parametrize("spec", [ROOT / "specs/denoiser_24.yaml", ROOT / "specs/mlp_mnist.yaml"],
                         ids=["denoiser_24", "mlp_mnist"])
def test_cli_prints_the_golden_when_piped(spec: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "shapecalc", "summarize", relative(spec)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout == golden_text(spec)


def test_every_golden_has_its_spec() -> None:
    """A golden left behind by a renamed or deleted spec would never be checked again."""
    from tests.golden.goldens import GOLDEN_DIR

    expected = {golden_path(spec).name for spec in SPECS}
    assert sorted(path.name for path in GOLDEN_DIR.glob("*.txt") if path.name not in expected) == []
