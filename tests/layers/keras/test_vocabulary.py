"""The Keras vocabulary around the formula table: aliases, scalar forms, operation names, and coverage.

Every registered Keras type must have a row in formulas.yaml (an alias: its
class must), and the families below must also appear in a differential case
under tests/differential/cases/keras, which builds whole model files in Keras.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from shapecalc.layers.registry import KERAS, lookup

TABLE = Path(__file__).parent / "formulas.yaml"
CASES = Path(__file__).resolve().parents[2] / "differential" / "cases" / "keras"


@pytest.mark.parametrize(
    "alias, name",
    [
        ("Convolution2DTranspose", "Conv2DTranspose"),
        ("SeparableConvolution1D", "SeparableConv1D"),
        ("GlobalAvgPool3D", "GlobalAveragePooling3D"),
        ("GlobalMaxPool1D", "GlobalMaxPooling1D"),
        ("MaxPool2D", "MaxPooling2D"),
        ("AvgPool3D", "AveragePooling3D"),
        ("Convolution1D", "Conv1D"),
    ],
)
def test_aliases_are_the_same_class(alias, name) -> None:
    assert lookup("keras", alias) is lookup("keras", name)


@pytest.mark.parametrize(
    "type_name, primary",
    [
        ("ZeroPadding1D", "padding"),
        ("ZeroPadding2D", "padding"),
        ("ZeroPadding3D", "padding"),
        ("Cropping1D", "cropping"),
        ("Cropping2D", "cropping"),
        ("Cropping3D", "cropping"),
    ],
)
def test_scalar_form_fills_the_amount(type_name, primary) -> None:
    assert lookup("keras", type_name).primary == primary


@pytest.mark.parametrize(("type_name", "shown", "prefix"), [
    ("ops.add", "Add", "add"), ("ops.true_divide", "TrueDivide", "true_divide"),
    ("ops.floor_divide", "FloorDivide", "floor_divide"), ("ops.abs", "Absolute", "absolute"),
])
def test_shown_as_keras_names_the_operation(type_name: str, shown: str, prefix: str) -> None:
    """The summary's type is keras.src.ops.numpy's class name; the auto name its snake case."""
    cls = lookup("keras", type_name)
    assert cls is not None and cls.type_name() == shown and cls.name_prefix() == prefix and cls.graph_only


# Entries that are not a layer called on a tensor: a call of an earlier layer, a nested model's Input
# (checked against Keras in tests/blocks: test_nested_models.py and the functional_* cases)
IN_A_MODEL_ONLY = ("Reuse", "Input", "InputLayer")


def test_every_type_has_a_table_row() -> None:
    """A row of its own (also as a wrapped entry); an alias (`module:Class`) may share its class's rows."""
    text = TABLE.read_text()
    written = {row["type"] for row in yaml.safe_load(text)} | {name for name in KERAS if f"{{{name}:" in text}
    covered = {lookup("keras", name) for name in written}
    missing = [name for name, target in KERAS.items() if name not in written and name not in IN_A_MODEL_ONLY
               and not (":" in target and lookup("keras", name) in covered)]
    assert missing == []


def family(*modules: str) -> list[str]:
    return [name for name, target in KERAS.items() if target.partition(":")[0] in modules]


def test_core_families_are_model_entries_in_differential_cases() -> None:
    written: set[str] = set()
    for path in CASES.glob("*.yaml"):
        for entry in (yaml.safe_load(path.read_text()) or {}).get("layers", []):
            written.add(entry if isinstance(entry, str) else entry.get("type") or next(iter(entry)))
    core = family("keras.core", "keras.activations", "keras.regularization", "keras.normalization",
                  "keras.embedding", "keras.preprocessing")
    assert sorted(set(core) - written) == []


def test_sequence_families_appear_in_differential_cases() -> None:
    text = "\n".join(path.read_text() for path in CASES.glob("*.yaml"))
    assert [name for name in family("keras.recurrent", "keras.wrappers", "keras.attention")
            if f"{name}:" not in text] == []
