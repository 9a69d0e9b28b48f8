"""specs/resnet50.yaml against the model keras.applications.ResNet50 itself builds, row for row.

The differential harness checks the file against a Keras build of the same
file; this checks that the file *is* ResNet-50: the same layer names, types,
order, output shapes, parameter counts and "Connected to" as
`keras.applications.ResNet50(weights=None)` (no download: random weights).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")
keras = pytest.importorskip("keras")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from shapecalc.render.summary import connected_text  # noqa: E402
from tests.differential.keras_reference import _connections, shape_of  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def test_resnet50_spec_is_keras_applications_resnet50() -> None:
    keras.utils.clear_session()
    model = keras.applications.ResNet50(weights=None)
    relevant = [node for nodes in model._nodes_by_depth.values() for node in nodes]
    theirs = [(layer.name, type(layer).__name__, shape_of(layer.output), layer.count_params(),
               _connections(layer, relevant)) for layer in model._operations]
    analysis = analyze_path(str(ROOT / "specs/resnet50.yaml")).analysis
    assert analysis is not None
    ours = [(row.name, row.type, list(row.main_shape), row.params.total, connected_text(row)) for row in analysis.rows]
    assert ours == theirs
    assert analysis.model == model.name
    non_trainable = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    assert (analysis.totals.total, analysis.totals.non_trainable) == (model.count_params(), non_trainable)
    assert (model.count_params(), non_trainable) == (25_636_712, 53_120)


def test_resnet50_generator_writes_the_shipped_file() -> None:
    import runpy

    generated = runpy.run_path(str(ROOT / "specs/tools/resnet50.py"))["resnet50"]()
    assert generated == (ROOT / "specs/resnet50.yaml").read_text()
