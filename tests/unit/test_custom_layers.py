"""The size expressions of `custom_layers:` declarations: parsed, never evaluated as code, worked out exactly.

Each row's value is worked by hand from the arguments and input shapes given.
"""

from __future__ import annotations

import pytest

from shapecalc.layers.custom import DeclarationError, declare
from shapecalc.layers.declared_sizes import evaluate, parse_size
from shapecalc.shapes import ShapeError

N = None
ARGS = {"filters": 8, "factor": 2, "unknown": None, "label": "x"}
INPUTS = [(N, 32, 24, 16), (N, 5, 7)]

VALUES = [
    ("number", 7, 7),
    ("argument", "filters", 8),
    ("product", "filters * 2", 16),
    ("floor-division", "size(1) // factor", 16),
    ("negative-axis", "size(-1)", 16),
    ("second-input", "size(2, 1)", 7),
    ("precedence", "size(1) + filters * 2", 48),
    ("parentheses", "(size(1) + filters) * 2", 80),
    ("subtract-unary-minus", "size(2) - -factor", 26),
    ("floor-of-negative", "(0 - 7) // 2", -4),
    ("unknown-axis", "size(0) * 2", N),
    ("unknown-argument", "unknown + 1", N),
    ("null", None, N),
]


@pytest.mark.parametrize(("written", "expected"), [row[1:] for row in VALUES], ids=[row[0] for row in VALUES])
def test_size_value(written: object, expected: object) -> None:
    term = parse_size(written, set(ARGS))
    assert evaluate(term, ARGS, INPUTS, "test") == expected


REFUSED_WHEN_READ = [
    ("code", "__import__('os')"),
    ("attribute", "filters.real"),
    ("power", "filters ** 2"),
    ("true-division", "filters / 2"),
    ("unknown-name", "channels"),
    ("unclosed", "(filters + 1"),
    ("dangling-operator", "filters *"),
    ("brackets", "input[1]"),
    ("negative-input", "size(1, -1)"),
    ("too-long", "1 + " * 60 + "1"),
    ("too-deep", "(" * 20 + "1" + ")" * 20),
    ("float", 2.5),
    ("bool", True),
    ("negative-number", -3),
]


@pytest.mark.parametrize("written", [row[1] for row in REFUSED_WHEN_READ], ids=[row[0] for row in REFUSED_WHEN_READ])
def test_refused_when_read(written: object) -> None:
    with pytest.raises(DeclarationError):
        parse_size(written, set(ARGS))


@pytest.mark.parametrize(("written", "code"), [
    ("size(4)", "SC102"), ("size(1, 2)", "SC102"), ("label * 2", "SC102"), ("filters // (factor - 2)", "SC101"),
])
def test_refused_for_these_inputs(written: str, code: str) -> None:
    with pytest.raises(ShapeError) as error:
        evaluate(parse_size(written, set(ARGS)), ARGS, INPUTS, "test")
    assert error.value.code == code


@pytest.mark.parametrize(("name", "declaration", "key"), [
    ("layer_scale", {}, ()),  # a class name is an identifier without a leading underscore... and this one is one
    ("_Hidden", {}, ()),
    ("Scale", {"arguments": ["name"]}, ("arguments", 0)),
    ("Scale", {"arguments": ["output_shape"]}, ("arguments", 0)),
    ("Scale", {"arguments": ["a", "a"]}, ("arguments", 1)),
    ("Scale", {"inputs": 0}, ("inputs",)),
    ("Scale", {"output": "bigger"}, ("output",)),
    ("Scale", {"weights": [3]}, ("weights",)),
    ("Scale", {"weights": {"w": [2.5]}}, ("weights", "w", 0)),
])
def test_declarations_refused(name: str, declaration: dict, key: tuple) -> None:
    if name == "layer_scale":  # snake case is still an identifier: accepted, as Python would
        assert declare(name, declaration, "keras").type_name() == "layer_scale"
        return
    with pytest.raises(DeclarationError) as error:
        declare(name, declaration, "keras")
    assert error.value.where == key


def test_declared_class_counts_its_weights() -> None:
    from shapecalc.layers.base import Why

    cls = declare("PoolProject", {"arguments": ["filters", {"factor": 2}],
                                  "output": ["size(1) // factor", "size(2) // factor", "filters * 2"],
                                  "weights": {"kernel": ["size(-1)", "filters"], "bias": ["filters"]},
                                  "non_trainable_weights": {"scale": ["filters"]}}, "keras")
    layer = cls.build({"filters": 5})
    why = Why()
    assert layer.output_shape([(N, 9, 7, 6)], why) == (N, 4, 3, 10)
    assert layer.params([(N, 9, 7, 6)], why) == (6 * 5 + 5, 5)  # kernel 6x5 and bias 5; scale 5 frozen
    assert cls.name_prefix() == "pool_project" and cls.user_declared and cls.primary == "filters"
