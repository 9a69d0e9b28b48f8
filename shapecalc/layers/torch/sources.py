"""Tensors a PyTorch model makes without an input: learned Parameters, registered buffers, created tensors.

They start a branch of the graph (they take no inputs) and are joined to
it by the elementwise, cat and matmul entries:

    Parameter(shape):                a learned tensor (ViT's class token, ConvNeXt's layer
                                     scale): shape as written, prod(shape) trainable params
    Buffer(shape):                   module.register_buffer: shape as written, 0 params
    Ones/Zeros/Empty/Rand/Randn(size), Full(size, fill_value): shape `size`, 0 params
    Arange(start=0, end, step=1):    ceil((end - start) / step) elements, 0 params

A Parameter's values are weights, so `trainable: false` makes them
non-trainable (requires_grad=False); a buffer is never a parameter, as
`module.parameters()` does not list it.
"""

from __future__ import annotations

import math
from typing import ClassVar

from shapecalc.arguments.types import ArgumentError, NonNegativeInt
from shapecalc.layers.base import Params, Why
from shapecalc.layers.torch.common import TorchLayer, torch_size
from shapecalc.shapes import Shape, product

Number = int | float


class _Source(TorchLayer):
    """A tensor that starts a branch: no inputs, its shape as written."""

    min_inputs: ClassVar[int] = 0
    max_inputs: ClassVar[int | None] = 0

    def tensor_shape(self) -> Shape:
        raise NotImplementedError

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = self.tensor_shape()
        why.step(f"a tensor of shape {torch_size(shape)}, {product(shape)} elements")
        return shape


class Parameter(_Source):
    """nn.Parameter(torch.zeros(shape)): a learned tensor of `shape`; its elements are trainable parameters."""

    primary: ClassVar[str | None] = "shape"

    shape: list[NonNegativeInt]
    requires_grad: bool = True

    def tensor_shape(self) -> Shape:
        return tuple(self.shape)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        count = product(tuple(self.shape)) or 0
        why.step(f"params: {' * '.join(map(str, self.shape)) or '1'} = {count}")
        return Params(count) if self.requires_grad else Params(0, count)


class Buffer(_Source):
    """module.register_buffer(name, tensor): a tensor of `shape` that is no parameter (0 params)."""

    primary: ClassVar[str | None] = "shape"

    shape: list[NonNegativeInt]
    persistent: bool = True

    def tensor_shape(self) -> Shape:
        return tuple(self.shape)


class _Created(_Source):
    """torch.ones(size) and its kin: a new tensor of `size`, 0 params."""

    primary: ClassVar[str | None] = "size"

    size: list[NonNegativeInt]
    dtype: str | None = None

    def tensor_shape(self) -> Shape:
        return tuple(self.size)


class Ones(_Created):
    """torch.ones(size): a tensor of `size`, 0 params."""


class Zeros(_Created):
    """torch.zeros(size): a tensor of `size`, 0 params."""


class Empty(_Created):
    """torch.empty(size): a tensor of `size`, 0 params."""


class Rand(_Created):
    """torch.rand(size): a tensor of `size`, 0 params."""


class Randn(_Created):
    """torch.randn(size): a tensor of `size`, 0 params."""


class Full(_Created):
    """torch.full(size, fill_value): a tensor of `size`, 0 params."""

    fill_value: Number


class Arange(_Source):
    """torch.arange(start, end, step): ceil((end - start) / step) elements; the step's sign must lead to end."""

    primary: ClassVar[str | None] = "end"

    start: Number = 0
    end: Number
    step: Number = 1
    dtype: str | None = None

    def check(self) -> None:
        if self.step == 0:
            raise ArgumentError("step", "step must be nonzero")
        if (self.end - self.start) * self.step < 0:
            raise ArgumentError("step", f"upper bound and larger bound inconsistent with step sign: start "
                                f"{self.start}, end {self.end}, step {self.step}")

    def tensor_shape(self) -> Shape:
        return (math.ceil((self.end - self.start) / self.step),)
