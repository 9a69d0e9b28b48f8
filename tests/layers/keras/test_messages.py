"""What the Keras layers' refusals say: a suggestion for a misspelt name, and the fix for a skip connection.

The formula table (formulas.yaml) checks each refusal's code; these check
the words a user reads, which are not a formula.
"""

from __future__ import annotations

import pytest

from shapecalc.arguments.types import ArgumentError
from shapecalc.layers.base import Why
from shapecalc.layers.registry import lookup
from shapecalc.shapes import ShapeError

N = None


def test_unknown_activation_suggests_the_closest_name() -> None:
    with pytest.raises(ArgumentError) as raised:
        lookup("keras", "Activation").build({"activation": "sigmoidd"})
    assert "did you mean 'sigmoid'?" in raised.value.message


def test_two_constants_are_refused_at_the_second() -> None:
    with pytest.raises(ArgumentError) as error:
        lookup("keras", "ops.add").build({"x1": 1.0, "x2": 2.0})  # type: ignore[union-attr]
    assert error.value.argument == "x2"


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
