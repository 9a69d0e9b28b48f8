"""torch.nn convolutions: Conv1d/2d/3d and ConvTranspose1d/2d/3d (channels first).

Conv, per spatial axis, with explicit pads (an int p is (p, p); 'valid' is
(0, 0); 'same' pads d*(k-1) in total, the left side getting the floor half):

    out = floor((i + lo + hi - d*(k-1) - 1) / s) + 1

ConvTranspose:

    out = (i - 1)*s - 2*p + d*(k-1) + output_padding + 1

Parameters: Conv `(in_channels/groups) * out_channels * prod(k)`,
ConvTranspose `in_channels * (out_channels/groups) * prod(k)`, plus
`out_channels` biases when `bias`.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from shapecalc.arguments.types import (
    ArgumentError,
    NonNegativeInts,
    PositiveInt,
    PositiveInts,
    as_tuple,
)
from shapecalc.costs import macs as costs
from shapecalc.costs import receptive
from shapecalc.layers.base import Params, Why
from shapecalc.layers.torch.common import (
    TorchLayer,
    axis_labels,
    batched_ranks,
    channels_and_spatial,
    infer_channels,
    need_channels,
    need_ranks,
    too_small,
    torch_size,
)
from shapecalc.shapes import Shape, ShapeError, torch_same_pads, transposed, window


class _ConvBase(TorchLayer):
    """Arguments every torch convolution shares; `rank` is the number of spatial axes."""

    rank: ClassVar[int] = 2

    in_channels: PositiveInt
    out_channels: PositiveInt
    kernel_size: PositiveInts
    stride: PositiveInts = 1
    dilation: PositiveInts = 1
    groups: PositiveInt = 1
    bias: bool = True
    device: str | None = None

    def kernel(self) -> tuple[int, ...]:
        return as_tuple(self.kernel_size, self.rank, "kernel_size")

    def strides(self) -> tuple[int, ...]:
        return as_tuple(self.stride, self.rank, "stride")

    def dilations(self) -> tuple[int, ...]:
        return as_tuple(self.dilation, self.rank, "dilation")

    def check(self) -> None:
        self.kernel(), self.strides(), self.dilations()
        for argument in ("in_channels", "out_channels"):
            value = getattr(self, argument)
            if value is not None and value % self.groups:
                raise ArgumentError("groups", f"{argument} must be divisible by groups "
                                    f"({argument}={value}, groups={self.groups})")

    def input_channels(self, shape: Shape) -> Shape:
        """Check rank and channels; return the spatial sizes."""
        name = self.type_name()
        need_ranks(shape, batched_ranks(self.rank), name)
        _, channels, spatial = channels_and_spatial(shape, self.rank)
        if self.in_channels is None:  # a Lazy module takes the input's channels
            infer_channels(name, channels, self.groups, shape)
        else:
            need_channels(name, channels, self.in_channels, "in_channels", shape)
        return spatial

    def fan_in(self, inputs: list[Shape]) -> int:
        """The channel count the weights are built for: in_channels, or the input's for a Lazy module."""
        if self.in_channels is not None:
            return self.in_channels
        return inputs[0][-self.rank - 1] or 0

    def weights(self, fan_in: int, fan_out: int, why: Why) -> Params:
        kernel = self.kernel()
        weights = fan_in * fan_out
        for k in kernel:
            weights *= k
        bias = self.out_channels if self.bias else 0
        bias_text = f" + {bias}" if bias else ""
        why.step(f"params: {'*'.join(map(str, kernel))}*{fan_in}*{fan_out}{bias_text} = {weights + bias}")
        return Params(weights + bias)


class _Conv(_ConvBase):
    """(N, C_in, *i) -> (N, out_channels, *out): out = floor((i + lo + hi - d*(k-1) - 1) / s) + 1; params (C_in/groups)*out_channels*prod(k) + bias."""

    padding: Literal["valid", "same"] | NonNegativeInts = 0
    padding_mode: Literal["zeros", "reflect", "replicate", "circular"] = "zeros"

    def check(self) -> None:
        super().check()
        if isinstance(self.padding, list):
            as_tuple(self.padding, self.rank, "padding")
        if self.padding == "same" and max(self.strides()) > 1:
            raise ArgumentError("padding", "padding='same' is not supported for strided convolutions")

    def pads(self) -> list[tuple[int, int]]:
        """Explicit (left, right) pads per spatial axis."""
        if self.padding == "valid":
            return [(0, 0)] * self.rank
        if self.padding == "same":
            return [torch_same_pads(k, d) for k, d in zip(self.kernel(), self.dilations(), strict=True)]
        return [(p, p) for p in as_tuple(self.padding, self.rank, "padding")]

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        spatial = self.input_channels(shape)
        name = self.type_name()
        axes = []
        for label, size, k, s, d, pads in zip(axis_labels(self.rank), spatial, self.kernel(), self.strides(),
                                              self.dilations(), self.pads(), strict=True):
            self.check_padding_mode(size, pads, shape)
            axes.append(window(size, k, s, pads, d, label=f"{label}: "))
        if any(axis.size is not None and axis.size <= 0 for axis in axes):
            raise too_small(name, shape, [a.formula for a in axes],
                            "Kernel size can't be greater than actual input size (padded input smaller than the kernel)")
        sizes = tuple(why.axis(axis) for axis in axes)
        why.step(f"channels: out_channels = {self.out_channels}")
        return (*shape[: -self.rank - 1], self.out_channels, *sizes)

    def check_padding_mode(self, size: int | None, pads: tuple[int, int], shape: Shape) -> None:
        """'reflect' needs pads smaller than the input; 'circular' may not wrap around more than once."""
        if size is None or self.padding_mode in ("zeros", "replicate"):
            return
        limit, rule = (size - 1, "less than") if self.padding_mode == "reflect" else (size, "at most")
        if max(pads) > limit:
            raise ShapeError(
                f"{self.type_name()}(padding_mode='{self.padding_mode}'): padding size should be {rule} the "
                f"corresponding input dimension, but got padding {pads} for a dimension of size {size} "
                f"of input {torch_size(shape)}",
                code="SC102",
            )

    def params(self, inputs: list[Shape], why: Why) -> Params:
        return self.weights(self.fan_in(inputs) // self.groups, self.out_channels, why)

    def receptive_field(self, fields: list, inputs: list[Shape]) -> receptive.Field | None:
        return receptive.window(fields[0], self.kernel(), self.strides(), self.dilations())

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """Output elements * (in_channels/groups) * kernel area, whatever the padding mode."""
        return costs.conv(output, self.fan_in(inputs) // self.groups, self.kernel())


class _ConvTranspose(_ConvBase):
    """(N, C_in, *i) -> (N, out_channels, *out): out = (i-1)*s - 2p + d*(k-1) + output_padding + 1; params C_in*(out_channels/groups)*prod(k) + bias."""

    padding: NonNegativeInts = 0
    output_padding: NonNegativeInts = 0
    padding_mode: Literal["zeros"] = "zeros"

    def paddings(self) -> tuple[int, ...]:
        return as_tuple(self.padding, self.rank, "padding")

    def output_paddings(self) -> tuple[int, ...]:
        return as_tuple(self.output_padding, self.rank, "output_padding")

    def check(self) -> None:
        super().check()
        self.paddings(), self.output_paddings()

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        spatial = self.input_channels(shape)
        name = self.type_name()
        self.check_output_padding()
        axes = [
            transposed(size, k, s, (p, p), op, d, label=f"{label}: ")
            for label, size, k, s, p, op, d in zip(axis_labels(self.rank), spatial, self.kernel(), self.strides(),
                                                   self.paddings(), self.output_paddings(), self.dilations(),
                                                   strict=True)
        ]
        if any(axis.size is not None and axis.size <= 0 for axis in axes):
            raise too_small(name, shape, [a.formula for a in axes], "Output size is too small")
        sizes = tuple(why.axis(axis) for axis in axes)
        why.step(f"channels: out_channels = {self.out_channels}")
        return (*shape[: -self.rank - 1], self.out_channels, *sizes)

    def check_output_padding(self) -> None:
        """PyTorch refuses (when run) an output_padding not smaller than the stride or the dilation."""
        for op, s, d in zip(self.output_paddings(), self.strides(), self.dilations(), strict=True):
            if op >= s and op >= d:
                raise ShapeError(
                    f"{self.type_name()}: output padding must be smaller than either stride or dilation, "
                    f"but got output_padding={self.output_padding}, stride={self.stride}, dilation={self.dilation}",
                    code="SC102",
                )

    def params(self, inputs: list[Shape], why: Why) -> Params:
        return self.weights(self.fan_in(inputs), self.out_channels // self.groups, why)

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """*Input* elements * (out_channels/groups) * kernel area."""
        return costs.transposed_conv(inputs[0], self.out_channels // self.groups, self.kernel())


class Conv1d(_Conv):
    __doc__ = _Conv.__doc__
    rank: ClassVar[int] = 1


class Conv2d(_Conv):
    __doc__ = _Conv.__doc__
    rank: ClassVar[int] = 2


class Conv3d(_Conv):
    __doc__ = _Conv.__doc__
    rank: ClassVar[int] = 3


class ConvTranspose1d(_ConvTranspose):
    __doc__ = _ConvTranspose.__doc__
    rank: ClassVar[int] = 1


class ConvTranspose2d(_ConvTranspose):
    __doc__ = _ConvTranspose.__doc__
    rank: ClassVar[int] = 2


class ConvTranspose3d(_ConvTranspose):
    __doc__ = _ConvTranspose.__doc__
    rank: ClassVar[int] = 3


class _Lazy:
    """Lazy modules: in_channels is not an argument but the input's channel count at the first call."""

    in_channels: ClassVar[None] = None


class LazyConv1d(_Lazy, Conv1d):
    """Conv1d whose in_channels is taken from its input: same output and parameter rule."""


class LazyConv2d(_Lazy, Conv2d):
    """Conv2d whose in_channels is taken from its input: same output and parameter rule."""


class LazyConv3d(_Lazy, Conv3d):
    """Conv3d whose in_channels is taken from its input: same output and parameter rule."""


class LazyConvTranspose1d(_Lazy, ConvTranspose1d):
    """ConvTranspose1d whose in_channels is taken from its input: same output and parameter rule."""


class LazyConvTranspose2d(_Lazy, ConvTranspose2d):
    """ConvTranspose2d whose in_channels is taken from its input: same output and parameter rule."""


class LazyConvTranspose3d(_Lazy, ConvTranspose3d):
    """ConvTranspose3d whose in_channels is taken from its input: same output and parameter rule."""
