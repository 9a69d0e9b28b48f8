"""torch.nn activation modules: elementwise, so the output has the input's shape.

The exceptions: GLU halves its `dim` (which must be even); PReLU learns
`num_parameters` slopes (1, or one per channel of axis 1); Softmax and
friends refuse a `dim` outside the input's rank.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from shapecalc.arguments.types import AnyInt, PositiveInt
from shapecalc.costs import receptive
from shapecalc.layers.base import Params, Why
from shapecalc.layers.torch.common import TorchLayer, normalize_dim, torch_size
from shapecalc.shapes import Shape, ShapeError


class _Elementwise(receptive.KeepsField, TorchLayer):
    """An activation applied to every element: the shape does not change, no parameters."""

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return inputs[0]


class _InPlace(_Elementwise):
    inplace: bool = False


class ReLU(_InPlace):
    __doc__ = _Elementwise.__doc__


class ReLU6(_InPlace):
    __doc__ = _Elementwise.__doc__


class SELU(_InPlace):
    __doc__ = _Elementwise.__doc__


class SiLU(_InPlace):
    __doc__ = _Elementwise.__doc__


class Mish(_InPlace):
    __doc__ = _Elementwise.__doc__


class Hardswish(_InPlace):
    __doc__ = _Elementwise.__doc__


class Hardsigmoid(_InPlace):
    __doc__ = _Elementwise.__doc__


class Sigmoid(_Elementwise):
    __doc__ = _Elementwise.__doc__


class Tanh(_Elementwise):
    __doc__ = _Elementwise.__doc__


class LogSigmoid(_Elementwise):
    __doc__ = _Elementwise.__doc__


class Softsign(_Elementwise):
    __doc__ = _Elementwise.__doc__


class Tanhshrink(_Elementwise):
    __doc__ = _Elementwise.__doc__


class LeakyReLU(_InPlace):
    __doc__ = _Elementwise.__doc__
    primary: ClassVar[str | None] = "negative_slope"
    negative_slope: float = 0.01


class ELU(_InPlace):
    __doc__ = _Elementwise.__doc__
    primary: ClassVar[str | None] = "alpha"
    alpha: float = 1.0


class CELU(ELU):
    __doc__ = _Elementwise.__doc__


class GELU(_Elementwise):
    __doc__ = _Elementwise.__doc__
    primary: ClassVar[str | None] = "approximate"
    approximate: Literal["none", "tanh"] = "none"


class Softplus(_Elementwise):
    __doc__ = _Elementwise.__doc__
    beta: float = 1.0
    threshold: float = 20.0


class Hardtanh(_InPlace):
    __doc__ = _Elementwise.__doc__
    min_val: float = -1.0
    max_val: float = 1.0


class Threshold(_InPlace):
    __doc__ = _Elementwise.__doc__
    threshold: float
    value: float


class Softshrink(_Elementwise):
    __doc__ = _Elementwise.__doc__
    primary: ClassVar[str | None] = "lambd"
    lambd: float = 0.5


class Hardshrink(Softshrink):
    __doc__ = _Elementwise.__doc__


class RReLU(_InPlace):
    __doc__ = _Elementwise.__doc__
    lower: float = 1.0 / 8
    upper: float = 1.0 / 3


class _AlongDim(_Elementwise):
    """Normalises along `dim` (None: PyTorch's legacy choice); the shape does not change."""

    def receptive_field(self, fields: list, inputs: list[Shape]) -> receptive.Field | None:
        """Kept along the channel axis (dim 1 of a batched image); along a spatial axis every unit sees it all."""
        rank = len(inputs[0])
        return receptive.merged(fields) if self.dim is not None and rank > 2 and self.dim % rank == 1 else None

    primary: ClassVar[str | None] = "dim"

    dim: AnyInt | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        if self.dim is not None:
            normalize_dim(self.dim, len(inputs[0]), self.type_name())
        return inputs[0]


class Softmax(_AlongDim):
    __doc__ = _AlongDim.__doc__


class LogSoftmax(_AlongDim):
    __doc__ = _AlongDim.__doc__


class Softmin(_AlongDim):
    __doc__ = _AlongDim.__doc__


class Softmax2d(_Elementwise):
    """Softmax over the channels of a (C, H, W) or (N, C, H, W) input: the shape does not change."""

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        if len(shape) not in (3, 4):
            raise ShapeError(f"Softmax2d: expected a 3D or 4D input, received {torch_size(shape)}", code="SC102")
        return shape


class GLU(TorchLayer):
    """Gated linear unit: splits `dim` in two halves, a * sigmoid(b); that axis halves and must be even."""

    primary: ClassVar[str | None] = "dim"

    dim: AnyInt = -1

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        axis = normalize_dim(self.dim, len(shape), self.type_name())
        size = shape[axis]
        if size is None:
            return shape
        if size % 2:
            raise ShapeError(f"GLU: halving dimension must be even, but dimension {axis} is size {size}",
                             code="SC102")
        why.step(f"dim {axis}: {size} / 2 = {size // 2}")
        return (*shape[:axis], size // 2, *shape[axis + 1:])


class PReLU(receptive.KeepsField, TorchLayer):
    """Leaky ReLU with learnt slopes: shape unchanged; `num_parameters` params (1 or channels of axis 1)."""

    primary: ClassVar[str | None] = "num_parameters"

    num_parameters: PositiveInt = 1
    init: float = 0.25
    device: str | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        channels = shape[1] if len(shape) >= 2 else 1
        if self.num_parameters != 1 and channels is not None and channels != self.num_parameters:
            raise ShapeError(
                f"PReLU: mismatch of parameter numbers and input channel size. Found parameter numbers = "
                f"{self.num_parameters} and channel size = {channels}.",
                code="SC102",
            )
        return shape

    def params(self, inputs: list[Shape], why: Why) -> Params:
        why.step(f"params: num_parameters = {self.num_parameters}")
        return Params(self.num_parameters)
