"""Golden summaries: the exact piped output of `shapecalc summarize` for every shipped spec.

Recording is not enough: each golden must add up (rows' params sum to the
Total line) and show the names, shapes, parameter counts and totals that the
framework itself gives for the same model: for Keras specs, the table Keras 3
prints (checked in tests/differential/test_keras.py, which builds each Keras
model once); for PyTorch specs, a torch forward pass and `parameters()`. Rewrite them with
`pytest tests/golden --update-goldens` after a deliberate change.
"""

from __future__ import annotations

import re
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


def torch_specs() -> list[Path]:
    return [spec for spec in SPECS if (yaml.safe_load(spec.read_text()) or {}).get("framework") == "pytorch"]


def shape_sizes(text: str) -> list:
    """'(None, 64, 56, 56)' -> [None, 64, 56, 56]; several outputs '[(None, 8), (1, None, 8)]' -> a list of those."""
    shapes = [[None if part.strip() == "None" else int(part) for part in group.split(",") if part.strip()]
              for group in re.findall(r"\(([^()]*)\)", text)]
    return shapes if text.startswith("[") else shapes[0]


@pytest.mark.parametrize("spec", torch_specs(), ids=[relative(s) for s in torch_specs()])
def test_golden_agrees_with_torch(spec: Path) -> None:
    """Rows, per-layer params and totals as torch counts them; only the batch axis may be unknown (None)
    in the golden, standing for the batch of torch's forward pass. A functional spec's InputLayer rows show
    its input tensors."""
    pytest.importorskip("torch")
    from tests.differential.flat import model_data
    from tests.differential.torch_reference import build, is_functional, same_outputs, same_shape

    data = model_data(spec)[0]
    reference = build(data)
    assert reference.failed_index is None, f"torch refused {relative(spec)}: {reference.error}"
    table = read_table(golden_text(spec))
    inputs = [row for row in table.rows if row.type == "InputLayer"]
    rows = table.rows[len(inputs):]
    expected_inputs = reference.inputs if is_functional(data) else {}
    assert [(row.name, row.params) for row in inputs] == [(name, 0) for name in expected_inputs]
    for row, shape in zip(inputs, expected_inputs.values(), strict=True):
        assert same_shape(shape_sizes(row.shape), shape, {0}), (row.name, row.shape, shape)
    assert [(row.name, row.type, row.params) for row in rows] == [
        (layer.name, layer.type, layer.params) for layer in reference.layers]
    for index, (row, layer) in enumerate(zip(rows, reference.layers, strict=True)):
        assert same_outputs(shape_sizes(row.shape), reference, index), (
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


def test_batchnorm_variants_split_unevenly() -> None:
    """specs/batchnorm_variants.yaml, by hand: trainable 432 + 16 (gamma) + 1,160 + 10 (beta) = 1,618;
    non-trainable 2*16 + 2*8 + 2*10 (moving mean and variance) + 90 (the frozen Dense) = 158."""
    table = read_table(golden_text(ROOT / "specs/batchnorm_variants.yaml"))
    assert table.totals == {"Total": 1776, "Trainable": 1618, "Non-trainable": 158}
    assert [row.params for row in table.rows if row.type == "BatchNormalization"] == [48, 16, 30]


@pytest.mark.parametrize("count", [0, 1, 249, 250, 255, 256, 262_143, 262_144, 268_435_455, 268_435_456])
def test_memory_sizes_are_keras_own(count: int) -> None:
    """The totals' byte sizes at the unit boundaries (1,000 to 1,023 bytes stay bytes in Keras)."""
    pytest.importorskip("keras")
    from keras.src.utils.summary_utils import readable_memory_size

    from shapecalc.render.summary import readable_size

    assert readable_size(count) == readable_memory_size(count * 4)
