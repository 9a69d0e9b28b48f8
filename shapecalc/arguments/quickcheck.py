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

from shapecalc.arguments.bounds import bound_of

Predicate = Callable[[Any], bool]

_CACHE: dict[type, Any] = {}
_IMMUTABLE = (type(None), bool, int, float, str, tuple, frozenset)


class _Compiled:
    """What the quick check knows of one class: a predicate per written key, and how to build it."""

    __slots__ = ("model", "checks", "required", "defaults", "renames")

    def __init__(self, model: type, checks: dict[str, Predicate], required: tuple[str, ...], defaults: dict[str, Any],
                 renames: dict[str, str]):
        self.model = model
        self.checks = checks  # keyed by the argument as written (the alias, if the field has one)
        self.required = frozenset(required)  # written keys that must be present
        self.defaults = defaults  # by field name
        self.renames = renames  # written key -> field name, where they differ

    def accepts(self, args: dict[str, Any]) -> bool:
        checks = self.checks
        for key, value in args.items():
            check = checks.get(key)
            if check is None or not check(value):
                return False
        return args.keys() >= self.required

    def construct(self, args: dict[str, Any]) -> Any:
        values = self.defaults.copy()
        renames = self.renames
        if renames:
            for key, value in args.items():
                values[renames.get(key, key)] = value
        else:
            values.update(args)
        model = self.model
        instance = model.__new__(model)
        object.__setattr__(instance, "__dict__", values)
        return instance


class _CompiledAllowingExtra(_Compiled):
    """A class that takes any further keyword (`extra: allow`, as nn.Identity's `*args, **kwargs`): its own
    arguments are checked as usual, the others accepted and dropped, as `Declared.model_validate` drops them."""

    __slots__ = ()

    def accepts(self, args: dict[str, Any]) -> bool:
        checks = self.checks
        for key, value in args.items():
            check = checks.get(key)
            if check is not None and not check(value):
                return False
        return args.keys() >= self.required

    def construct(self, args: dict[str, Any]) -> Any:
        checks = self.checks
        return super().construct({key: value for key, value in args.items() if key in checks})


_UNKNOWN = object()  # a class not compiled yet (None in the cache means "not compilable")


def accepts(model: type, args: dict[str, Any]) -> bool:
    """True only if pydantic (strict mode) would certainly accept `args` unchanged."""
    compiled = _compiled(model)
    return compiled is not None and compiled.accepts(args)


def construct(model: type, args: dict[str, Any]) -> Any:
    """The instance `model.model_validate(args)` would give, for arguments `accepts()` approved."""
    compiled = _compiled(model)
    if compiled is None:
        return model.model_validate(args)
    return compiled.construct(args)


def quick_build(model: type, args: dict[str, Any]) -> Any:
    """`construct(model, args)` if `accepts(model, args)`, else None: one cache lookup for both."""
    compiled = _compiled(model)
    if compiled is None or not compiled.accepts(args):
        return None
    return compiled.construct(args)


def validated(model: Any, data: dict[str, Any]) -> Any:
    """`data` as an instance of `model`: the quick check when it is sure, else full pydantic validation.

    Raises pydantic.ValidationError (catch it with `declarative.validation_error()`).
    """
    instance = quick_build(model, data)
    return instance if instance is not None else model.model_validate(data)


def _compiled(model: type) -> _Compiled | None:
    compiled = _CACHE.get(model, _UNKNOWN)
    if compiled is _UNKNOWN:
        compiled = _CACHE[model] = _compile_model(model)
    return compiled


def _compile_model(model: type) -> _Compiled | None:
    extra = model.model_config.get("extra")
    if model.model_config.get("strict") is not True or extra not in ("forbid", "allow"):
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
    kind = _CompiledAllowingExtra if extra == "allow" else _Compiled
    return kind(model, checks, tuple(required), defaults, renames)


def _compile(annotation: Any) -> Predicate | None:
    """A predicate for one annotation, or None where this module does not know the type.

    The predicates run once per argument of every layer of a file (100,000
    layers in the scale budget), so the common forms compile to one test each:
    a set of exact types, a range for a bounded int, C-level loops over lists.
    """
    exact = _exact_types(annotation)
    if exact is not None:
        return _type_in(exact)
    if annotation is Any:
        return lambda value: True
    if annotation is float:
        return lambda value: type(value) in (int, float) and math.isfinite(value)
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Literal:
        return _literal(arguments)
    if origin in (typing.Union, types.UnionType):
        return _union(arguments)
    if origin is list:
        return _list_of(arguments[0] if arguments else Any)
    if origin is dict:
        return _dict_of(*arguments) if arguments else (lambda value: type(value) is dict)
    if origin is typing.Annotated:
        return _compile_annotated(arguments[0], arguments[1:])
    return None


_EXACT = (type(None), bool, int, str)  # strict pydantic accepts exactly these types for these annotations


def _exact_types(annotation: Any) -> frozenset[type] | None:
    """The types a value must have exactly (None, bool, int, str and unions of them), else None."""
    if annotation is None:
        return frozenset({type(None)})
    if any(annotation is kind for kind in _EXACT):
        return frozenset({annotation})
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        parts = [_exact_types(option) for option in typing.get_args(annotation)]
        if all(part is not None for part in parts):
            return frozenset().union(*parts)
    return None


def _type_in(kinds: frozenset[type]) -> Predicate:
    if len(kinds) == 1:
        (kind,) = kinds
        return lambda value: type(value) is kind
    return lambda value: type(value) in kinds


def _literal(arguments: tuple[Any, ...]) -> Predicate:
    """One of the listed values, of the same type (True is not 1): literals are hashable, so a set."""
    allowed = frozenset((type(a), a) for a in arguments)
    kinds = frozenset(type(a) for a in arguments)
    return lambda value: type(value) in kinds and (type(value), value) in allowed


def _union(arguments: tuple[Any, ...]) -> Predicate | None:
    """Any option accepts: the exact-type options are one set test, tried first."""
    exact = frozenset().union(*(kinds for option in arguments if (kinds := _exact_types(option)) is not None))
    others = [_compile(option) for option in arguments if _exact_types(option) is None]
    if any(other is None for other in others):
        return None
    rest = others[0] if len(others) == 1 else (lambda value: any(other(value) for other in others))
    if not exact:
        return rest
    return lambda value: type(value) in exact or rest(value)


def _list_of(item: Any) -> Predicate | None:
    if item is Any:
        return lambda value: type(value) is list
    exact = _exact_types(item)
    if exact is not None:
        return lambda value: type(value) is list and exact.issuperset(map(type, value))
    check = _compile(item)
    if check is None:
        return None
    return lambda value: type(value) is list and all(map(check, value))


def _dict_of(key: Any, item: Any) -> Predicate | None:
    key_kinds = _exact_types(key)
    if key_kinds is not None and item is Any:
        return lambda value: type(value) is dict and key_kinds.issuperset(map(type, value))
    key_check, item_check = _compile(key), _compile(item)
    if key_check is None or item_check is None:
        return None
    return lambda value: type(value) is dict and all(key_check(k) and item_check(v) for k, v in value.items())


def _compile_annotated(base: Any, metadata: tuple[Any, ...]) -> Predicate | None:
    metadata = tuple(item for item in metadata if type(item).__name__ != "Strict")  # the model is strict already
    span = _int_range(metadata) if base is int else None
    if span is not None:
        return lambda value: type(value) is int and value in span
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


def _int_range(metadata: tuple[Any, ...]) -> range | None:
    """The ints that integer bounds (Gt/Ge with Lt/Le) allow, as a range (O(1) membership), else None."""
    lows, highs = [], []  # inclusive lower bounds, exclusive upper bounds, as in range()
    for item in metadata:
        found = bound_of(item)
        if found is None or type(found[1]) is not int:
            return None
        kind, bound = found
        if kind == "gt":
            lows.append(bound + 1)
        elif kind == "ge":
            lows.append(bound)
        elif kind == "lt":
            highs.append(bound)
        else:
            highs.append(bound + 1)
    if not lows or not highs:
        return None
    return range(max(lows), min(highs))


def _bound(item: Any) -> Predicate | None:
    found = bound_of(item)
    if found is not None:
        kind, bound = found
        return {
            "gt": lambda value: value > bound,
            "ge": lambda value: value >= bound,
            "lt": lambda value: value < bound,
            "le": lambda value: value <= bound,
        }[kind]
    name = type(item).__name__
    if type(item).__module__ == "annotated_types" and name in ("MinLen", "MaxLen"):
        if name == "MinLen":
            return lambda value: len(value) >= item.min_length
        return lambda value: len(value) <= item.max_length
    return None
