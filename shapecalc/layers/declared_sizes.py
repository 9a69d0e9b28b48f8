"""Sizes in a custom-layer declaration (layers/custom.py): `projection_dim`, `size(-1) * 2`, `size(1, 0) // 4`.

A size is an integer, null (unknown) or an expression over the layer's
arguments and its inputs' axes (`size(axis)` of the first input,
`size(axis, input)` of another), with + - * // and parentheses. It is parsed
once, when the declaration is read (errors point at the declaration), and
evaluated for every call; an unknown axis makes the size unknown. Parsing is
bounded: MAX_EXPRESSION characters, parentheses MAX_DEPTH deep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from shapecalc.shapes import Dim, Shape, ShapeError, format_shape

MAX_EXPRESSION = 200  # characters; a size expression is a few terms
MAX_DEPTH = 16  # parentheses within parentheses


class DeclarationError(Exception):
    """A declaration the reader refuses: the message and the key path (under the declaration) at fault."""

    def __init__(self, message: str, where: tuple[Any, ...] = (), code: str = "SC004"):
        super().__init__(message)
        self.message, self.where, self.code = message, where, code


_TOKEN = re.compile(r"\s*(?:(\d+)|([A-Za-z_][A-Za-z_0-9]*)|(//|[-+*(),]))")


@dataclass(frozen=True, slots=True)
class Term:
    """A parsed size expression: a number, a name, an input axis, or an operation on two terms."""

    kind: str  # "number" | "argument" | "axis" | "+" | "-" | "*" | "//" | "neg"
    value: Any = None  # the number, the argument name, or (input index, axis index)
    left: Term | None = None
    right: Term | None = None

    def text(self) -> str:
        if self.kind == "number":
            return str(self.value)
        if self.kind == "argument":
            return self.value
        if self.kind == "axis":
            k, i = self.value
            return f"size({i})" if k == 0 else f"size({i}, {k})"
        if self.kind == "neg":
            return f"-{self.left.text()}"  # type: ignore[union-attr]
        return f"({self.left.text()} {self.kind} {self.right.text()})"  # type: ignore[union-attr]


def parse_size(value: Any, arguments: set[str]) -> Term | None:
    """A size as written (int, null or expression text) as a Term; None for null (unknown)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise DeclarationError(f"a size is an integer, null or an expression such as `size(-1) * 2`, not {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise DeclarationError(f"a size cannot be negative ({value})")
        return Term("number", value)
    if len(value) > MAX_EXPRESSION:
        raise DeclarationError(f"a size expression is at most {MAX_EXPRESSION} characters")
    return _Parser(value, arguments).parse()


class _Parser:
    """Recursive descent over `sum := product (('+'|'-') product)*`, `product := unary (('*'|'//') unary)*`."""

    def __init__(self, text: str, arguments: set[str]):
        self.text, self.arguments = text, arguments
        self.tokens = self.tokenize(text)
        self.position = 0
        self.depth = 0

    def tokenize(self, text: str) -> list[str]:
        tokens, index = [], 0
        while index < len(text):
            if text[index:].strip() == "":
                break
            match = _TOKEN.match(text, index)
            if match is None:
                raise DeclarationError(f"size {text!r}: unexpected {text[index:].strip()[:10]!r}; a size uses integers, "
                                       "argument names, size(axis), size(axis, input), + - * // and parentheses")
            tokens.append(match.group(match.lastindex))
            index = match.end()
        return tokens

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            wanted = f"{expected!r}" if expected else "a term"
            found = f"{token!r}" if token is not None else "the end"
            raise DeclarationError(f"size {self.text!r}: expected {wanted}, found {found}")
        self.position += 1
        return token

    def parse(self) -> Term:
        term = self.sum()
        if self.peek() is not None:
            raise DeclarationError(f"size {self.text!r}: unexpected {self.peek()!r}")
        return term

    def sum(self) -> Term:
        term = self.product()
        while self.peek() in ("+", "-"):
            operator = self.take()
            term = Term(operator, left=term, right=self.product())
        return term

    def product(self) -> Term:
        term = self.unary()
        while self.peek() in ("*", "//"):
            operator = self.take()
            term = Term(operator, left=term, right=self.unary())
        return term

    def unary(self) -> Term:
        if self.peek() == "-":
            self.take()
            return Term("neg", left=self.unary())
        return self.atom()

    def atom(self) -> Term:
        token = self.take()
        if token == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise DeclarationError(f"size {self.text!r}: parentheses nested more than {MAX_DEPTH} deep")
            term = self.sum()
            self.take(")")
            self.depth -= 1
            return term
        if token.isdigit():
            return Term("number", int(token))
        if token == "size" and self.peek() == "(":
            return self.axis()
        if token in self.arguments:
            return Term("argument", token)
        if token[0].isalpha() or token[0] == "_":
            known = ", ".join(sorted(self.arguments)) or "none declared"
            raise DeclarationError(f"size {self.text!r}: {token!r} is not an argument of this layer "
                                   f"(its arguments: {known}; an input's size is size(axis) or size(axis, input))")
        raise DeclarationError(f"size {self.text!r}: unexpected {token!r}")

    def axis(self) -> Term:
        """`size(i)`: axis i of the first input; `size(i, k)`: of input k (torch's `x.size(i)`)."""
        self.take("(")
        axis = self.index()
        which = 0
        if self.peek() == ",":
            self.take()
            which = self.index()
            if which < 0:
                raise DeclarationError(f"size {self.text!r}: inputs are counted from 0, found {which}")
        self.take(")")
        return Term("axis", (which, axis))

    def index(self) -> int:
        negative = self.peek() == "-"
        if negative:
            self.take()
        token = self.take()
        if not token.isdigit() or len(token) > 6:
            raise DeclarationError(f"size {self.text!r}: an index is a small integer, found {token!r}")
        return -int(token) if negative else int(token)


def evaluate(term: Term | None, values: dict[str, Any], inputs: list[Shape], what: str) -> Dim:
    """A size for these arguments and input shapes; None when an input axis it reads is unknown."""
    if term is None:
        return None
    kind = term.kind
    if kind == "number":
        return term.value
    if kind == "argument":
        value = values[term.value]
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ShapeError(f"{what}: argument `{term.value}` is a size here, so it must be an integer, "
                             f"received {value!r}", code="SC102")
        return value
    if kind == "axis":
        k, i = term.value
        if k >= len(inputs) or not -len(inputs[k]) <= i < len(inputs[k]):
            subject = "the input" if k == 0 and len(inputs) == 1 else f"input {k}"
            reason = (f"there are {len(inputs)} inputs" if k >= len(inputs)
                      else f"{subject} {format_shape(inputs[k])} has rank {len(inputs[k])} (batch axis included)")
            raise ShapeError(f"{what}: {term.text()} does not exist: {reason}", code="SC102")
        return inputs[k][i]
    left = evaluate(term.left, values, inputs, what)
    if kind == "neg":
        return None if left is None else -left
    right = evaluate(term.right, values, inputs, what)
    if left is None or right is None:
        return None
    if kind == "+":
        return left + right
    if kind == "-":
        return left - right
    if kind == "*":
        return left * right
    if right == 0:
        raise ShapeError(f"{what}: {term.text()} divides by zero", code="SC101")
    return left // right
