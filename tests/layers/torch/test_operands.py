"""Operations on several tensors of different shapes (elementwise, products), each row checked against shapecalc and torch.

The formula table feeds one shape to every input; broadcasting and matrix
products need rows whose inputs differ, so they live here: a type, its
arguments, the input shapes, and the result (or the code where torch refuses).
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
    # matmul: 1-D operands get an axis of 1 the result drops; the batch axes broadcast
    ("matmul-dot", "Matmul", {}, [(3,), (3,)], ()),
    ("matmul-dot-mismatch", "Matmul", {}, [(3,), (4,)], "SC102"),
    ("matmul-2d", "Matmul", {}, [(2, 3), (3, 5)], (2, 5)),
    ("matmul-2d-mismatch", "Matmul", {}, [(2, 3), (4, 5)], "SC102"),
    ("matmul-batched-matrix", "Matmul", {}, [(5, 2, 3), (3, 4)], (5, 2, 4)),
    ("matmul-vector-batched", "Matmul", {}, [(3,), (5, 3, 4)], (5, 4)),
    ("matmul-batched-vector", "Matmul", {}, [(5, 2, 3), (3,)], (5, 2)),
    ("matmul-broadcast", "Matmul", {}, [(5, 1, 2, 3), (4, 3, 7)], (5, 4, 2, 7)),
    ("matmul-scores", "Matmul", {}, [(2, 12, 5, 64), (2, 12, 64, 7)], (2, 12, 5, 7)),
    ("matmul-batch-mismatch", "Matmul", {}, [(5, 2, 2, 3), (4, 3, 7)], "SC103"),
    ("matmul-batched-mismatch", "Matmul", {}, [(5, 2, 3), (5, 4, 7)], "SC102"),
    ("matmul-0d", "Matmul", {}, [(), (3,)], "SC102"),
    ("bmm", "Bmm", {}, [(2, 3, 4), (2, 4, 5)], (2, 3, 5)),
    ("bmm-no-broadcast", "Bmm", {}, [(1, 3, 4), (2, 4, 5)], "SC102"),
    ("bmm-inner", "Bmm", {}, [(2, 3, 4), (2, 5, 5)], "SC102"),
    ("bmm-rank", "Bmm", {}, [(3, 4), (4, 5)], "SC102"),
    ("mm", "Mm", {}, [(3, 4), (4, 5)], (3, 5)),
    ("mm-rank", "Mm", {}, [(2, 3, 4), (4, 5)], "SC102"),
    ("einsum-scores", "Einsum", {"equation": "bhqd,bhkd->bhqk"}, [(2, 12, 5, 64), (2, 12, 7, 64)], (2, 12, 5, 7)),
    ("einsum-broadcast-letter", "Einsum", {"equation": "bhqd,bhkd->bhqk"}, [(2, 1, 5, 64), (2, 12, 7, 64)], (2, 12, 5, 7)),
    ("einsum-implicit", "Einsum", {"equation": "ij,jk"}, [(2, 3), (3, 4)], (2, 4)),
    ("einsum-ellipsis", "Einsum", {"equation": "...ij,...jk->...ik"}, [(5, 2, 3), (3, 4)], (5, 2, 4)),
    ("einsum-diagonal", "Einsum", {"equation": "ii->i"}, [(3, 3)], (3,)),
    ("einsum-outer", "Einsum", {"equation": "i,j->ij"}, [(2,), (3,)], (2, 3)),
    ("einsum-mismatch", "Einsum", {"equation": "ij,jk"}, [(2, 3), (4, 4)], "SC102"),
    ("einsum-rank", "Einsum", {"equation": "bi"}, [(2, 3, 4)], "SC102"),
    ("sdpa", "ScaledDotProductAttention", {}, [(2, 12, 5, 64), (2, 12, 7, 64), (2, 12, 7, 32)], (2, 12, 5, 32)),
    ("sdpa-broadcast-key", "ScaledDotProductAttention", {}, [(2, 12, 5, 64), (2, 1, 7, 64), (2, 12, 7, 32)], (2, 12, 5, 32)),
    ("sdpa-unbatched", "ScaledDotProductAttention", {}, [(5, 64), (7, 64), (7, 32)], (5, 32)),
    ("sdpa-mask", "ScaledDotProductAttention", {}, [(2, 12, 5, 64), (2, 12, 7, 64), (2, 12, 7, 32), (5, 7)], (2, 12, 5, 32)),
    ("sdpa-gqa", "ScaledDotProductAttention", {"enable_gqa": True}, [(2, 12, 5, 64), (2, 4, 7, 64), (2, 4, 7, 32)], (2, 12, 5, 32)),
    ("sdpa-embedding-mismatch", "ScaledDotProductAttention", {}, [(2, 12, 5, 64), (2, 12, 7, 63), (2, 12, 7, 32)], "SC102"),
    ("sdpa-length-mismatch", "ScaledDotProductAttention", {}, [(2, 12, 5, 64), (2, 12, 7, 64), (2, 12, 6, 32)], "SC102"),
    ("sdpa-mask-mismatch", "ScaledDotProductAttention", {}, [(2, 12, 5, 64), (2, 12, 7, 64), (2, 12, 7, 32), (5, 6)], "SC103"),
    ("sdpa-rank", "ScaledDotProductAttention", {}, [(64,), (7, 64), (7, 32)], "SC102"),
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
    except (RuntimeError, IndexError):
        result = "refused"
    assert result == (output if isinstance(output, tuple) else "refused")


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
