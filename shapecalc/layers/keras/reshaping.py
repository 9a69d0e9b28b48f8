"""Keras ZeroPadding1D/2D/3D and Cropping1D/2D/3D: add or remove rows at the edges of each spatial axis.

    ZeroPadding: out = i + lo + hi
    Cropping:    out = i - lo - hi      (Keras refuses a result <= 0)

The amounts come as Keras takes them: one int for every edge, a pair
(lo, hi) for the one axis of the 1-D layers, or per axis an int or a pair,
e.g. ((top, bottom), (left, right)). No parameters.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import ArgumentError, DataFormat, NonNegativeInt
from shapecalc.costs import receptive
from shapecalc.layers.base import Layer, Why, need_rank
from shapecalc.layers.keras.conv import axis_labels, join_channels, split_channels
from shapecalc.shapes import Axis, Dim, Shape, ShapeError, format_shape

Pair = tuple[int, int]
Amount = NonNegativeInt | list[NonNegativeInt]
Amounts = NonNegativeInt | list[NonNegativeInt | list[NonNegativeInt]]
ORDINALS = ("1st", "2nd", "3rd")


def pair(value: int | list[int], argument: str) -> Pair:
    """An int or a list of two ints as (lo, hi), as Keras's standardize_tuple(value, 2) reads it."""
    if isinstance(value, int):
        return (value, value)
    if len(value) != 2:
        raise ArgumentError(
            argument, f"the `{argument}` argument must be a tuple of 2 integers, received {value}"
        )
    return (value[0], value[1])


def pairs(value: int | list, rank: int, argument: str) -> tuple[Pair, ...]:
    """Per-axis (lo, hi) amounts of a 2-D/3-D layer: an int, or one int or pair per axis."""
    if isinstance(value, int):
        return ((value, value),) * rank
    if len(value) != rank:
        raise ArgumentError(
            argument, f"`{argument}` should have {rank} elements, received {argument}={value}"
        )
    return tuple(
        pair(entry, f"{ORDINALS[index]} entry of {argument}") for index, entry in enumerate(value)
    )


def edges(size: Dim, amounts: Pair, sign: int, label: str) -> Axis:
    """One axis grown (sign +1) or shrunk (sign -1) by the (lo, hi) amounts."""
    if size is None:
        return Axis(None, f"{label}None (unknown size stays unknown)")
    lo, hi = amounts
    out = size + sign * (lo + hi)
    op = "+" if sign > 0 else "-"
    return Axis(out, f"{label}{size} {op} {lo} {op} {hi} = {out}")


class _Edges(receptive.KeepsField, Layer):
    """Shared rule: each spatial axis changes by its (lo, hi) amounts; `sign` +1 pads, -1 crops."""

    rank: ClassVar[int] = 2
    sign: ClassVar[int] = 1
    argument: ClassVar[str] = "padding"

    def amounts(self) -> tuple[Pair, ...]:
        value = getattr(self, self.argument)
        if self.rank == 1:
            return (pair(value, self.argument),)
        return pairs(value, self.rank, self.argument)

    def layout(self) -> str | None:
        return getattr(self, "data_format", None)

    def check(self) -> None:
        self.amounts()

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        name = self.type_name()
        need_rank(shape, self.rank + 2, name)
        spatial, channels = split_channels(shape, self.layout())
        sizes = []
        for label, size, amounts in zip(
            axis_labels(self.rank), spatial, self.amounts(), strict=True
        ):
            axis = edges(size, amounts, self.sign, f"{label}: ")
            if axis.size is not None and axis.size <= 0:
                raise ShapeError(
                    f"{name}: values in `{self.argument}` must be smaller than the spatial size they crop, "
                    f"but input {format_shape(shape)} would leave nothing: {axis.formula}",
                    code="SC101",
                )
            sizes.append(why.axis(axis))
        return join_channels(shape[0], tuple(sizes), channels, self.layout())


class ZeroPadding1D(_Edges):
    """Pads the steps axis with zeros: out = i + lo + hi."""

    rank: ClassVar[int] = 1
    primary: ClassVar[str | None] = "padding"

    padding: Amount = 1
    data_format: DataFormat = None


class ZeroPadding2D(_Edges):
    """Pads height and width with zeros: out = i + lo + hi per axis."""

    rank: ClassVar[int] = 2
    primary: ClassVar[str | None] = "padding"

    padding: Amounts = 1
    data_format: DataFormat = None


class ZeroPadding3D(_Edges):
    """Pads the three spatial axes with zeros: out = i + lo + hi per axis."""

    rank: ClassVar[int] = 3
    primary: ClassVar[str | None] = "padding"

    padding: Amounts = 1
    data_format: DataFormat = None


class Cropping1D(_Edges):
    """Crops the steps axis: out = i - lo - hi, which must stay positive."""

    rank: ClassVar[int] = 1
    sign: ClassVar[int] = -1
    argument: ClassVar[str] = "cropping"
    primary: ClassVar[str | None] = "cropping"

    cropping: Amount = 1


class Cropping2D(_Edges):
    """Crops height and width: out = i - lo - hi per axis, which must stay positive."""

    rank: ClassVar[int] = 2
    sign: ClassVar[int] = -1
    argument: ClassVar[str] = "cropping"
    primary: ClassVar[str | None] = "cropping"

    cropping: Amounts = 0
    data_format: DataFormat = None


class Cropping3D(_Edges):
    """Crops the three spatial axes: out = i - lo - hi per axis, which must stay positive."""

    rank: ClassVar[int] = 3
    sign: ClassVar[int] = -1
    argument: ClassVar[str] = "cropping"
    primary: ClassVar[str | None] = "cropping"

    cropping: Amounts = 1
    data_format: DataFormat = None
