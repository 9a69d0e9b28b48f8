"""A file that mixes the two vocabularies gets the other framework's name for the same layer as its hint."""

from __future__ import annotations

import pytest

from shapecalc.layers.registry import COUNTERPARTS, KERAS, PYTORCH, suggest

HINTS = [
    ("pytorch", "Dense", "Linear"),
    ("pytorch", "Conv2D", "Conv2d"),
    ("pytorch", "MaxPooling2D", "MaxPool2d"),
    ("pytorch", "UpSampling2D", "Upsample"),
    ("pytorch", "BatchNormalization", "BatchNorm2d"),
    ("pytorch", "MultiHeadAttention", "MultiheadAttention"),
    ("keras", "Linear", "Dense"),
    ("keras", "Upsample", "UpSampling2D"),
    ("keras", "MaxPool2d", "MaxPool2D"),
    ("keras", "Conv2d", "Conv2D"),
]


@pytest.mark.parametrize(("framework", "written", "hint"), HINTS, ids=[f"{f}-{w}" for f, w, _ in HINTS])
def test_hint(framework: str, written: str, hint: str) -> None:
    assert suggest(framework, written) == hint


def test_counterparts_name_real_types() -> None:
    tables = {"keras": KERAS, "pytorch": PYTORCH}
    for framework, pairs in COUNTERPARTS.items():
        assert all(name in tables[framework] for name in pairs.values()), framework


MIXED = [
    ("input: [3, 8, 8]\nlayers:\n  - Conv2d: {in_channels: 3, out_channels: 4, kernel_size: 3}\n",
     "is `framework: pytorch` missing?"),
    ("framework: pytorch\ninput: [3, 8, 8]\nlayers:\n  - Conv2D: {filters: 4, kernel_size: 3}\n",
     "Conv2D is a Keras name"),
]


@pytest.mark.parametrize(("text", "fragment"), MIXED, ids=["torch-name-in-keras-file", "keras-name-in-torch-file"])
def test_other_framework_named(tmp_path, text: str, fragment: str) -> None:
    from shapecalc.commands.pipeline import analyze_path

    path = tmp_path / "model.yaml"
    path.write_text(text)
    outcome = analyze_path(str(path))
    assert outcome.exit_code() == 2
    assert [(d.code, d.line, fragment in d.message) for d in outcome.diagnostics] == [("SC002", 4 if "framework" in text else 3, True)]
