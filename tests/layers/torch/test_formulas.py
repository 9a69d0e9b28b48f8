"""The torch.nn formula table (formulas.yaml), checked against shapecalc and against torch itself.

Each row is one rule or corner of one layer type: an input shape and either
the output shape and parameter count (worked arithmetic in the row's
comment) or the diagnostic code of a refusal. The same row runs twice: once
through shapecalc's layer class, once as a real torch.nn module on a zero
tensor, so the table cannot drift from what PyTorch does.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from shapecalc.arguments.types import ArgumentError
from shapecalc.layers.base import Why
from shapecalc.layers.registry import PYTORCH, lookup
from shapecalc.shapes import ShapeError

ROWS: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "formulas.yaml").read_text())
CASES = Path(__file__).resolve().parents[2] / "differential" / "cases" / "pytorch"


def copies(row: dict[str, Any]) -> int:
    """A layer that needs several inputs gets the row's input that many times."""
    cls = lookup("pytorch", row["type"])
    return max(cls.min_inputs, 1) if cls is not None else 1


def shapecalc_result(row: dict[str, Any]) -> tuple[str, Any]:
    """("ok", (shape, params)) or ("error", code) as shapecalc computes the row."""
    cls = lookup("pytorch", row["type"])
    assert cls is not None, row["type"]
    try:
        layer = cls.build(dict(row["args"]))
    except (ValidationError, ArgumentError):
        return "error", "SC004"
    why = Why()
    inputs = [tuple(row["input"])] * copies(row)
    try:
        shape = layer.output_shape(inputs, why)
        params = layer.params(inputs, why)
    except ShapeError as error:
        return "error", error.code
    shown = [list(each) for each in shape] if isinstance(shape, list) else list(shape)  # several outputs: a list
    return "ok", (shown, params.total)


@pytest.mark.parametrize("row", ROWS, ids=[row["id"] for row in ROWS])
def test_shapecalc(row: dict[str, Any]) -> None:
    kind, value = shapecalc_result(row)
    if "error" in row:
        assert (kind, value) == ("error", row["error"])
    else:
        assert (kind, value) == ("ok", (row["output"], row["params"]))


@pytest.fixture
def table_batch() -> Any:
    """A null size in an argument (View's shape) stands for the batch, which is 2 in this table's forward passes."""
    from tests.differential.torch_ops import RUN_BATCH

    saved, RUN_BATCH[0] = RUN_BATCH[0], 2
    yield
    RUN_BATCH[0] = saved


@pytest.mark.usefixtures("table_batch")
@pytest.mark.parametrize("row", ROWS, ids=[row["id"] for row in ROWS])
def test_torch_agrees(row: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    from tests.differential.torch_reference import all_tensors, call, make_module

    args = dict(row["args"])
    if row["type"] == "Identity":
        args = {}
    source = torch.zeros([2 if d is None else d for d in row["input"]])  # an unknown batch: any size
    try:
        module, forward_args = make_module(torch, row["type"], args)
        module.eval()
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            produced = all_tensors(call(torch, module, row["type"], [source] * copies(row), forward_args))
    except Exception as error:  # torch refused
        assert "error" in row, f"torch refused a row the table accepts: {type(error).__name__}: {error}"
        return
    got = [list(tensor.shape) for tensor in produced]
    assert "error" not in row, f"torch accepted a row the table refuses, giving {got}"
    several = bool(row["output"]) and isinstance(row["output"][0], list)  # every tensor forward returns, nested tuples flattened
    expected = row["output"] if several else [row["output"]]
    got = got if several else got[:1]
    assert len(got) == len(expected), got
    for shape, wanted in zip(got, expected, strict=True):
        assert len(shape) == len(wanted) and all(e is None or e == g for e, g in zip(wanted, shape, strict=True)), got
    assert sum(p.numel() for p in module.parameters()) == row["params"]


def test_every_type_is_covered() -> None:
    """Every registered torch.nn type has a table row or appears in a differential case."""
    in_table = {row["type"] for row in ROWS}
    cases = " ".join(path.read_text() for path in CASES.glob("*.yaml"))
    missing = [name for name in PYTORCH if name not in in_table and f"{name}:" not in cases
               and f"- {name}\n" not in cases]
    assert missing == []


def test_every_type_documents_its_rule() -> None:
    for name in PYTORCH:
        cls = lookup("pytorch", name)
        assert cls is not None and (cls.__doc__ or "").strip(), name
        assert cls.framework == "pytorch" or name == "Reuse", name  # Reuse is a graph entry both files share
