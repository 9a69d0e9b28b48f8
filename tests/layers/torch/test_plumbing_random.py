"""Index, Chunk, Split, Narrow, Select and Matmul on random shapes and arguments, against torch itself.

Each drawn case runs through shapecalc's layer and through the torch call it
stands for on a zero tensor: both must accept it with the same shapes, or
both refuse it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shapecalc.arguments.types import ArgumentError
from shapecalc.layers.base import Why
from shapecalc.layers.registry import lookup
from shapecalc.shapes import ShapeError

torch = pytest.importorskip("torch")

from tests.differential.torch_ops import function_modules  # noqa: E402

MODULES = function_modules(torch)
SHAPES = st.lists(st.integers(1, 6), min_size=1, max_size=4).map(tuple)


def ours(type_name: str, args: dict[str, Any], inputs: list[tuple[int, ...]]) -> Any:
    cls = lookup("pytorch", type_name)
    assert cls is not None
    try:
        shape = cls.build(dict(args)).output_shape(inputs, Why())
    except (ShapeError, ArgumentError, ValidationError):
        return "refused"
    return [tuple(s) for s in shape] if isinstance(shape, list) else tuple(shape)


def theirs(type_name: str, args: dict[str, Any], inputs: list[tuple[int, ...]]) -> Any:
    try:
        output = MODULES[type_name](**args)(*(torch.zeros(shape) for shape in inputs))
    except (RuntimeError, IndexError, ValueError, TypeError, SyntaxError):
        return "refused"
    if isinstance(output, (tuple, list)):
        return [tuple(t.shape) for t in output]
    return tuple(output.shape)


def index_text(draw: Any, rank: int) -> str:
    bound = st.one_of(st.none(), st.integers(-7, 7))
    parts = []
    for _ in range(draw(st.integers(0, rank + 1))):
        kind = draw(st.sampled_from(["int", "slice", "none", "all"]))
        if kind == "int":
            parts.append(str(draw(st.integers(-7, 6))))
        elif kind == "slice":
            start, stop, step = draw(bound), draw(bound), draw(st.one_of(st.none(), st.integers(-1, 3)))
            text = f"{'' if start is None else start}:{'' if stop is None else stop}"
            parts.append(text + ("" if step is None else f":{step}"))
        else:
            parts.append("None" if kind == "none" else ":")
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), "...")
    return "[" + ", ".join(parts) + "]"


@st.composite
def cases(draw: Any) -> tuple[str, dict[str, Any], list[tuple[int, ...]]]:
    shape = draw(SHAPES)
    rank = len(shape)
    dim = draw(st.integers(-rank - 1, rank))
    kind = draw(st.sampled_from(["Index", "Chunk", "Split", "SplitSizes", "Narrow", "Select", "Matmul", "Expand"]))
    if kind == "Index":
        return kind, {"index": index_text(draw, rank)}, [shape]
    if kind == "Chunk":
        return kind, {"chunks": draw(st.integers(1, 7)), "dim": dim}, [shape]
    if kind == "Split":
        return kind, {"split_size_or_sections": draw(st.integers(1, 7)), "dim": dim}, [shape]
    if kind == "SplitSizes":
        sizes = draw(st.lists(st.integers(0, 4), min_size=1, max_size=4))
        return "Split", {"split_size_or_sections": sizes, "dim": dim}, [shape]
    if kind == "Narrow":
        return kind, {"dim": dim, "start": draw(st.integers(-7, 7)), "length": draw(st.integers(0, 6))}, [shape]
    if kind == "Select":
        return kind, {"dim": dim, "index": draw(st.integers(-7, 6))}, [shape]
    if kind == "Expand":
        size = draw(st.lists(st.integers(-1, 4), min_size=0, max_size=5))
        return kind, {"size": size}, [shape]
    return kind, {}, [shape, draw(SHAPES)]


@settings(max_examples=400, deadline=None)
@given(cases())
def test_agrees_with_torch(case: tuple[str, dict[str, Any], list[tuple[int, ...]]]) -> None:
    type_name, args, inputs = case
    assert ours(type_name, args, inputs) == theirs(type_name, args, inputs), case
