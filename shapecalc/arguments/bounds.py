"""Numeric bounds for argument annotations (`Annotated[int, Gt(0)]`), cheap to import.

annotated_types' classes are dataclasses and cost several milliseconds to
import, on every run of a pre-commit hook. These carry the same attribute
names (`gt`, `ge`, `lt`, `le`); `quickcheck.py` reads them directly,
and `for_pydantic()` swaps in annotated_types' equivalents when a real
pydantic model is built for full validation.
"""

from __future__ import annotations

from typing import Any


class Bound:
    """A bound on a number: `kind` is gt, ge, lt or le, as in annotated_types."""

    __slots__ = ("value",)
    kind = ""

    def __init__(self, value: Any):
        self.value = value

    def __getattr__(self, name: str) -> Any:
        if name == self.kind:
            return self.value
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r})"


class Gt(Bound):
    __slots__ = ()
    kind = "gt"


class Ge(Bound):
    __slots__ = ()
    kind = "ge"


class Lt(Bound):
    __slots__ = ()
    kind = "lt"


class Le(Bound):
    __slots__ = ()
    kind = "le"


def bound_of(item: Any) -> tuple[str, Any] | None:
    """(kind, value) of a numeric bound, ours or annotated_types', else None."""
    if isinstance(item, Bound):
        return item.kind, item.value
    if type(item).__module__ == "annotated_types" and type(item).__name__ in ("Gt", "Ge", "Lt", "Le"):
        kind = type(item).__name__.lower()
        return kind, getattr(item, kind)
    return None


def for_pydantic(annotation: Any) -> Any:
    """The same annotation with our bounds replaced by annotated_types', which pydantic enforces."""
    import types
    import typing

    import annotated_types

    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Annotated:
        base, *metadata = arguments
        converted = [
            getattr(annotated_types, type(item).__name__)(item.value) if isinstance(item, Bound) else item
            for item in metadata
        ]
        return typing.Annotated[(for_pydantic(base), *converted)]
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tuple(for_pydantic(argument) for argument in arguments)]  # noqa: UP007 - built at run time
    if origin is list and arguments:
        return list[for_pydantic(arguments[0])]
    if origin is dict and arguments:
        return dict[for_pydantic(arguments[0]), for_pydantic(arguments[1])]
    if origin is tuple and arguments:
        return tuple[tuple(a if a is Ellipsis else for_pydantic(a) for a in arguments)]
    return annotation
