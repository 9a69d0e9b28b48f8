"""The Keras layer formula table (formulas.yaml), checked against shapecalc and against Keras itself.

Each row is one rule or corner of one layer type: its input shape (or
`inputs:`, several shapes, for a layer called on a list) and either the
output shape and parameter count (worked arithmetic in the row's comment)
or the diagnostic code of a refusal. The same row runs twice: once through
shapecalc's layer class, made from the row's entry by the file reader as a
model file's entry is, and once as a real Keras 3 layer called on
`keras.Input` tensors, so the table cannot drift from what Keras does.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

from shapecalc.layers.base import Layer, Why
from shapecalc.model import InvalidModel
from shapecalc.reading import parse_text
from shapecalc.shapes import ShapeError
from shapecalc.validate import load_model

ROWS: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "formulas.yaml").read_text())
IDS = [row["id"] for row in ROWS]


def given(row: dict[str, Any]) -> list[tuple]:
    """The row's input shapes, batch first: its one `input:` or its list of `inputs:`."""
    return [tuple(shape) for shape in row["inputs"]] if "inputs" in row else [tuple(row["input"])]


def expected(row: dict[str, Any]) -> tuple[str, Any]:
    """("ok", (output, [trainable, non-trainable])) or ("error", code); a bare params count is all trainable."""
    if "error" in row:
        return "error", row["error"]
    params = row["params"]
    return "ok", (row["output"], params if isinstance(params, list) else [params, 0])


def as_lists(shape: Any) -> list:
    return [list(s) for s in shape] if isinstance(shape, list) else list(shape)


def shapecalc_layer(row: dict[str, Any]) -> Layer:
    """The layer class made from the row's entry as the reader makes a model file's (wrapped entries too)."""
    text = yaml.safe_dump({"input": [1], "layers": [{row["type"]: row["args"]}]})
    return load_model(parse_text(text, f"{row['id']}.yaml")).layers[0].layer


def shapecalc_result(row: dict[str, Any], why: Why) -> tuple[str, Any]:
    try:
        layer = shapecalc_layer(row)
    except InvalidModel as error:
        return "error", error.diagnostics[0].code
    inputs = given(row)
    cls = type(layer)
    if len(inputs) < cls.min_inputs or (cls.max_inputs is not None and len(inputs) > cls.max_inputs):
        return "error", "SC102"  # the engine's arity check, before it calls the layer
    try:
        shape = layer.output_shape(inputs, why)
        params = layer.params(inputs, why)
    except ShapeError as error:
        return "error", error.code
    return "ok", (as_lists(shape), [params.trainable, params.non_trainable])


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_shapecalc(row: dict[str, Any]) -> None:
    why = Why(sources=[f"source_{i}" for i in range(len(given(row)))])
    assert shapecalc_result(row, why) == expected(row)
    if "explains" in row:  # one step of the working `explain` prints
        assert row["explains"] in why.steps
    if "steps" in row:  # all of it
        assert why.steps == row["steps"]


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_keras_agrees(row: dict[str, Any]) -> None:
    pytest.importorskip("torch")
    from tests.differential.keras_reference import call_layer, make_layer, shape_of  # noqa: I001 (sets KERAS_BACKEND)

    keras = pytest.importorskip("keras")
    sources = [keras.Input(shape[1:], batch_size=shape[0]) for shape in given(row)]
    stage = "made"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layer = make_layer(keras, row["type"], row["args"])
            stage = "called"
            output = call_layer(keras, layer, sources)
    except Exception as error:  # Keras refused
        assert "error" in row and "keras_gives" not in row, (
            f"Keras refused a row the table accepts: {type(error).__name__}: {error}")
        assert stage == refusing_stage(row), f"Keras refused when the layer was {stage}: {error}"
        return
    shape = shape_of(output)
    if "keras_gives" in row:  # the deliberate difference: an empty axis in Keras, SC101 in shapecalc
        assert shape == row["keras_gives"] and 0 in shape
        return
    assert "error" not in row, f"Keras accepted a row the table refuses, giving {shape}"
    weights = [sum(size(w) for w in getattr(layer, kind, [])) for kind in ("trainable_weights", "non_trainable_weights")]
    assert ("ok", (shape, weights)) == expected(row)


def refusing_stage(row: dict[str, Any]) -> str:
    """Where Keras must refuse: arguments (SC003, SC004) when the layer is made, shapes when it is called,
    unless the row says `keras_refuses: called` (Keras checks those arguments only when it makes the weights)."""
    return row.get("keras_refuses", "made" if row["error"] in ("SC003", "SC004") else "called")


def size(weight: Any) -> int:
    total = 1
    for dim in weight.shape:
        total *= dim
    return total
