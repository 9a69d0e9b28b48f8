"""Formula table for the Keras graph operations (`ops.add`, ...): operands -> output shape, or the refusal.

Each expected shape is what Keras 3 gives for the same call on symbolic
tensors (`keras.ops.add(keras.KerasTensor(shape1), shape2_or_constant).shape`,
keras.src.ops.operation_utils.broadcast_shapes), checked while writing them;
the last rows are worked from NumPy's rule (sizes equal or one of them 1).
"""

from __future__ import annotations

import pytest

from shapecalc.arguments.types import ArgumentError
from shapecalc.layers.base import Why
from shapecalc.layers.registry import lookup
from shapecalc.shapes import ShapeError

N = None

ROWS = [
    # id, type, args, tensor inputs, expected shape or error code
    ("add-constant", "ops.add", {"x2": 3.0}, [(N, 8, 8, 4)], (N, 8, 8, 4)),
    ("rsub-constant-first", "ops.subtract", {"x1": 3.0}, [(N, 4)], (N, 4)),
    ("multiply-se-scale", "ops.multiply", {}, [(N, 7, 7, 96), (N, 1, 1, 96)], (N, 7, 7, 96)),
    ("unknown-takes-known", "ops.add", {}, [(N, N, 8), (N, 5, 8)], (N, 5, 8)),
    ("known-keeps-over-unknown", "ops.add", {}, [(N, 5, 8), (N, N, 8)], (N, 5, 8)),
    ("unknown-against-1-stays", "ops.maximum", {}, [(N, N, 8), (N, 1, 8)], (N, N, 8)),
    ("rank-1-against-batch", "ops.true_divide", {}, [(16,), (N, 8, 16)], (N, 8, 16)),
    ("batch-axis-broadcasts", "ops.minimum", {}, [(3, 4), (N, 4)], (3, 4)),
    ("power-constant-base", "ops.power", {"x1": 2}, [(N, 3)], (N, 3)),
    ("negative", "ops.negative", {}, [(N, 2, 3)], (N, 2, 3)),
    ("abs-alias", "ops.abs", {}, [(N, 2, 3)], (N, 2, 3)),
    ("mismatch", "ops.add", {}, [(N, 8, 4), (N, 5, 4)], "SC103"),
    ("mismatch-against-constant-free", "ops.divide", {}, [(N, 3), (N, 4)], "SC103"),
    ("constant-leaves-one-operand", "ops.subtract", {"x1": 1.0}, [(N, 4), (N, 4)], "SC102"),
    ("no-constant-needs-two", "ops.multiply", {}, [(N, 4)], "SC102"),
]


def run(type_name: str, args: dict, inputs: list) -> tuple:
    cls = lookup("keras", type_name)
    assert cls is not None
    layer = cls.build(args)
    if not cls.min_inputs <= len(inputs) <= (cls.max_inputs or len(inputs)):
        raise ShapeError("arity", code="SC102")  # the engine's check_arity, as the engine applies it
    why = Why()
    output = layer.output_shape(inputs, why)
    assert layer.params(inputs, why).total == 0
    return output


@pytest.mark.parametrize(("type_name", "args", "inputs", "expected"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_operation_rule(type_name: str, args: dict, inputs: list, expected: object) -> None:
    if isinstance(expected, str):
        with pytest.raises(ShapeError) as error:
            run(type_name, args, inputs)
        assert error.value.code == expected
    else:
        assert run(type_name, args, inputs) == expected


@pytest.mark.parametrize(("type_name", "shown", "prefix"), [
    ("ops.add", "Add", "add"), ("ops.true_divide", "TrueDivide", "true_divide"),
    ("ops.floor_divide", "FloorDivide", "floor_divide"), ("ops.abs", "Absolute", "absolute"),
])
def test_shown_as_keras_names_the_operation(type_name: str, shown: str, prefix: str) -> None:
    """The summary's type is keras.src.ops.numpy's class name; the auto name its snake case."""
    cls = lookup("keras", type_name)
    assert cls is not None and cls.type_name() == shown and cls.name_prefix() == prefix and cls.graph_only


def test_two_constants_are_refused_when_read() -> None:
    with pytest.raises(ArgumentError) as error:
        lookup("keras", "ops.add").build({"x1": 1.0, "x2": 2.0})  # type: ignore[union-attr]
    assert error.value.argument == "x2"
