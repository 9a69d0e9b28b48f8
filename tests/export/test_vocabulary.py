"""Every layer type of the registry is written by export as the framework's own class or function, or refused
with its reason: none falls through to code that names something the framework lacks.

PyTorch: a module family's class must be `torch.nn.<Class>`; a tensor function is one export writes in
forward() (FORWARD_FUNCTIONS), and each of those is exported and run by tests/export/test_export.py in at
least one shipped spec or differential case; the rest are refused by name (REFUSED). Keras: every class is
`keras.layers.<Class>`, a graph operation `keras.src.ops.numpy.<Class>`, or one of Keras's own classes from
elsewhere (KERAS_OWN), each looked up in the installed Keras.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

pytest.importorskip("torch")
keras = pytest.importorskip("keras")

from shapecalc.export.keras_code import KERAS_OWN, OPERATIONS_MODULE  # noqa: E402
from shapecalc.export.torch_code import FORWARD_FUNCTIONS, MODULE_FAMILIES, REFUSED  # noqa: E402
from shapecalc.layers.registry import KERAS, PYTORCH, lookup  # noqa: E402
from tests.export.test_export import REFUSED as REFUSED_FILES  # noqa: E402
from tests.export.test_export import ROOT, clean, model_files  # noqa: E402

SHARED = "Reuse"  # a second call of a layer, not a class


def torch_kinds() -> dict[str, str]:
    """Class name -> its registry module (`torch.conv`), for every PyTorch type."""
    found = {}
    for name in PYTORCH:
        cls = lookup("pytorch", name)
        assert cls is not None, name
        found[cls.__name__] = cls.__module__.removeprefix("shapecalc.layers.")
    return found


@pytest.mark.parametrize("kind", sorted(torch_kinds()))
def test_every_torch_type_is_written_or_refused(kind: str) -> None:
    import torch

    family = torch_kinds()[kind]
    if kind == SHARED:
        return
    if family in MODULE_FAMILIES and kind not in REFUSED:
        assert hasattr(torch.nn, kind), f"export writes nn.{kind}, which torch lacks"
        return
    assert kind in FORWARD_FUNCTIONS or kind in REFUSED, f"{kind} ({family}) is neither written nor refused"


def test_every_function_export_writes_is_exported_and_run() -> None:
    """Each kind in FORWARD_FUNCTIONS appears in a file test_export exports and runs."""
    from shapecalc.export.program import read_program

    exported: set[str] = set()
    for path in model_files("pytorch"):
        if str(path.relative_to(ROOT)) in REFUSED_FILES or not clean(path):
            continue
        exported |= {type(layer.layer).__name__ for layer in read_program(str(path)).layers.values()}
    assert set(FORWARD_FUNCTIONS) - exported == set()


@pytest.mark.parametrize("name", sorted(KERAS))
def test_every_keras_type_names_a_class_keras_has(name: str) -> None:
    cls = lookup("keras", name)
    assert cls is not None
    if name == SHARED:
        return
    if name.startswith("ops."):
        assert hasattr(importlib.import_module(OPERATIONS_MODULE), cls.type_name()), name
    elif cls.__name__ in KERAS_OWN:
        assert hasattr(importlib.import_module(KERAS_OWN[cls.__name__]), cls.__name__)
    else:  # written under the name the file uses (an alias such as MaxPool2D is Keras's too)
        assert hasattr(keras.layers, name), f"export writes keras.layers.{name}, which Keras lacks"


def test_the_refusal_table_names_files_that_exist() -> None:
    assert all((ROOT / Path(path)).is_file() for path in REFUSED_FILES)
