"""NumPy broadcasting of shapes, shared by the elementwise operations of both frameworks.

Shapes are aligned from their last axis; the shorter one is padded with 1s
in front. On each axis the two sizes must be equal or one of them 1, and
the result takes the other one:

    (None, 8, 1, 6) with (7, 1) -> (None, 8, 7, 6)

An unknown size (`None`) broadcasts as the framework would at run time:
against 1 or another unknown it stays unknown; against a known size k > 1
the result is k (the unknown must be k or 1, or the framework would fail).
A pair of known sizes that differ, neither 1, is an SC103 error that
names both shapes, as Merge layers name the branches that disagree.
"""

from __future__ import annotations

from collections.abc import Callable

from shapecalc.codes import ERROR, Code
from shapecalc.shapes import Dim, Shape, ShapeError, format_shape

SC103 = Code("SC103", ERROR, "merge layer inputs disagree",
             "merge layer inputs disagree: both shapes and where they come from, and the pooling whose flooring made one branch smaller")


class BroadcastError(ShapeError):
    """Two shapes that cannot broadcast; carries the axis and sizes for a framework's own wording."""

    def __init__(self, message: str, left: Shape, right: Shape, axis: int, sizes: tuple[int, int]):
        super().__init__(message, code="SC103")
        self.left, self.right, self.axis, self.sizes = left, right, axis, sizes


def broadcast_pair(left: Shape, right: Shape, layer: str = "",
                   show: Callable[[Shape], str] = format_shape) -> Shape:
    """The broadcast of two shapes, or a BroadcastError naming both (shown with `show`)."""
    rank = max(len(left), len(right))
    a = (1,) * (rank - len(left)) + tuple(left)
    b = (1,) * (rank - len(right)) + tuple(right)
    out: list[Dim] = []
    for axis, (x, y) in enumerate(zip(a, b, strict=True)):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        elif x is None or y is None:
            out.append(y if x is None else x)
        else:
            prefix = f"{layer}: " if layer else ""
            raise BroadcastError(
                f"{prefix}shapes {show(left)} and {show(right)} cannot be broadcast: the size {x} must match the "
                f"size {y} at non-singleton dimension {axis} (sizes must be equal or one of them 1, aligned "
                f"from the last axis)", left, right, axis, (x, y))
    return tuple(out)


def broadcast_shapes(shapes: list[Shape], layer: str = "",
                     show: Callable[[Shape], str] = format_shape) -> Shape:
    """The broadcast of any number of shapes, left to right (broadcasting is associative)."""
    result = shapes[0]
    for shape in shapes[1:]:
        result = broadcast_pair(result, shape, layer, show)
    return result
