"""Argument classes declared like pydantic models, whose pydantic validator is built only when needed.

A layer type declares its arguments as annotated class attributes with
defaults, exactly as a pydantic model would. Creating ~60 real pydantic model
classes (and importing pydantic's model machinery) costs more than analysing
a whole ResNet-50, and a pre-commit hook pays it on every commit. So these
classes are plain Python: `arguments/quickcheck.py` accepts the common valid
arguments from the annotations alone, and only arguments it is unsure of go
through `model_validate()`, which builds a real pydantic model from the same
annotations on first use and has the final word (and the precise error).

The subset of pydantic's API the project uses is kept: `model_fields`,
`model_config`, `model_validate`, `model_construct`, `model_copy`,
`model_dump`; instances are frozen.
"""

from __future__ import annotations

import typing
from typing import Any, ClassVar

REQUIRED: Any = type("Required", (), {"__repr__": lambda self: "REQUIRED"})()


class Aliased:
    """A default that also names the argument as it is written in a file (pydantic's Field(alias=...))."""

    def __init__(self, alias: str, default: Any = REQUIRED):
        self.alias = alias
        self.default = default


class FieldSpec:
    """One declared argument: the parts of pydantic's FieldInfo the project reads."""

    __slots__ = ("name", "annotation", "default", "alias")
    default_factory = None
    metadata: ClassVar[list[Any]] = []

    def __init__(self, name: str, annotation: Any, default: Any, alias: str | None):
        self.name = name
        self.annotation = annotation
        self.default = default
        self.alias = alias

    def is_required(self) -> bool:
        return self.default is REQUIRED


class _ClassFields:
    """`cls.model_fields`: the declared arguments, worked out from the annotations once per class."""

    def __get__(self, instance: Any, owner: type[Declared]) -> dict[str, FieldSpec]:
        found = owner.__dict__.get("_fields")
        if found is None:
            found = _collect_fields(owner)
            owner._fields = found
        return found


def _collect_fields(cls: type) -> dict[str, FieldSpec]:
    fields: dict[str, FieldSpec] = {}
    for name, hint in _annotations(cls).items():
        default = getattr(cls, name, REQUIRED)
        alias = None
        if isinstance(default, Aliased):
            alias, default = default.alias, default.default
        fields[name] = FieldSpec(name, hint, default, alias)
    return fields


def _annotations(cls: type) -> dict[str, Any]:
    """The evaluated field annotations of `cls` and its bases (ClassVars and private names left out).

    `typing.get_type_hints` would do, but it re-evaluates every base class's
    annotations for each subclass and compiles each string anew; a conv
    family of 20 arguments in 3 classes paid that 60 times. Here each class's
    own annotations are evaluated once, and each distinct text once per module.
    """
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass is object:
            continue
        own = klass.__dict__.get("_own_hints")
        if own is None:
            own = {
                name: _CLASSVAR if _is_classvar(text) else _evaluate(text, klass.__module__)
                for name, text in klass.__dict__.get("__annotations__", {}).items()
                if not name.startswith("_")
            }
            type.__setattr__(klass, "_own_hints", own)
        for name, hint in own.items():
            if hint is _CLASSVAR:
                hints.pop(name, None)  # a subclass may turn an inherited argument into a constant
            else:
                hints[name] = hint
    return hints


_CLASSVAR = object()


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or typing.get_origin(annotation) is ClassVar


_EVALUATED: dict[tuple[str, str], Any] = {}


def _evaluate(annotation: Any, module: str) -> Any:
    """An annotation string (from `from __future__ import annotations`) as the object it names."""
    if not isinstance(annotation, str):
        return annotation
    key = (module, annotation)
    if key not in _EVALUATED:
        import builtins
        import sys

        namespace = vars(sys.modules[module])
        if annotation.isidentifier():
            value = namespace[annotation] if annotation in namespace else getattr(builtins, annotation)
        else:
            value = eval(annotation, namespace)  # noqa: S307 - our own source's annotations
        _EVALUATED[key] = value
    return _EVALUATED[key]


class Declared:
    """Base of the argument classes: annotated attributes, pydantic-compatible, lazily validated."""

    model_config: ClassVar[dict[str, Any]] = {
        "extra": "forbid",
        "strict": True,
        "allow_inf_nan": False,
        "frozen": True,
    }
    model_fields = _ClassFields()
    _fields: ClassVar[dict[str, FieldSpec] | None] = None
    _validator: ClassVar[Any] = None
    _own_hints: ClassVar[dict[str, Any] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = None
        cls._validator = None
        cls._own_hints = None

    @classmethod
    def model_construct(cls, **values: Any) -> Any:
        """An instance from values known to be valid, missing ones taking their defaults."""
        instance = cls.__new__(cls)
        data = {name: field.default for name, field in cls.model_fields.items() if not field.is_required()}
        data.update(values)
        object.__setattr__(instance, "__dict__", data)
        return instance

    @classmethod
    def model_validate(cls, data: Any) -> Any:
        """Full pydantic validation; raises pydantic.ValidationError with pydantic's locations."""
        validated = cls.pydantic_model().model_validate(data)
        return cls.model_construct(**{name: getattr(validated, name) for name in cls.model_fields})

    @classmethod
    def pydantic_model(cls) -> Any:
        """The real pydantic model for these annotations, built on first use."""
        model = cls.__dict__.get("_validator")
        if model is None:
            from pydantic import ConfigDict, Field, create_model

            from shapecalc.arguments.bounds import for_pydantic

            definitions: dict[str, Any] = {}
            for name, field in cls.model_fields.items():
                default = ... if field.is_required() else field.default
                spec = Field(default, alias=field.alias) if field.alias else default
                definitions[name] = (for_pydantic(field.annotation), spec)
            config = ConfigDict(**cls.model_config, protected_namespaces=())
            model = create_model(cls.__name__, __config__=config, **definitions)
            cls._validator = model
        return model

    def model_dump(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in type(self).model_fields}

    def model_copy(self, update: dict[str, Any] | None = None) -> Any:
        return type(self).model_construct(**{**self.__dict__, **(update or {})})

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: arguments do not change once read")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__}({inner})"


def validation_error() -> type[Exception]:
    """pydantic's ValidationError, imported only when an exception is being matched.

    Use as `except validation_error() as error:`; Python evaluates an except
    clause's expression only when an exception reaches it, so the happy path
    never imports pydantic.
    """
    from pydantic import ValidationError

    return ValidationError
