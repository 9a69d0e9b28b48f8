"""The small integer arithmetic a block argument may hold: `4 * filters`, `filters // 2`, `2 if i == 0 else 1`.

Grammar (Python's, restricted to what sizes need; no `eval`):

    conditional := comparison ["if" comparison "else" conditional]
    comparison  := sum [("==" | "!=" | "<" | "<=" | ">" | ">=") sum]
    sum         := product (("+" | "-") product)*
    product     := unary (("*" | "//" | "%") unary)*
    unary       := "-" unary | atom
    atom        := INTEGER | NAME | "(" conditional ")"

Text is at most MAX_TEXT characters and parentheses nest at most MAX_NESTING
deep, so parsing is bounded before it starts; every value is an integer of at
most MAX_MAGNITUDE, so no result can grow without bound. A name must be a
parameter in scope; a name bound to a value that is not an integer may be
used alone (substituted as it is) but not in arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

MAX_TEXT = 200
MAX_NESTING = 20
MAX_MAGNITUDE = 10**15

_TOKEN = re.compile(r"\s*(?:(?P<int>\d+)(?![\w.])|(?P<name>[A-Za-z_]\w*)|(?P<op>//|==|!=|<=|>=|[-+*%()<>]))")
_KEYWORDS = frozenset({"if", "else"})


class ExpressionError(Exception):
    """An expression that cannot be evaluated; the message says why, in the user's terms."""


Evaluate = Callable[[Mapping[str, Any]], Any]


def tokenize(text: str) -> list[tuple[str, str]] | None:
    """(kind, text) tokens, or None when `text` is not an expression at all (plain text like `same`)."""
    tokens: list[tuple[str, str]] = []
    at = 0
    end = len(text.rstrip())
    while at < end:
        match = _TOKEN.match(text, at)
        if match is None:
            return None
        kind = match.lastgroup or ""
        word = match.group(kind)
        tokens.append(("op" if kind == "name" and word in _KEYWORDS else kind, word))
        at = match.end()
    return tokens


def is_expression(text: str) -> bool:
    """Whether a string argument is arithmetic to evaluate rather than text to pass on.

    It is when it is made only of integers, names and operators and holds
    at least one operator: `same`, `relu` and `he_normal` stay text.
    """
    if len(text) > MAX_TEXT:
        return False
    tokens = tokenize(text)
    return bool(tokens) and any(kind == "op" for kind, _ in tokens)


def compile_expression(text: str) -> Evaluate:
    """Parse once; the result evaluates the expression in a scope (name -> value)."""
    if len(text) > MAX_TEXT:
        raise ExpressionError(f"an expression is at most {MAX_TEXT} characters")
    tokens = tokenize(text)
    if not tokens:
        raise ExpressionError(f"{text!r} is not an expression")
    parser = _Parser(tokens)
    tree = parser.conditional()
    if parser.at < len(tokens):
        raise ExpressionError(f"unexpected {tokens[parser.at][1]!r} in {text!r}")
    return lambda scope: _checked(tree(scope), text)


def _checked(value: Any, text: str) -> Any:
    if type(value) is int and abs(value) > MAX_MAGNITUDE:
        raise ExpressionError(f"{text!r} gives {value}, larger than {MAX_MAGNITUDE:,}")
    return value


def _integer(value: Any, what: str) -> int:
    if type(value) is bool:
        return int(value)
    if type(value) is not int:
        if isinstance(value, _NonInteger):
            what, value = f"`{value.name}`", value.value
        shown = "null" if value is None else repr(value)
        raise ExpressionError(f"{what} is {shown}, not an integer, so it cannot be used in arithmetic")
    if abs(value) > MAX_MAGNITUDE:
        raise ExpressionError(f"{what} = {value} is larger than {MAX_MAGNITUDE:,}")
    return value


def _floor_div(a: int, b: int) -> int:
    if b == 0:
        raise ExpressionError(f"division by zero ({a} // 0)")
    return a // b


def _modulo(a: int, b: int) -> int:
    if b == 0:
        raise ExpressionError(f"division by zero ({a} % 0)")
    return a % b


_BINARY: dict[str, Callable[[int, int], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "//": _floor_div, "%": _modulo,
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}
_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")


class _Parser:
    """Recursive descent over the tokens, building closures; depth bounded by MAX_NESTING."""

    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.at = 0
        self.nesting = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) and self.tokens[self.at][0] == "op" else None

    def take(self, op: str) -> bool:
        if self.peek() == op:
            self.at += 1
            return True
        return False

    def conditional(self) -> Evaluate:
        value = self.comparison()
        if not self.take("if"):
            return value
        condition = self.comparison()
        if not self.take("else"):
            raise ExpressionError("`a if condition else b` needs its `else`")
        other = self.conditional()
        return lambda scope: value(scope) if _integer(condition(scope), "the condition") else other(scope)

    def comparison(self) -> Evaluate:
        left = self.sum()
        op = self.peek()
        if op not in _COMPARISONS:
            return left
        self.at += 1
        return self.binary(op, left, self.sum())

    def sum(self) -> Evaluate:
        left = self.product()
        while (op := self.peek()) in ("+", "-"):
            self.at += 1
            left = self.binary(op, left, self.product())
        return left

    def product(self) -> Evaluate:
        left = self.unary()
        while (op := self.peek()) in ("*", "//", "%"):
            self.at += 1
            left = self.binary(op, left, self.unary())
        return left

    def unary(self) -> Evaluate:
        if self.take("-"):
            operand = self.unary()
            return lambda scope: -_integer(operand(scope), "the operand of `-`")
        return self.atom()

    def atom(self) -> Evaluate:
        if self.at >= len(self.tokens):
            raise ExpressionError("the expression ends where a value was expected")
        kind, word = self.tokens[self.at]
        self.at += 1
        if kind == "int":
            number = _integer(int(word[:20]) if len(word) <= 20 else MAX_MAGNITUDE + 1, "a number")
            return lambda scope: number
        if kind == "name":
            return lambda scope: _lookup(scope, word)
        if word == "(":
            self.nesting += 1
            if self.nesting > MAX_NESTING:
                raise ExpressionError(f"parentheses nested more than {MAX_NESTING} deep")
            inner = self.conditional()
            if not self.take(")"):
                raise ExpressionError("a `(` is not closed")
            self.nesting -= 1
            return inner
        raise ExpressionError(f"unexpected {word!r} where a value was expected")

    @staticmethod
    def binary(op: str, left: Evaluate, right: Evaluate) -> Evaluate:
        apply = _BINARY[op]

        def evaluate(scope: Mapping[str, Any]) -> Any:
            a, b = left(scope), right(scope)
            return apply(_integer(a, f"the left side of `{op}`"), _integer(b, f"the right side of `{op}`"))
        return evaluate


def _lookup(scope: Mapping[str, Any], name: str) -> Any:
    if name not in scope:
        known = ", ".join(f"`{n}`" for n in scope) or "none"
        raise ExpressionError(f"unknown name `{name}` (parameters in scope: {known})")
    value = scope[name]
    if type(value) is int or type(value) is bool:
        return value
    return _NonInteger(name, value)


class _NonInteger:
    """A parameter whose value is not an integer: fine alone, refused in arithmetic with its name."""

    __slots__ = ("name", "value")

    def __init__(self, name: str, value: Any):
        self.name = name
        self.value = value


def evaluate(evaluate_: Evaluate, scope: Mapping[str, Any]) -> Any:
    """Run a compiled expression; a lone non-integer parameter comes back as its value."""
    value = evaluate_(scope)
    if isinstance(value, _NonInteger):
        return value.value
    return value
