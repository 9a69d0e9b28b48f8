"""Elementwise arithmetic a forward() writes between tensors: `a * b`, `x / 8.0`, torch.maximum, comparisons, where.

Each operation takes two tensors (`inputs: [a, b]`), or one tensor and a
Python number (`other: 0.125`), and gives their broadcast shape (numpy's
rule, `shapecalc.broadcast`): aligned from the last axis, each pair of sizes
equal or one of them 1. A number has shape () and changes nothing.

    Add/Sub/Mul/Div(other, alpha, rounding_mode)   a + b, a - b, a * b, a / b
    Rsub(other)                                      other - a (`1.0 - mask`)
    Maximum/Minimum                                  torch.maximum/minimum: two tensors
    Pow(exponent)                                    a ** b
    Eq/Ne/Lt/Le/Gt/Ge(other)                         comparisons (bool results, same shapes)
    Where(condition, input, other)                   torch.where: three-way broadcast
    MaskedFill(value)                                x.masked_fill(mask, value): inputs [x, mask]
    Abs, Neg, Exp, Log, Sqrt, Rsqrt, Sin, Cos, ...   one tensor, shape unchanged

Add keeps its older n-ary form (`inputs: [a, b, c]`: a + b + c). None of
them has parameters.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from shapecalc.arguments.types import ArgumentError
from shapecalc.broadcast import broadcast_shapes
from shapecalc.costs import receptive
from shapecalc.layers.base import Why
from shapecalc.layers.torch.common import TorchLayer, torch_size
from shapecalc.shapes import Shape, ShapeError

Number = int | float


class _Binary(receptive.KeepsField, TorchLayer):
    """a op b for two tensors, or a op `other` for a tensor and a number; the result is their broadcast."""

    primary: ClassVar[str | None] = "other"
    max_inputs: ClassVar[int | None] = 2

    other: Number | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        name, other = self.type_name(), self.constant()
        if other is None and len(inputs) < 2:
            raise ShapeError(f"{name} needs a second operand: two inputs, or a number as `other`", code="SC102")
        if other is not None and len(inputs) > 1:
            raise ShapeError(f"{name} takes a second tensor or a number (`{self.primary}: {other}`), not both",
                             code="SC102")
        if len(inputs) == 1:
            why.step(f"{torch_size(inputs[0])} with the number {other}: shape unchanged")
            return inputs[0]
        result = broadcast_shapes(inputs, name, torch_size)
        why.step(f"broadcast {' with '.join(torch_size(s) for s in inputs)} = {torch_size(result)}")
        return result

    def constant(self) -> Number | None:
        """The number standing in for the second tensor, if any."""
        return self.other


class Add(_Binary):
    """torch.add / `a + b` (alpha scales b): the broadcast of its inputs; more than two are summed in order."""

    max_inputs: ClassVar[int | None] = None

    alpha: Number = 1


class Sub(_Binary):
    """torch.sub / `a - b` (alpha scales b): the broadcast of the two operands."""

    alpha: Number = 1


class Rsub(_Binary):
    """torch.rsub / `other - a` (`1.0 - mask`): the broadcast of the two operands."""

    alpha: Number = 1


class Mul(_Binary):
    """torch.mul / `a * b`: the broadcast of the two operands (squeeze-and-excitation's `scale * x`)."""


class Div(_Binary):
    """torch.div / `a / b` (rounding_mode 'trunc' or 'floor' for `//`): the broadcast of the two operands."""

    rounding_mode: Literal["trunc", "floor"] | None = None


class Pow(_Binary):
    """torch.pow / `a ** b` with `exponent` a tensor (second input) or a number."""

    primary: ClassVar[str | None] = "exponent"

    exponent: Number | None = None

    def constant(self) -> Number | None:
        return self.exponent


class _TwoTensors(_Binary):
    """Defined between two tensors only, as torch.maximum/minimum are (no number form)."""

    min_inputs: ClassVar[int] = 2
    primary: ClassVar[str | None] = None

    def check(self) -> None:
        if self.other is not None:
            raise ArgumentError("other", f"torch.{self.type_name().lower()} takes two tensors, not a number: "
                                f"use Clamp for a bound")


class Maximum(_TwoTensors):
    """torch.maximum(a, b): the broadcast of the two tensors."""


class Minimum(_TwoTensors):
    """torch.minimum(a, b): the broadcast of the two tensors."""


class Eq(_Binary):
    """`a == b` (torch.eq): a bool tensor of the broadcast shape."""


class Ne(_Binary):
    """`a != b` (torch.ne): a bool tensor of the broadcast shape."""


class Lt(_Binary):
    """`a < b` (torch.lt): a bool tensor of the broadcast shape."""


class Le(_Binary):
    """`a <= b` (torch.le): a bool tensor of the broadcast shape."""


class Gt(_Binary):
    """`a > b` (torch.gt): a bool tensor of the broadcast shape."""


class Ge(_Binary):
    """`a >= b` (torch.ge): a bool tensor of the broadcast shape."""


class Where(TorchLayer):
    """torch.where(condition, input, other): inputs [condition, input, other], or numbers as `input`/`other`.

    The result is the broadcast of all three shapes (a number counts as shape ()).
    """

    min_inputs: ClassVar[int] = 1
    max_inputs: ClassVar[int | None] = 3

    input: Number | None = None
    other: Number | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        wanted = 1 + (self.input is None) + (self.other is None)
        if len(inputs) != wanted:
            raise ShapeError(f"Where takes the condition and {wanted - 1} tensor(s) besides the numbers given as "
                             f"`input`/`other`: {wanted} input(s), received {len(inputs)}", code="SC102")
        return broadcast_shapes(inputs, "Where", torch_size)


class MaskedFill(TorchLayer):
    """x.masked_fill(mask, value): inputs [x, mask]; the result is the broadcast of the two shapes."""

    primary: ClassVar[str | None] = "value"
    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 2

    value: Number

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return broadcast_shapes(inputs, "MaskedFill", torch_size)


class _Unary(receptive.KeepsField, TorchLayer):
    """A function of each element: the shape does not change."""

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return inputs[0]


class Abs(_Unary):
    __doc__ = _Unary.__doc__


class Neg(_Unary):
    __doc__ = _Unary.__doc__


class Exp(_Unary):
    __doc__ = _Unary.__doc__


class Log(_Unary):
    __doc__ = _Unary.__doc__


class Sqrt(_Unary):
    __doc__ = _Unary.__doc__


class Rsqrt(_Unary):
    __doc__ = _Unary.__doc__


class Sin(_Unary):
    __doc__ = _Unary.__doc__


class Cos(_Unary):
    __doc__ = _Unary.__doc__


class Reciprocal(_Unary):
    __doc__ = _Unary.__doc__


class LogicalNot(_Unary):
    __doc__ = _Unary.__doc__


class Clamp(_Unary):
    """torch.clamp(min, max): the shape does not change."""

    min: Number | None = None
    max: Number | None = None


class Float(_Unary):
    """x.float() / x.to(dtype) / x.long() (a dtype change): the shape does not change."""


class Long(Float):
    __doc__ = Float.__doc__


class To(Float):
    __doc__ = Float.__doc__
    primary: ClassVar[str | None] = "dtype"
    dtype: str | None = None


class Tril(_Unary):
    """torch.tril(x, diagonal): the lower triangle of the last two axes (a causal mask); rank 2 or more, shape unchanged."""

    primary: ClassVar[str | None] = "diagonal"

    diagonal: int = 0

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        if len(inputs[0]) < 2:
            raise ShapeError(f"{self.type_name()}: the input tensor must have at least 2 dimensions, received "
                             f"{torch_size(inputs[0])}", code="SC102")
        return inputs[0]


class Triu(Tril):
    """torch.triu(x, diagonal): the upper triangle of the last two axes; rank 2 or more, shape unchanged."""
