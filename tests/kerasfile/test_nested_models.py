"""Keras files holding models used as layers (kerasfile/nested.py), read as Keras summarizes them.

ConvNeXt saves its stem and downsampling blocks as keras.Sequential models
inside the model and its LayerScale from keras.applications' own module:
its `to_json()` and a `.keras` archive of the same config must give Keras's
rows (each nested model one row) and totals. The layers of a nested
Sequential keep their own `trainable` flags, as Keras loads them; a nested
functional model is not read yet and is reported where it is written.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("torch")
keras = pytest.importorskip("keras")

from shapecalc.blocks.nested import keras_view  # noqa: E402
from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from tests.kerasfile.keras_rows import our_rows, summary_rows  # noqa: E402


@pytest.fixture(scope="module")
def convnext_tiny():
    keras.utils.clear_session()
    return keras.applications.ConvNeXtTiny(weights=None)


def written(model, tmp_path: Path, form: str) -> Path:
    """The model's config as `to_json()` text, or as the config.json of a `.keras` archive."""
    if form == "json":
        path = tmp_path / f"{model.name}.json"
        path.write_text(model.to_json())
        return path
    path = tmp_path / f"{model.name}.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", model.to_json())
        archive.writestr("metadata.json", json.dumps({"keras_version": keras.__version__}))
    return path


def assert_reads_as_keras(path: Path, model) -> None:
    outcome = analyze_path(str(path))
    assert outcome.analysis is not None, [d.message for d in outcome.diagnostics]
    assert [d.message for d in outcome.diagnostics if d.severity.value == "error"] == []
    ours, theirs = our_rows(keras_view(outcome.analysis, expand=False, indent=False)), summary_rows(model)
    assert ours[1:] == theirs[1:]  # "Connected to" shown or not, and the totals
    for mine, keras_row in zip(ours[0], theirs[0], strict=True):
        assert mine == keras_row


@pytest.mark.parametrize("form", ["json", "keras"])
def test_convnext_reads_row_for_row(convnext_tiny, form: str, tmp_path: Path) -> None:
    assert_reads_as_keras(written(convnext_tiny, tmp_path, form), convnext_tiny)
    assert summary_rows(convnext_tiny)[2][0] == 28_589_128


def test_a_frozen_nested_sequential_freezes_its_layers(tmp_path: Path) -> None:
    keras.utils.clear_session()
    layers = keras.layers
    x = keras.Input((8, 8, 3), name="x")
    head = keras.Sequential([layers.Conv2D(4, 3, name="conv"), layers.BatchNormalization(name="bn"),
                             keras.Sequential([layers.Dense(2, name="deep")], name="inner")], name="head")
    head.trainable = False
    model = keras.Model(x, layers.Flatten(name="flat")(head(x)), name="outer")
    assert_reads_as_keras(written(model, tmp_path, "json"), model)
    assert summary_rows(model)[2] == (4 * 27 + 4 + 4 * 4 + 4 * 2 + 2, 0, 4 * 27 + 4 + 4 * 4 + 4 * 2 + 2)


def test_a_nested_sequentials_layers_keep_their_own_flags(tmp_path: Path) -> None:
    """Keras writes every layer of a frozen model frozen; a config whose model says `trainable: false` but
    whose layers say true loads with those layers trainable: what keras.models.model_from_json makes of it
    (conv 4*27 + 4 and BatchNormalization's gamma and beta trainable, its moving mean and variance not)."""
    keras.utils.clear_session()
    layers = keras.layers
    x = keras.Input((8, 8, 3), name="x")
    head = keras.Sequential([layers.Conv2D(4, 3, name="conv"), layers.BatchNormalization(name="bn")], name="head")
    head.trainable = False
    config = json.loads(keras.Model(x, layers.Flatten(name="flat")(head(x)), name="outer").to_json())
    for layer in config["config"]["layers"][1]["config"]["layers"]:
        layer["config"]["trainable"] = True
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(config))
    keras.utils.clear_session()
    loaded = keras.models.model_from_json(path.read_text())
    assert summary_rows(loaded)[2] == (4 * 27 + 4 + 4 * 4, 4 * 27 + 4 + 2 * 4, 2 * 4)
    assert_reads_as_keras(path, loaded)


def test_a_nested_functional_model_is_reported_where_it_is_written(tmp_path: Path) -> None:
    keras.utils.clear_session()
    layers = keras.layers
    inner_in = keras.Input((16,), name="inner_in")
    inner = keras.Model(inner_in, layers.Dense(4, name="d")(inner_in), name="inner")
    x = keras.Input((16,), name="x")
    model = keras.Model(x, inner(x), name="outer")
    path = written(model, tmp_path, "json")
    outcome = analyze_path(str(path))
    assert outcome.exit_code() == 2
    (problem,) = [d for d in outcome.diagnostics if d.code == "SC002"]
    assert "Functional 'inner' is a model nested as a layer" in problem.message
    text = path.read_text()
    assert (problem.line, problem.column) == (1, text.index('"class_name": "Functional", "config": {"name": "inner"') + 1)
