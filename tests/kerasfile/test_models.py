"""Small Keras models (models.py), saved by Keras with `to_json()` and as `.keras`, read by shapecalc,
compared with Keras's summary row by row: the features keras.applications leaves out."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")
keras = pytest.importorskip("keras")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from tests.kerasfile.keras_rows import our_rows, summary_rows  # noqa: E402
from tests.kerasfile.models import MODELS  # noqa: E402


@pytest.mark.parametrize("saved_as", ["json", "keras"])
@pytest.mark.parametrize("make", MODELS, ids=lambda make: make.__name__)
def test_saved_model_reads_as_keras_summarizes(make, saved_as: str, tmp_path: Path) -> None:
    keras.utils.clear_session()
    model = make(keras)
    path = tmp_path / f"model.{saved_as}"
    if saved_as == "json":
        path.write_text(model.to_json())
    else:
        model.save(path)
    outcome = analyze_path(str(path))
    assert outcome.analysis is not None, [d.message for d in outcome.diagnostics]
    assert [d for d in outcome.diagnostics if d.severity.value == "error"] == []
    ours, theirs = our_rows(outcome.analysis), summary_rows(model)
    for mine, keras_row in zip(ours[0], theirs[0], strict=True):
        assert mine == keras_row
    assert ours[1:] == theirs[1:]
    assert outcome.analysis.model == model.name
