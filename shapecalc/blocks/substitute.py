"""Parameters into arguments: a parameter's name, `{expression}` inside text, or a whole expression.

For a string value inside a block (or a block use's arguments):

- exactly a parameter's name: that parameter's value, whatever its type
  (`strides: stride`, `activation: act`);
- text holding `{...}`: each `{expression}` replaced by its value
  (`name: "conv2_block{i + 1}"`);
- integers, names and operators with at least one operator: the
  expression's value (`filters: 4 * filters`, `strides: 2 if i == 0 else 1`);
- anything else (`same`, `relu`, `he_normal`): the text as written.

`name:` and `inputs:` values are names, so only `{...}` applies to them.
Compiled expressions are kept by their text, so a block repeated 10,000
times parses each of its expressions once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from shapecalc.blocks.expression import ExpressionError, compile_expression, evaluate, is_expression

NAME_KEYS = frozenset({"name", "inputs"})
_BRACES = re.compile(r"\{([^{}]*)\}")


class SubstitutionError(Exception):
    """An expression that failed, with the document path (relative to the value given) where it is written."""

    def __init__(self, message: str, where: tuple[Any, ...]):
        super().__init__(message)
        self.message = message
        self.where = where


class Substituter:
    """Substitutes values in one scope after another, remembering what each text turned out to be."""

    def __init__(self) -> None:
        self.compiled: dict[str, Any] = {}  # text -> compiled expression, or None for plain text
        self.plans: dict[int, Any] = {}  # id of a block's entry -> how to copy it for a scope

    def entry(self, entry: Any, scope: Mapping[str, Any], where: tuple[Any, ...]) -> Any:
        """A block's layer entry for one instance: the same as `value()`, but planned once per entry, so
        the parts that no parameter reaches are shared rather than walked again for every instance
        (the entry and its argument mapping are always new objects, as the expander changes them). The
        scopes an entry meets hold the same names (its block's parameters); the entry is kept with its plan,
        so its id is not reused."""
        plan = self.plans.get(id(entry))
        if plan is None:
            plan = self.plans[id(entry)] = (entry, self.plan(entry, frozenset(scope), False, where, copy_levels=2))
        return plan[1](scope)

    def argument(self, value: Any, scope: Mapping[str, Any], where: tuple[Any, ...]) -> Any:
        """A use's argument in one repetition's scope: planned once, so a constant (however large, aliases
        included) is passed on as it is rather than walked again for every repetition."""
        if type(value) is not list and type(value) is not dict:  # a scalar's id may be shared (interned text)
            return self.value(value, scope, where=where)
        plan = self.plans.get(id(value))
        if plan is None:
            plan = self.plans[id(value)] = (value, self.plan(value, frozenset(scope), False, where))
        return value if plan[1] is None else plan[1](scope)

    def plan(self, value: Any, names: frozenset[str], names_only: bool, where: tuple[Any, ...],
             copy_levels: int = 0) -> Any:
        """A function from a scope to `value` substituted, or None when no scope changes it."""
        kind = type(value)
        if kind is str:
            if (not names_only and value in names) or "{" in value or (not names_only and is_expression(value)):
                return lambda scope: self.text(value, scope, names_only, where)
            return (lambda scope: value) if copy_levels else None
        if kind is dict:
            parts = [(key, item, self.plan(item, names, names_only or key in NAME_KEYS, where + (key,), copy_levels - 1))
                     for key, item in value.items()]
            if not copy_levels and all(part is None for _, _, part in parts):
                return None
            return lambda scope: {key: part(scope) if part is not None else item for key, item, part in parts}
        if kind is list:
            items = [(item, self.plan(item, names, names_only, where + (i,))) for i, item in enumerate(value)]
            if all(part is None for _, part in items):
                return None if not copy_levels else (lambda scope: list(value))
            return lambda scope: [part(scope) if part is not None else item for item, part in items]
        return (lambda scope: value) if copy_levels else None

    def value(self, value: Any, scope: Mapping[str, Any], names_only: bool = False, where: tuple[Any, ...] = ()) -> Any:
        """`value` with every parameter substituted (a new object where anything changed)."""
        kind = type(value)
        if kind is str:
            return self.text(value, scope, names_only, where)
        if kind is list:
            return [self.value(item, scope, names_only, where + (i,)) for i, item in enumerate(value)]
        if kind is dict:
            return {key: self.value(item, scope, names_only or key in NAME_KEYS, where + (key,)) for key, item in value.items()}
        return value

    def text(self, text: str, scope: Mapping[str, Any], names_only: bool, where: tuple[Any, ...]) -> Any:
        if not names_only and text in scope:
            return scope[text]
        if "{" in text:
            return _BRACES.sub(lambda match: str(self.run(match.group(1), scope, where)), text)
        if names_only:
            return text
        compiled = self.compiled.get(text, False)
        if compiled is False:
            compiled = self.compile(text, where) if is_expression(text) else None
            self.compiled[text] = compiled
        return text if compiled is None else self.evaluate(compiled, text, scope, where)

    def run(self, text: str, scope: Mapping[str, Any], where: tuple[Any, ...]) -> Any:
        compiled = self.compiled.get("{}" + text)
        if compiled is None:
            compiled = self.compiled["{}" + text] = self.compile(text, where)
        return self.evaluate(compiled, text, scope, where)

    @staticmethod
    def compile(text: str, where: tuple[Any, ...]) -> Any:
        try:
            return compile_expression(text)
        except ExpressionError as error:
            raise SubstitutionError(str(error), where) from None

    @staticmethod
    def evaluate(compiled: Any, text: str, scope: Mapping[str, Any], where: tuple[Any, ...]) -> Any:
        try:
            return evaluate(compiled, scope)
        except ExpressionError as error:
            raise SubstitutionError(f"{text.strip()!r}: {error}", where) from None
