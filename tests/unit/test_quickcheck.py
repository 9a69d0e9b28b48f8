"""The quick check's verdict is pydantic's: it accepts exactly the arguments strict pydantic accepts unchanged.

`accepts()` promises "certainly valid, and pydantic would keep every value as
written" and answers False whenever it is unsure, so the property checked on
every draw is an equivalence: accepts(args) is True if and only if
`model_validate(args)` succeeds and returns every written value unchanged
(same type, same value: pydantic takes `True` for `Literal[1, 2]` as `1`, and
the quick check must leave that to pydantic; an int for a float is the same
number). The only classes exempt are
the ones the quick check declines to compile at all; it must then refuse
everything.

The generator is steered so that both verdicts occur for every layer type:
one side draws every argument from values pydantic accepts for that field
(found per field from a pool, by pydantic itself); the other spoils exactly
one thing (an invalid value, an unknown key, a missing required key); a third
side draws freely, as before.
"""

from __future__ import annotations

import functools
import typing
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ConfigDict, TypeAdapter, ValidationError

from shapecalc.arguments.bounds import for_pydantic
from shapecalc.arguments.quickcheck import _compiled, accepts, construct
from shapecalc.layers import registry

values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 2**41) | st.floats(allow_nan=True) | st.sampled_from(
        ["same", "valid", "causal", "relu", "channels_first", "channels_last", "x", ""]
    ),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2),
    max_leaves=6,
)

# Candidates for each field's valid and invalid values; each field keeps the ones pydantic accepts (or refuses).
POOL: list[Any] = [
    None, True, False, 0, 1, 2, 3, 8, -1, 2**41, 0.0, 0.5, 1.5, float("nan"), float("inf"),
    "same", "valid", "causal", "relu", "channels_first", "channels_last", "x", "",
    [], [1], [2, 2], [3, 3], [1, 1, 1], [0, 1], [[0, 1], [0, 1]], [[1, 1], [1, 1], [1, 1]], [0.5, 0.5], ["x"],
    [None, 3], {"a": 1}, {}, {"class_name": "ReLU", "config": {}},
]

LAYER_TYPES = [(framework, name) for framework, table in registry.TABLES.items() for name in sorted(table)]
STRICT = ConfigDict(strict=True, allow_inf_nan=False)


def literals(annotation: Any) -> list[Any]:
    """The values any Literal inside `annotation` names: the valid choices no pool could guess."""
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return [value for argument in typing.get_args(annotation) if not isinstance(argument, (str, int, float))
            for value in literals(argument)]


@functools.cache
def field_pools(framework: str, type_name: str) -> dict[str, tuple[list[Any], list[Any]]]:
    """Written key -> (values pydantic keeps as written for that field alone, values it refuses)."""
    cls = registry.lookup(framework, type_name)
    pools = {}
    for name, info in cls.model_fields.items():
        adapter = TypeAdapter(for_pydantic(info.annotation), config=STRICT)
        good, bad = [], []
        for value in POOL + literals(info.annotation):
            try:
                kept = adapter.validate_python(value)
            except ValidationError:
                bad.append(value)
            else:
                if same_value(value, kept):  # True for Literal[1, 2] is accepted, but as 1: neither side
                    good.append(value)
        pools[info.alias or name] = (good, bad)
    return pools


def same_value(written: Any, kept: Any) -> bool:
    """Equal in value and in type, all the way down (True is not 1, a list is not a tuple); the one
    widening allowed is an int where a float is asked for (pydantic stores 0 as 0.0, the same number)."""
    if type(written) is int and type(kept) is float:
        return written == kept
    if type(written) is not type(kept):
        return False
    if isinstance(written, list):
        return len(written) == len(kept) and all(map(same_value, written, kept))
    if isinstance(written, dict):
        return written.keys() == kept.keys() and all(same_value(written[k], kept[k]) for k in written)
    return written == kept or (written != written and kept != kept)  # nan is nan


def pydantic_keeps(cls: Any, args: dict[str, Any]) -> bool:
    """Strict pydantic accepts `args` and keeps every written value as written (a class that takes extra
    keys, as PyTorch's Identity does, keeps them aside)."""
    try:
        validated = cls.model_validate(args).model_dump()
    except ValidationError:
        return False
    names = {info.alias or name: name for name, info in cls.model_fields.items()}
    return all(same_value(value, validated[names[key]]) for key, value in args.items() if key in names)


@st.composite
def arguments(draw: st.DrawFn, framework: str, type_name: str, side: str) -> dict[str, Any]:
    cls = registry.lookup(framework, type_name)
    pools = field_pools(framework, type_name)
    required = [info.alias or name for name, info in cls.model_fields.items() if info.is_required()]
    optional = [key for key in pools if key not in required]
    keys = required + draw(st.lists(st.sampled_from(optional), max_size=4, unique=True)) if optional else required
    if side == "any":
        extra = draw(st.lists(st.sampled_from([*pools, "bogus"]), max_size=4, unique=True))
        return {key: draw(values) for key in dict.fromkeys(required + extra)}
    args = {key: draw(st.sampled_from(pools[key][0])) for key in keys}
    if side == "invalid":
        spoilable = [key for key in pools if pools[key][1]]
        ways = (["unknown key"] if cls.model_config.get("extra") == "forbid" else []) + (["missing key"] if required else []) + (["bad value"] if spoilable else [])
        way = draw(st.sampled_from(ways))
        if way == "unknown key":
            args["bogus"] = draw(values)
        elif way == "missing key":
            del args[draw(st.sampled_from(required))]
        else:
            key = draw(st.sampled_from(spoilable))
            args[key] = draw(st.sampled_from(pools[key][1]))
    return args


def check_verdict(cls: Any, args: dict[str, Any]) -> bool:
    """The quick check's verdict on `args` is pydantic's; returns pydantic's."""
    keeps = pydantic_keeps(cls, args)
    if _compiled(cls) is None:  # the quick check declines this class: every file goes to pydantic
        assert not accepts(cls, args)
        return keeps
    assert accepts(cls, args) is keeps, args
    if keeps:
        assert construct(cls, args).model_dump() == cls.model_validate(args).model_dump()
    return keeps


def can_be_spoiled(framework: str, type_name: str) -> bool:
    """Some argument dict of this type is invalid (PyTorch's Identity takes any keyword and ignores it)."""
    cls = registry.lookup(framework, type_name)
    return cls.model_config.get("extra") == "forbid" or any(info.is_required() for info in cls.model_fields.values())


STEERED = [(framework, type_name, side) for framework, type_name in LAYER_TYPES for side in ("valid", "invalid")
           if side == "valid" or can_be_spoiled(framework, type_name)]


@pytest.mark.parametrize("framework, type_name", LAYER_TYPES)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_verdict_on_free_draws(framework, type_name, data):
    cls = registry.lookup(framework, type_name)
    check_verdict(cls, data.draw(arguments(framework, type_name, "any")))


@pytest.mark.parametrize("framework, type_name, side", STEERED)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_verdict_on_steered_draws(framework, type_name, side, data):
    """Both verdicts, for every layer type: the steered draws land on the side they aim at."""
    cls = registry.lookup(framework, type_name)
    args = data.draw(arguments(framework, type_name, side))
    assert check_verdict(cls, args) is (side == "valid"), f"the {side} draw landed on the other side: {args}"


def test_every_field_has_a_valid_value_to_draw():
    """Else the valid side could not be drawn for that type."""
    empty = [(framework, type_name, key) for framework, type_name in LAYER_TYPES
             for key, (good, _) in field_pools(framework, type_name).items() if not good]
    assert empty == []


def test_known_good_and_bad_arguments():
    conv = registry.lookup("keras", "Conv2D")
    assert accepts(conv, {"filters": 8, "kernel_size": [3, 3], "padding": "same"})
    assert not accepts(conv, {"filters": 8, "kernel_size": "3"})
    assert not accepts(conv, {"filters": True, "kernel_size": 3})
    assert not accepts(conv, {"filters": 8, "kernel_size": 3, "strides": 1.5})
    assert not accepts(conv, {"filters": 8})  # missing kernel_size
    assert not accepts(conv, {"filters": 8, "kernel_size": 3, "strid": 2})
    lstm = registry.lookup("keras", "LSTM")
    assert not accepts(lstm, {"units": 2, "implementation": True})  # pydantic keeps it as 1
