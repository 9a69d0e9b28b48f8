"""Elementwise operations between tensors of different shapes, each row checked against shapecalc and torch.

The formula table feeds one shape to every input; broadcasting needs rows
whose inputs differ, so they live here: a type, its arguments, the input
shapes, and the broadcast result (or SC103 where torch refuses).
"""

from __future__ import annotations

import pytest

from shapecalc.layers.base import Why
from shapecalc.layers.registry import lookup
from shapecalc.shapes import ShapeError

ROWS = [  # (id, type, args, inputs, output or "SC103")
    ("mul-se-scale", "Mul", {}, [(2, 16, 8, 8), (2, 16, 1, 1)], (2, 16, 8, 8)),
    ("mul-layer-scale", "Mul", {}, [(96, 1, 1), (2, 96, 7, 7)], (2, 96, 7, 7)),
    ("add-three", "Add", {}, [(2, 1, 4), (3, 1), (4,)], (2, 3, 4)),
    ("add-alpha", "Add", {"alpha": 2}, [(2, 3), (3,)], (2, 3)),
    ("sub-rank-grows", "Sub", {}, [(4,), (2, 3, 4)], (2, 3, 4)),
    ("div-scores", "Div", {}, [(2, 12, 5, 5), (1,)], (2, 12, 5, 5)),
    ("maximum", "Maximum", {}, [(2, 1, 5), (3, 1)], (2, 3, 5)),
    ("minimum", "Minimum", {}, [(5,), (2, 5)], (2, 5)),
    ("pow-tensor", "Pow", {}, [(2, 3), (3,)], (2, 3)),
    ("lt-positions", "Lt", {}, [(5, 1), (1, 5)], (5, 5)),
    ("eq", "Eq", {}, [(2, 3), (2, 1)], (2, 3)),
    ("where-three", "Where", {}, [(1, 1, 4, 4), (2, 3, 4, 4), (1,)], (2, 3, 4, 4)),
    ("where-number", "Where", {"other": -1.0}, [(2, 1), (1, 3)], (2, 3)),
    ("masked-fill-causal", "MaskedFill", {"value": -1.0}, [(2, 12, 5, 5), (5, 5)], (2, 12, 5, 5)),
    ("masked-fill-grows", "MaskedFill", {"value": 0.0}, [(5,), (3, 5)], (3, 5)),
    ("mul-mismatch", "Mul", {}, [(2, 16, 8, 8), (2, 16, 8, 7)], "SC103"),
    ("add-mismatch", "Add", {}, [(3, 4), (4, 3)], "SC103"),
    ("maximum-mismatch", "Maximum", {}, [(3,), (4,)], "SC103"),
    ("where-mismatch", "Where", {}, [(3,), (4,), (3,)], "SC103"),
    ("masked-fill-mismatch", "MaskedFill", {"value": 0.0}, [(2, 5), (4,)], "SC103"),
]


def ours(type_name: str, args: dict, inputs: list) -> tuple | str:
    cls = lookup("pytorch", type_name)
    assert cls is not None
    try:
        return cls.build(dict(args)).output_shape(inputs, Why())
    except ShapeError as error:
        return error.code


@pytest.mark.parametrize(("type_name", "args", "inputs", "output"), [row[1:] for row in ROWS], ids=[r[0] for r in ROWS])
def test_shapecalc(type_name, args, inputs, output) -> None:
    assert ours(type_name, args, inputs) == output


@pytest.mark.parametrize(("type_name", "args", "inputs", "output"), [row[1:] for row in ROWS], ids=[r[0] for r in ROWS])
def test_torch_agrees(type_name, args, inputs, output) -> None:
    torch = pytest.importorskip("torch")
    from tests.differential.torch_ops import function_modules

    module = function_modules(torch)[type_name](**args)
    try:
        result = tuple(module(*(torch.zeros(shape) for shape in inputs)).shape)
    except RuntimeError:
        result = "SC103"
    assert result == output


def test_one_tensor_without_a_number_is_refused() -> None:
    assert ours("Mul", {}, [(2, 3)]) == "SC102"


def test_a_tensor_and_a_number_together_are_refused() -> None:
    assert ours("Mul", {"other": 2.0}, [(2, 3), (2, 3)]) == "SC102"


@pytest.mark.parametrize("index", ["[..., 0, ...]", "[x]", "[1:n]", "[0.5]"])
def test_index_text_shapecalc_cannot_read_is_refused_at_the_argument(index: str) -> None:
    from shapecalc.arguments.types import ArgumentError

    cls = lookup("pytorch", "Index")
    with pytest.raises(ArgumentError) as caught:
        cls.build({"index": index})
    assert caught.value.argument == "index"
