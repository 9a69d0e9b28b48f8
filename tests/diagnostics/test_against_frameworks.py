"""The diagnostic cases tell the truth about Keras: shape errors are models Keras refuses, the rest build.

SC1xx shape errors (except SC104, our own `expect`) must be models that real
Keras 3 refuses at the same layer; warnings, information and clean cases must
build in Keras with the output shape shapecalc computed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytest.importorskip("keras")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from tests.diagnostics.expectations import read_expectations  # noqa: E402
from tests.diagnostics.test_cases import case_files  # noqa: E402
from tests.differential.keras_reference import build  # noqa: E402

REFUSED = {"SC101", "SC102", "SC103"}


def shape_cases() -> list[Path]:
    """Cases that are valid model files (no SC0xx) for Keras."""
    return [path for path in case_files()
            if not any(code.startswith("SC0") for _, code, _, _ in read_expectations(path))
            and (yaml.safe_load(path.read_text()) or {}).get("framework", "keras") == "keras"]


@pytest.mark.parametrize("path", shape_cases(), ids=lambda p: p.stem)
def test_case_agrees_with_keras(path: Path) -> None:
    expected_codes = {code for _, code, _, _ in read_expectations(path)}
    reference = build(yaml.safe_load(path.read_text()))
    if expected_codes & REFUSED:
        assert reference.failed_index is not None, "shapecalc reports a shape error but Keras builds the model"
        return
    assert reference.failed_index is None, f"Keras refuses the model: {reference.error}"
    analysis = analyze_path(str(path)).analysis
    assert analysis is not None
    assert [list(row.main_shape) for row in analysis.rows] == [list(layer.output_shape) for layer in reference.layers]
