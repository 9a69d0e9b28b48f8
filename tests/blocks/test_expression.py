"""The block arithmetic: each row's value is worked out by hand; each refusal says why."""

from __future__ import annotations

import pytest

from shapecalc.blocks.expression import (
    MAX_MAGNITUDE,
    ExpressionError,
    compile_expression,
    evaluate,
    is_expression,
)

VALUES = [
    ("4 * filters", {"filters": 64}, 256),
    ("filters // 2", {"filters": 7}, 3),            # floor division: 7 / 2 = 3.5 -> 3
    ("-7 // 2", {}, -4),                            # Python's floor, not truncation
    ("filters % 3", {"filters": 8}, 2),
    ("1 + 2 * 3", {}, 7),                           # * before +
    ("(1 + 2) * 3", {}, 9),
    ("10 - 4 - 3", {}, 3),                          # left to right
    ("-(3 + 4) * 2", {}, -14),
    ("2 if i == 0 else 1", {"i": 0}, 2),
    ("2 if i == 0 else 1", {"i": 3}, 1),
    ("i + 1", {"i": 0}, 1),
    ("i < 2", {"i": 2}, False),
    ("width >= 64", {"width": 64}, True),
    ("a if a > b else b", {"a": 3, "b": 9}, 9),
    ("stride", {"stride": [2, 1]}, [2, 1]),        # a name alone: its value, whatever its type
]


@pytest.mark.parametrize(("text", "scope", "value"), VALUES, ids=[row[0] for row in VALUES])
def test_value(text: str, scope: dict, value: object) -> None:
    assert evaluate(compile_expression(text), scope) == value


ERRORS = [
    ("filters // groups", {"filters": 8, "groups": 0}, "division by zero (8 // 0)"),
    ("filters % 0", {"filters": 8}, "division by zero (8 % 0)"),
    ("4 * filtrs", {"filters": 8}, "unknown name `filtrs` (parameters in scope: `filters`)"),
    ("rate * 2", {"rate": 0.5}, "`rate` is 0.5, not an integer"),
    ("units + 1", {"units": None}, "`units` is null, not an integer"),
    ("2 if i else", {"i": 0}, "ends where a value was expected"),
    ("2 if i", {"i": 0}, "needs its `else`"),
    ("(1 + 2", {}, "a `(` is not closed"),
    ("1 2", {}, "unexpected '2'"),
    ("n * n", {"n": 10**8}, "larger than"),
    ("(" * 30 + "1" + ")" * 30, {}, "nested more than"),
    ("1 + " * 60 + "1", {}, "at most 200 characters"),
]


@pytest.mark.parametrize(("text", "scope", "message"), ERRORS, ids=[row[0][:20] for row in ERRORS])
def test_refusal(text: str, scope: dict, message: str) -> None:
    with pytest.raises(ExpressionError, match="") as caught:
        evaluate(compile_expression(text), scope)
    assert message in str(caught.value)


def test_magnitude_is_bounded_at_each_step() -> None:
    """Values stay below MAX_MAGNITUDE, so no chain of products can grow without bound."""
    assert evaluate(compile_expression("n * 1000"), {"n": MAX_MAGNITUDE // 1000}) <= MAX_MAGNITUDE
    with pytest.raises(ExpressionError):
        evaluate(compile_expression("n * 1000 * 1000"), {"n": MAX_MAGNITUDE // 1000})


TEXT = ["same", "relu", "he_normal", "channels_last", "1_conv", "1e-5", "conv2d"]
ARITHMETIC = ["4 * filters", "filters // 2", "i == 0", "2 if i == 0 else 1", "-k"]


@pytest.mark.parametrize("text", TEXT)
def test_plain_text_is_not_an_expression(text: str) -> None:
    assert not is_expression(text)


@pytest.mark.parametrize("text", ARITHMETIC)
def test_arithmetic_is_an_expression(text: str) -> None:
    assert is_expression(text)
