"""The quick check's compiled forms (exact-type sets, int ranges, literal sets, list and dict loops) agree with pydantic at their edges."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import ConfigDict, TypeAdapter, ValidationError

from shapecalc.arguments.bounds import for_pydantic
from shapecalc.arguments.quickcheck import _compile
from shapecalc.arguments.types import (
    AnyInt,
    NonNegativeInt,
    Padding,
    PositiveInt,
    PositiveInts,
    Rate,
    Setting,
)
from shapecalc.model import LayerKeys, ShapeSpec

MAX = 2**40

# (annotation, value, whether strict pydantic accepts it unchanged); each row is checked against pydantic too
CASES = [
    pytest.param(PositiveInt, 1, True, id="positive-int-lowest"),
    pytest.param(PositiveInt, 0, False, id="positive-int-zero"),
    pytest.param(PositiveInt, MAX, True, id="positive-int-largest"),
    pytest.param(PositiveInt, MAX + 1, False, id="positive-int-past-largest"),
    pytest.param(PositiveInt, True, False, id="positive-int-bool"),
    pytest.param(PositiveInt, 1.0, False, id="positive-int-float"),
    pytest.param(NonNegativeInt, 0, True, id="non-negative-zero"),
    pytest.param(NonNegativeInt, -1, False, id="non-negative-minus-one"),
    pytest.param(AnyInt, -MAX, True, id="any-int-lowest"),
    pytest.param(AnyInt, -MAX - 1, False, id="any-int-past-lowest"),
    pytest.param(Rate, 0, True, id="rate-int-zero"),
    pytest.param(Rate, 0.5, True, id="rate-half"),
    pytest.param(Rate, 1.0, False, id="rate-one"),
    pytest.param(Rate, float("nan"), False, id="rate-nan"),
    pytest.param(Padding, "same", True, id="padding-same"),
    pytest.param(Padding, "SAME", False, id="padding-upper-case"),
    pytest.param(Padding, ["same"], False, id="padding-list"),
    pytest.param(Literal[1, "a"], 1, True, id="literal-int"),
    pytest.param(Literal[1, "a"], "b", False, id="literal-other-text"),
    pytest.param(Literal[1, "a"], {"a": 1}, False, id="literal-given-mapping"),
    pytest.param(Setting, "relu", True, id="setting-name"),
    pytest.param(Setting, {"class_name": "ReLU", "config": {}}, True, id="setting-config"),
    pytest.param(Setting, {1: "x"}, False, id="setting-int-key"),
    pytest.param(Setting, None, True, id="setting-none"),
    pytest.param(Setting, 3, False, id="setting-number"),
    pytest.param(list[str], [], True, id="names-empty"),
    pytest.param(list[str], ["a", "b"], True, id="names"),
    pytest.param(list[str], ["a", 1], False, id="names-with-number"),
    pytest.param(list[str], "a", False, id="names-given-text"),
    pytest.param(list[Any], [1, "a", None], True, id="list-of-anything"),
    pytest.param(PositiveInts, [1, 2], True, id="sizes-list"),
    pytest.param(PositiveInts, [1, 0], False, id="sizes-list-with-zero"),
    pytest.param(PositiveInts, [1, True], False, id="sizes-list-with-bool"),
    pytest.param(ShapeSpec, [None, 3], True, id="shape-unknown-axis"),
    pytest.param(ShapeSpec, [0], False, id="shape-zero-axis"),
    pytest.param(LayerKeys.model_fields["expect"].annotation, [[1], [None, 2]], True, id="expect-two-shapes"),
    pytest.param(LayerKeys.model_fields["expect"].annotation, [[1], 2], False, id="expect-mixed"),
    pytest.param(str | None, None, True, id="name-none"),
    pytest.param(str | None, b"x", False, id="name-bytes"),
]


@pytest.mark.parametrize("annotation, value, valid", CASES)
def test_compiled_check_agrees_with_pydantic(annotation, value, valid):
    adapter = TypeAdapter(for_pydantic(annotation), config=ConfigDict(strict=True, allow_inf_nan=False))
    try:
        pydantic_accepts = adapter.validate_python(value) == value
    except ValidationError:
        pydantic_accepts = False
    assert pydantic_accepts == valid
    assert _compile(annotation)(value) == valid
