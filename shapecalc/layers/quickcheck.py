"""A fast yes/maybe check of layer arguments, derived from their annotations (as pydantic reads them).

Building a pydantic validator costs milliseconds per model class, which a
pre-commit hook pays on every commit. Most files are valid, so `accepts()`
answers "certainly valid" for the common argument types (strict ints, floats,
bools, strings, None, Literal, lists, unions, Annotated bounds) without
building anything. It is sound, never complete: whenever it is unsure it
answers False and the caller runs full pydantic validation, which has the
final word and produces the located error message.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Callable
from typing import Any

import annotated_types

Predicate = Callable[[Any], bool]

_CACHE: dict[type, Any] = {}
_IMMUTABLE = (type(None), bool, int, float, str, tuple, frozenset)


class _Compiled:
    """What the quick check knows of one class: a predicate per written key, and how to build it."""

    __slots__ = ("checks", "required", "defaults", "renames")

    def __init__(self, checks: dict[str, Predicate], required: tuple[str, ...], defaults: dict[str, Any],
                 renames: dict[str, str]):
        self.checks = checks  # keyed by the argument as written (the alias, if the field has one)
        self.required = required  # written keys that must be present
        self.defaults = defaults  # by field name
        self.renames = renames  # written key -> field name, where they differ


def accepts(model: type, args: dict[str, Any]) -> bool:
    """True only if pydantic (strict mode) would certainly accept `args` unchanged."""
    compiled = _compiled(model)
    if compiled is None:
        return False
    checks = compiled.checks
    for key, value in args.items():
        check = checks.get(key)
        if check is None or not check(value):
            return False
    return all(key in args for key in compiled.required)


def construct(model: type, args: dict[str, Any]) -> Any:
    """The instance `model.model_validate(args)` would give, for arguments `accepts()` approved."""
    compiled = _compiled(model)
    if compiled is None:
        return model.model_validate(args)
    values = {**compiled.defaults}
    renames = compiled.renames
    for key, value in args.items():
        values[renames.get(key, key)] = value
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", values)
    return instance


def _compiled(model: type) -> _Compiled | None:
    compiled = _CACHE.get(model, False)
    if compiled is False:
        compiled = _compile_model(model)
        _CACHE[model] = compiled
    return compiled


def _compile_model(model: type) -> _Compiled | None:
    if model.model_config.get("strict") is not True or model.model_config.get("extra") != "forbid":
        return None
    checks: dict[str, Predicate] = {}
    required: list[str] = []
    defaults: dict[str, Any] = {}
    renames: dict[str, str] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key != name:
            renames[key] = name
        annotation = info.annotation
        if info.metadata:
            annotation = typing.Annotated[(annotation, *info.metadata)]
        check = _compile(annotation)
        if check is None:
            return None
        checks[key] = check
        if info.is_required():
            required.append(key)
        elif info.default_factory is not None or not isinstance(info.default, _IMMUTABLE):
            return None  # a mutable default must be copied per instance: leave it to pydantic
        else:
            defaults[name] = info.default
    return _Compiled(checks, tuple(required), defaults, renames)


def _compile(annotation: Any) -> Predicate | None:
    """A predicate for one annotation, or None where this module does not know the type."""
    if annotation is Any:
        return lambda value: True
    if annotation is type(None) or annotation is None:
        return lambda value: value is None
    if annotation is bool:
        return lambda value: type(value) is bool
    if annotation is int:
        return lambda value: type(value) is int
    if annotation is float:
        return lambda value: type(value) in (int, float) and math.isfinite(value)
    if annotation is str:
        return lambda value: type(value) is str
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Literal:
        allowed = [(type(a), a) for a in arguments]
        return lambda value: (type(value), value) in allowed
    if origin in (typing.Union, types.UnionType):
        options = [_compile(option) for option in arguments]
        if any(option is None for option in options):
            return None
        return lambda value: any(option(value) for option in options)
    if origin is list:
        item = _compile(arguments[0]) if arguments else (lambda value: True)
        if item is None:
            return None
        return lambda value: type(value) is list and all(item(v) for v in value)
    if origin is dict:
        if arguments and (_compile(arguments[0]) is None or _compile(arguments[1]) is None):
            return None
        key, val = (_compile(arguments[0]), _compile(arguments[1])) if arguments else (None, None)
        if key is None:
            return lambda value: type(value) is dict
        return lambda value: type(value) is dict and all(key(k) and val(v) for k, v in value.items())
    if origin is typing.Annotated:
        return _compile_annotated(arguments[0], arguments[1:])
    return None


def _compile_annotated(base: Any, metadata: tuple[Any, ...]) -> Predicate | None:
    check = _compile(base)
    if check is None:
        return None
    bounds: list[Predicate] = []
    for item in metadata:
        bound = _bound(item)
        if bound is None:
            return None
        bounds.append(bound)
    return lambda value: check(value) and all(b(value) for b in bounds)


def _bound(item: Any) -> Predicate | None:
    if type(item).__name__ == "Strict":
        return lambda value: True  # the model is strict already
    if isinstance(item, annotated_types.Gt):
        return lambda value: value > item.gt
    if isinstance(item, annotated_types.Ge):
        return lambda value: value >= item.ge
    if isinstance(item, annotated_types.Lt):
        return lambda value: value < item.lt
    if isinstance(item, annotated_types.Le):
        return lambda value: value <= item.le
    if isinstance(item, annotated_types.MinLen):
        return lambda value: len(value) >= item.min_length
    if isinstance(item, annotated_types.MaxLen):
        return lambda value: len(value) <= item.max_length
    return None
