"""Keras graph operations between tensors, or a tensor and a constant: `x + 3.0`, `keras.ops.multiply(a, b)`.

In a functional model, Python's operators on a Keras tensor call an
operation of `keras.src.ops.numpy` (`x + 3.0` is `Add()(x, 3.0)`, `x / 6`
is `TrueDivide`, `3.0 - x` is `Subtract()(3.0, x)`), and Keras's summary
lists each as its own row, `add (Add)`, with 0 parameters. Its auto name is
its class name in snake case, from the counter that the layer of the same
class name uses too: after an `ops.add` row named `add`, an unnamed
`keras.layers.Add` is `add_1`. A constant is no layer, so "Connected to"
lists only the tensors.

A file writes an operation as `ops.<function>`, the `keras.ops` function the
operator calls, with Keras's own argument names `x1` and `x2` for a constant
operand; the tensor operands come from `inputs:` (the previous layer by
default) and fill the other places in order:

    - ops.add: 3.0                      # x + 3.0 (the scalar form is x2)
    - ops.subtract: {x1: 3.0}           # 3.0 - x
    - ops.multiply: {inputs: [a, b]}    # a * b
    - ops.negative                      # -x

Shapes broadcast as NumPy's do, batch axis included (Keras's
`broadcast_shapes`): aligned from the last axis, a size of 1 stretches, an
unknown size against a known one k gives k. Two known sizes that differ,
neither 1, are error SC103 naming both shapes. Operations exist only in
functional models: a file that uses one is a functional model.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import AnyInt
from shapecalc.broadcast import broadcast_shapes
from shapecalc.layers.base import Layer, Why
from shapecalc.shapes import Shape, ShapeError, format_shape

Constant = AnyInt | float


class _Operation(Layer):
    """What every operation shares: no parameters, graph-only, and its function's name in messages."""

    graph_only: ClassVar[bool] = True
    function: ClassVar[str] = ""  # the keras.ops function a file names it by

    @classmethod
    def written(cls) -> str:
        return f"ops.{cls.function}"


class _Binary(_Operation):
    """Two operands, each a tensor input or a constant; the output is their broadcast shape."""

    primary: ClassVar[str | None] = "x2"
    min_inputs: ClassVar[int] = 1
    max_inputs: ClassVar[int | None] = 2

    x1: Constant | None = None
    x2: Constant | None = None

    def check(self) -> None:
        if self.x1 is not None and self.x2 is not None:
            from shapecalc.arguments.types import ArgumentError

            raise ArgumentError("x2", f"{self.written()} of two constants ({self.x1}, {self.x2}) is a number, "
                                      "not a tensor: at least one operand must be a tensor input")

    def operands(self, inputs: list[Shape], why: Why) -> list[Shape | None]:
        """The two operands in order: a tensor's shape, or None for a constant; refuses a wrong count."""
        constants = [self.x1, self.x2]
        wanted = constants.count(None)
        if len(inputs) != wanted:
            given = ", ".join(f"x{i + 1}={value}" for i, value in enumerate(constants) if value is not None)
            raise ShapeError(f"{self.written()} takes 2 operands; with the constant {given} it takes {wanted} "
                             f"tensor input(s), received {len(inputs)}", code="SC102")
        tensors = iter(inputs)
        return [next(tensors) if value is None else None for value in constants]

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        operands = self.operands(inputs, why)
        shapes = [shape for shape in operands if shape is not None]
        shown = " and ".join(format_shape(shape) if shape is not None else f"the constant {value}"
                             for shape, value in zip(operands, (self.x1, self.x2), strict=True))
        result = broadcast_shapes(shapes, self.written())
        why.step(f"{self.written()}: {shown} broadcast to {format_shape(result)}")
        return result


class _Unary(_Operation):
    """One tensor operand; the output has its shape."""

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        why.step(f"{self.written()}: elementwise, shape {format_shape(inputs[0])} unchanged")
        return inputs[0]


class Add(_Binary):
    """x1 + x2 (`keras.ops.add`, Python's `+`): NumPy broadcasting, batch axis included; no parameters."""

    function: ClassVar[str] = "add"


class Subtract(_Binary):
    """x1 - x2 (`keras.ops.subtract`, Python's `-`): NumPy broadcasting, batch axis included; no parameters."""

    function: ClassVar[str] = "subtract"


class Multiply(_Binary):
    """x1 * x2 (`keras.ops.multiply`, Python's `*`): NumPy broadcasting, batch axis included; no parameters."""

    function: ClassVar[str] = "multiply"


class Divide(_Binary):
    """x1 / x2 (`keras.ops.divide`): NumPy broadcasting, batch axis included; no parameters."""

    function: ClassVar[str] = "divide"


class TrueDivide(_Binary):
    """x1 / x2 (`keras.ops.true_divide`, what Python's `/` calls): NumPy broadcasting; no parameters."""

    function: ClassVar[str] = "true_divide"


class FloorDivide(_Binary):
    """x1 // x2 (`keras.ops.floor_divide`, Python's `//`): NumPy broadcasting; no parameters."""

    function: ClassVar[str] = "floor_divide"


class Mod(_Binary):
    """x1 % x2 (`keras.ops.mod`, Python's `%`): NumPy broadcasting; no parameters."""

    function: ClassVar[str] = "mod"


class Power(_Binary):
    """x1 ** x2 (`keras.ops.power`, Python's `**`): NumPy broadcasting; no parameters."""

    function: ClassVar[str] = "power"


class Maximum(_Binary):
    """max(x1, x2) elementwise (`keras.ops.maximum`): NumPy broadcasting; no parameters."""

    function: ClassVar[str] = "maximum"


class Minimum(_Binary):
    """min(x1, x2) elementwise (`keras.ops.minimum`): NumPy broadcasting; no parameters."""

    function: ClassVar[str] = "minimum"


class Negative(_Unary):
    """-x (`keras.ops.negative`, Python's unary `-`): shape unchanged; no parameters."""

    function: ClassVar[str] = "negative"


class Absolute(_Unary):
    """|x| (`keras.ops.absolute`, Python's `abs()`): shape unchanged; no parameters."""

    function: ClassVar[str] = "absolute"
