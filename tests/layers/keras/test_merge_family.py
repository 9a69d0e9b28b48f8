"""Formula table for the Keras merge layers: input shapes (batch first) -> output shape, or the refusal.

Each row's expected value is Keras 3's own answer for the same call
(`keras.layers.X(**args)([keras.Input(...), ...]).shape`, checked while
writing them), or worked arithmetic where it is plain (8 + 4 = 12 rows).
"""

from __future__ import annotations

import pytest

from shapecalc.arguments.types import ArgumentError
from shapecalc.layers.base import Why
from shapecalc.layers.registry import lookup
from shapecalc.shapes import ShapeError

N = None

ROWS = [
    # id, type, args, inputs, expected shape or error code
    ("concat-channels", "Concatenate", {}, [(N, 89, 89, 64), (N, 89, 89, 128)], (N, 89, 89, 192)),
    ("concat-rows", "Concatenate", {"axis": 1}, [(N, 8, 6, 3), (N, 4, 6, 3)], (N, 12, 6, 3)),
    ("concat-axis-0", "Concatenate", {"axis": 0}, [(N, 8, 8, 4), (N, 8, 8, 4)], (N, 8, 8, 4)),
    ("concat-none-on-axis", "Concatenate", {"axis": 1}, [(N, N, 8, 4), (N, 3, 8, 4)], (N, N, 8, 4)),
    ("concat-none-elsewhere", "Concatenate", {}, [(N, N, 8, 4), (N, 3, 8, 4)], (N, N, 8, 8)),
    ("concat-three", "Concatenate", {}, [(N, 2), (N, 3), (N, 4)], (N, 9)),
    ("concat-89-vs-88", "Concatenate", {}, [(N, 89, 89, 64), (N, 88, 88, 128)], "SC103"),
    ("concat-ranks", "Concatenate", {}, [(N, 8, 8, 4), (N, 8, 4)], "SC103"),
    ("concat-axis-out-of-range", "Concatenate", {"axis": 5}, [(N, 8, 8, 4), (N, 8, 8, 4)], "SC102"),
    ("concat-axis-too-negative", "Concatenate", {"axis": -5}, [(N, 8, 8, 4), (N, 8, 8, 4)], "SC102"),
    ("add-broadcast-1", "Add", {}, [(N, 8, 1, 4), (N, 8, 5, 4)], (N, 8, 5, 4)),
    ("add-shorter-rank", "Add", {}, [(N, 4), (N, 3, 4)], (N, 3, 4)),
    ("add-none", "Add", {}, [(N, N, 8, 4), (N, 8, 8, 4)], (N, N, 8, 4)),
    ("add-mismatch", "Add", {}, [(N, 8, 8, 4), (N, 8, 8, 3)], "SC103"),
    ("add-known-batch", "Add", {}, [(4, 3), (4, 3)], (4, 3)),
    ("multiply-three", "Multiply", {}, [(N, 4), (N, 4), (N, 4)], (N, 4)),
    ("average", "Average", {}, [(N, 2, 3), (N, 2, 3)], (N, 2, 3)),
    ("maximum", "Maximum", {}, [(N, 1, 3), (N, 2, 1)], (N, 2, 3)),
    ("minimum", "Minimum", {}, [(N, 5), (N, 5)], (N, 5)),
    ("subtract", "Subtract", {}, [(N, 4), (N, 4)], (N, 4)),
    ("subtract-three", "Subtract", {}, [(N, 4), (N, 4), (N, 4)], "SC102"),
    ("add-one-input", "Add", {}, [(N, 4)], "SC102"),
    ("dot-vectors", "Dot", {"axes": 1}, [(N, 4), (N, 4)], (N, 1)),
    ("dot-pair", "Dot", {"axes": [2, 2]}, [(N, 5, 4), (N, 6, 4)], (N, 5, 6)),
    ("dot-negative", "Dot", {"axes": -1}, [(N, 5, 4), (N, 6, 4)], (N, 5, 6)),
    ("dot-negative-pair", "Dot", {"axes": [-1, -1]}, [(N, 5, 4), (N, 6, 4)], (N, 5, 6)),
    ("dot-axis-0", "Dot", {"axes": 0}, [(N, 5, 4), (N, 5, 4)], (5, 4, 4)),
    ("dot-mismatch", "Dot", {"axes": 1}, [(N, 5, 4), (N, 6, 4)], "SC103"),
    ("dot-none-vs-size", "Dot", {"axes": 1}, [(N, N, 4), (N, 5, 4)], "SC103"),
    ("dot-axes-out-of-range", "Dot", {"axes": 3}, [(N, 5, 4), (N, 5, 4)], "SC102"),
    ("dot-three-inputs", "Dot", {"axes": 1}, [(N, 4), (N, 4), (N, 4)], "SC102"),
]


def run(type_name: str, args: dict, inputs: list) -> tuple:
    cls = lookup("keras", type_name)
    assert cls is not None
    layer = cls.build(args)
    if not cls.min_inputs <= len(inputs) <= (cls.max_inputs or len(inputs)):
        raise ShapeError("arity", code="SC102")  # the engine's check_arity, as the engine applies it
    why = Why(sources=[f"source_{i}" for i in range(len(inputs))])
    output = layer.output_shape(inputs, why)
    assert layer.params(inputs, why).total == 0
    return output


@pytest.mark.parametrize(("type_name", "args", "inputs", "expected"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_merge_rule(type_name: str, args: dict, inputs: list, expected: tuple | str) -> None:
    if isinstance(expected, str):
        with pytest.raises(ShapeError) as error:
            run(type_name, args, inputs)
        assert error.value.code == expected
    else:
        assert run(type_name, args, inputs) == expected


def test_dot_refuses_three_axes_at_construction() -> None:
    with pytest.raises(ArgumentError):
        lookup("keras", "Dot").build({"axes": [1, 1, 1]})


def test_mismatch_names_both_shapes_their_layers_and_the_crop() -> None:
    with pytest.raises(ShapeError) as error:
        lookup("keras", "Concatenate").build({}).output_shape(
            [(N, 89, 89, 64), (N, 88, 88, 128)], Why(sources=["skip", "up"]))
    message = error.value.message
    assert "(None, 89, 89, 64) from 'skip' and (None, 88, 88, 128) from 'up'" in message
    assert "Cropping2D(cropping=((0, 1), (0, 1))) on 'skip'" in message
    assert "ZeroPadding2D(padding=((0, 1), (0, 1))) on 'up'" in message


def test_uneven_crop_puts_the_odd_pixel_last_and_handles_the_larger_second_input() -> None:
    with pytest.raises(ShapeError) as error:
        lookup("keras", "Concatenate").build({}).output_shape(
            [(N, 56, 56, 8), (N, 64, 61, 8)], Why(sources=["up", "skip"]))
    assert "Cropping2D(cropping=((4, 4), (2, 3))) on 'skip'" in error.value.message
