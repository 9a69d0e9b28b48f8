"""The diagnostic cases tell the truth about the frameworks: shape errors are models they refuse, the rest build.

SC1xx shape errors (except SC104, our own `expect`) must be models that real
Keras 3 (or a PyTorch forward pass) refuses; warnings, information and clean
cases must build, with the output shapes shapecalc computed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from shapecalc.commands.pipeline import analyze_path
from tests.diagnostics.expectations import read_expectations
from tests.diagnostics.test_cases import case_files

REFUSED = {"SC101", "SC102", "SC103"}


def shape_cases(framework: str) -> list[Path]:
    """Valid model files (no SC0xx expected) of one framework."""
    return [path for path in case_files()
            if not any(code.startswith("SC0") for _, code, _, _ in read_expectations(path))
            and (yaml.safe_load(path.read_text()) or {}).get("framework", "keras") == framework]


def agree(path: Path, reference, ours_without_batch: bool) -> None:
    expected_codes = {code for _, code, _, _ in read_expectations(path)}
    if expected_codes & REFUSED:
        assert reference.failed_index is not None, "shapecalc reports a shape error but the framework runs the model"
        return
    assert reference.failed_index is None, f"the framework refuses the model: {reference.error}"
    analysis = analyze_path(str(path)).analysis
    assert analysis is not None
    rows = [row for row in analysis.rows if row.type != "InputLayer"] if ours_without_batch else analysis.rows
    if ours_without_batch:
        assert [list(row.main_shape[1:]) for row in rows] == [layer.output_shape[1:] for layer in reference.layers]
    else:
        assert [list(row.main_shape) for row in rows] == [list(layer.output_shape) for layer in reference.layers]


@pytest.mark.parametrize("path", shape_cases("keras"), ids=lambda p: p.stem)
def test_case_agrees_with_keras(path: Path) -> None:
    pytest.importorskip("keras")
    from tests.differential.keras_reference import build

    agree(path, build(yaml.safe_load(path.read_text())), ours_without_batch=False)


@pytest.mark.parametrize("path", shape_cases("pytorch"), ids=lambda p: p.stem)
def test_case_agrees_with_torch(path: Path) -> None:
    pytest.importorskip("torch")
    from tests.differential.torch_reference import build

    agree(path, build(yaml.safe_load(path.read_text())), ours_without_batch=True)
