"""Shipped specs against the models keras.applications itself builds, row for row.

The differential harness checks each file against a Keras build of the same
file; this checks that the file *is* the published model: the same layer
names, types, order, output shapes, parameter counts and "Connected to" as
`keras.applications.X(weights=None)` (no download: random weights), and the
totals its header comment states.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

pytest.importorskip("torch")
keras = pytest.importorskip("keras")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from shapecalc.commands.summarize import keras_view  # noqa: E402
from shapecalc.render.summary import connected_text  # noqa: E402
from tests.differential.keras_applications import keras_rows, weight_count  # noqa: E402
from tests.differential.test_keras import assert_golden_prints_like_keras  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

# spec, keras.applications constructor, (total, non-trainable) as Keras 3.15.1 counts them,
# generator script and the argument that writes the spec (None: written by hand)
SPECS = [
    ("resnet50.yaml", "ResNet50", (25_636_712, 53_120), None, None),  # written with blocks, by hand
    ("mobilenet_v3_small.yaml", "MobileNetV3Small", (2_554_968, 12_112), "mobilenet_v3.py", "small"),
    ("mobilenet_v3_large.yaml", "MobileNetV3Large", (5_507_432, 24_400), "mobilenet_v3.py", "large"),
    ("convnext_tiny.yaml", "ConvNeXtTiny", (28_589_128, 0), None, None),  # blocks and nested Sequential models
]


@pytest.mark.parametrize(("spec", "constructor", "figures"), [row[:3] for row in SPECS], ids=[row[1] for row in SPECS])
def test_spec_is_keras_applications_model(spec: str, constructor: str, figures: tuple[int, int]) -> None:
    keras.utils.clear_session()
    model = getattr(keras.applications, constructor)(weights=None)
    analysis = analyze_path(str(ROOT / "specs" / spec)).analysis
    assert analysis is not None
    shown = keras_view(analysis, expand=False)  # a nested model (ConvNeXt's stem) is one row, as Keras prints it
    ours = [(row.name, row.type, list(row.main_shape), row.params.total, connected_text(row)) for row in shown.rows]
    assert ours == keras_rows(model)
    assert [(row.params.trainable, row.params.non_trainable) for row in shown.rows] == [
        (weight_count(getattr(layer, "trainable_weights", [])), weight_count(getattr(layer, "non_trainable_weights", [])))
        for layer in model._operations]
    assert_golden_prints_like_keras(ROOT / "specs" / spec, model, connected_column=True)
    assert analysis.model == model.name
    non_trainable = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    assert (analysis.totals.total, analysis.totals.non_trainable) == (model.count_params(), non_trainable) == figures
    header = (ROOT / "specs" / spec).read_text().split("\nmodel:")[0]
    assert f"{figures[0]:,}" in header and f"{figures[1]:,}" in header


GENERATED = [row for row in SPECS if row[3] is not None]


@pytest.mark.parametrize(("spec", "script", "argument"), [(row[0], *row[3:]) for row in GENERATED],
                         ids=[row[1] for row in GENERATED])
def test_generator_writes_the_shipped_file(spec: str, script: str, argument: str) -> None:
    namespace = runpy.run_path(str(ROOT / "specs/tools" / script))
    generated = namespace["mobilenet_v3"](argument)
    assert generated == (ROOT / "specs" / spec).read_text()
