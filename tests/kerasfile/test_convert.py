"""`shapecalc convert`: a Keras file written as our YAML summarizes exactly as the Keras file does.

The Keras files are the ones Keras itself writes for keras.applications
models and the small models of models.py; the comparison is the whole
`summarize --format json` document (layers, totals, diagnostics less their
positions, which point into different files).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

pytest.importorskip("torch")
keras = pytest.importorskip("keras")

from shapecalc.cli import app  # noqa: E402
from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from shapecalc.render.json import document  # noqa: E402
from tests.kerasfile.models import MODELS  # noqa: E402
from tests.kerasfile.test_applications import QUICK  # noqa: E402


def summary(path: Path) -> dict:
    outcome = analyze_path(str(path))
    assert outcome.analysis is not None, [d.message for d in outcome.diagnostics]
    found = document(outcome.analysis)
    found["diagnostics"] = [{k: v for k, v in d.items() if k not in ("line", "column")} for d in found["diagnostics"]]
    return found


def converted(model, tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "model.keras.json"
    source.write_text(model.to_json())
    target = tmp_path / "model.yaml"
    result = CliRunner().invoke(app, ["convert", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return source, target


def body_of(target: Path) -> list[str]:
    """The converted file's lines after its comment header."""
    return [line for line in target.read_text().splitlines() if not line.startswith("#")]


@pytest.mark.parametrize("make", MODELS, ids=lambda make: make.__name__)
def test_small_models_convert_to_yaml_that_summarizes_identically(make, tmp_path: Path) -> None:
    keras.utils.clear_session()
    source, target = converted(make(keras), tmp_path)
    assert summary(target) == summary(source)


@pytest.mark.parametrize("name", QUICK[:4])
def test_applications_convert_to_yaml_that_summarizes_identically(name: str, tmp_path: Path) -> None:
    keras.utils.clear_session()
    source, target = converted(getattr(keras.applications, name)(weights=None), tmp_path)
    assert summary(target) == summary(source)
    text = target.read_text()
    assert text.startswith(f"# Converted by shapecalc convert from {source.name}: Keras 3 Functional model")
    assert yaml.safe_load(text) is not None  # any YAML reader takes it (PyYAML: YAML 1.1)
    assert "strides: [1, 1]" not in text and "use_bias: true" not in text and "channels_last" not in text


def test_convert_is_readable_flow_style(tmp_path: Path) -> None:
    keras.utils.clear_session()
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3, strides=(2, 2), name="conv"),
                              keras.layers.BatchNormalization(epsilon=1e-5), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax", name="logits")], name="small")
    _, target = converted(model, tmp_path)
    assert body_of(target) == [
        "model: small",
        "framework: keras",
        "input: [28, 28, 1]",
        "layers:",
        "  - Conv2D: {name: conv, filters: 8, kernel_size: 3, strides: 2}",
        "  - BatchNormalization: {name: batch_normalization, epsilon: 1.0e-05}",
        "  - Flatten: {name: flatten}",
        "  - Dense: {name: logits, units: 10, activation: softmax}",
    ]


def test_convert_refuses_a_file_it_cannot_read_whole(tmp_path: Path) -> None:
    from tests.kerasfile.hostile_cases import CASES

    case = next(case for case in CASES if case.id == "custom_layer_partial")
    source = case.make(tmp_path)
    target = tmp_path / "out.yaml"
    result = CliRunner().invoke(app, ["convert", str(source), "-o", str(target)])
    assert result.exit_code == 2
    assert "FancyDense" in result.stderr and "not converted" in result.stderr
    assert not target.exists()


def test_convert_refuses_our_own_format(tmp_path: Path) -> None:
    source = tmp_path / "ours.yaml"
    source.write_text("input: [4]\nlayers:\n  - Dense: 3\n")
    result = CliRunner().invoke(app, ["convert", str(source)])
    assert result.exit_code == 2 and "already a shapecalc model file" in result.stderr


def test_a_nested_model_converts_to_a_block_with_its_defaults_left_out(tmp_path: Path) -> None:
    """A Sequential used as a layer is a block whose layers are one line each, written as the top level's
    are (its Dense layers held every default, on one line of 400 characters, before)."""
    keras.utils.clear_session()
    inner = keras.Sequential([keras.layers.Dense(8, name="i1"), keras.layers.Dense(16, name="i2")], name="head")
    x = keras.Input((16,), name="x")
    a = keras.layers.Dense(16, name="a")(x)
    model = keras.Model(x, keras.layers.Add(name="add")([a, inner(a)]), name="outer")
    source, target = converted(model, tmp_path)
    assert body_of(target) == [
        "model: outer",
        "framework: keras",
        "inputs: {x: [16]}",
        "layers:",
        "  - Dense: {name: a, units: 16, inputs: [x]}",
        "  - Sequential:",
        "      name: head",
        "      layers:",
        "        - Dense: {name: i1, units: 8}",
        "        - Dense: {name: i2, units: 16}",
        "  - Add: {name: add, inputs: [a, head]}",
        "outputs: [add]",
    ]
    assert summary(target) == summary(source)
