"""Keras convolutions: Conv1D/2D/3D.

Output size per spatial axis (Keras `compute_conv_output_shape`), with
explicit pads (valid: 0, 0; same: TensorFlow's split, odd pixel last;
causal: d*(k-1) on the left):

    out = floor((i + lo + hi - d*(k-1) - 1) / s) + 1

Parameters: prod(kernel) * (in_channels / groups) * filters, plus `filters`
biases when `use_bias`.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from shapecalc.layers.args import (
    DataFormat,
    PositiveInt,
    PositiveInts,
    Setting,
    as_tuple,
)
from shapecalc.layers.base import ArgumentError, Layer, Params, Why, need_rank
from shapecalc.shapes import Shape, ShapeError, format_shape, same_pads, window

AXES = "HWD"


def spatial_labels(rank: int) -> list[str]:
    """Axis names for the explanation: W for 1-D, H W for 2-D, D H W for 3-D."""
    return {1: ["W"], 2: ["H", "W"], 3: ["D", "H", "W"]}[rank]


def split_channels(shape: Shape, data_format: str | None) -> tuple[Shape, int | None]:
    """(spatial sizes, channels) of a batch-first tensor in the given layout."""
    if data_format == "channels_first":
        return shape[2:], shape[1]
    return shape[1:-1], shape[-1]


def join_channels(batch: int | None, spatial: Shape, channels: int | None, data_format: str | None) -> Shape:
    if data_format == "channels_first":
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


def explicit_pads(padding: str, size: int | None, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """Turn a Keras padding mode into (lo, hi) pixel pads for one axis."""
    if padding == "valid" or size is None:
        return (0, 0)
    if padding == "causal":
        return (dilation * (kernel - 1), 0)
    return same_pads(size, kernel, stride, dilation)


def nonpositive_error(layer: str, shape: Shape, axis_text: str) -> ShapeError:
    return ShapeError(
        f"{layer}: computed output size would be zero or negative for input {format_shape(shape)}: "
        f"{axis_text}",
        code="SC101",
    )


class _Conv(Layer):
    """Shared rule of Conv1D/2D/3D; `rank` is the number of spatial axes."""

    rank: ClassVar[int] = 2

    filters: PositiveInt
    kernel_size: PositiveInts
    strides: PositiveInts = 1
    padding: Literal["valid", "same"] = "valid"
    data_format: DataFormat = None
    dilation_rate: PositiveInts = 1
    groups: PositiveInt = 1
    activation: Setting = None
    use_bias: bool = True
    kernel_initializer: Setting = "glorot_uniform"
    bias_initializer: Setting = "zeros"
    kernel_regularizer: Setting = None
    bias_regularizer: Setting = None
    activity_regularizer: Setting = None
    kernel_constraint: Setting = None
    bias_constraint: Setting = None
    lora_rank: PositiveInt | None = None
    lora_alpha: float | None = None

    def kernel(self) -> tuple[int, ...]:
        return as_tuple(self.kernel_size, self.rank, "kernel_size")

    def stride(self) -> tuple[int, ...]:
        return as_tuple(self.strides, self.rank, "strides")

    def dilation(self) -> tuple[int, ...]:
        return as_tuple(self.dilation_rate, self.rank, "dilation_rate")

    def check(self) -> None:
        self.kernel(), self.stride(), self.dilation()
        if self.filters % self.groups:
            raise ArgumentError(
                "groups",
                f"the number of filters must be evenly divisible by the number of groups, "
                f"received groups={self.groups}, filters={self.filters}",
            )
        if max(self.stride()) > 1 and max(self.dilation()) > 1:
            raise ArgumentError(
                "dilation_rate",
                f"`strides > 1` not supported in conjunction with `dilation_rate > 1`, "
                f"received strides={self.strides} and dilation_rate={self.dilation_rate}",
            )

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        name = self.type_name()
        need_rank(shape, self.rank + 2, name)
        spatial, channels = split_channels(shape, self.data_format)
        if channels is not None and channels % self.groups:
            raise ShapeError(
                f"the number of input channels must be evenly divisible by the number of groups, "
                f"received groups={self.groups}, but the input has {channels} channels "
                f"(full input shape is {format_shape(shape)})",
                code="SC102",
            )
        sizes = []
        for label, size, k, s, d in zip(
            spatial_labels(self.rank), spatial, self.kernel(), self.stride(), self.dilation(), strict=True
        ):
            pads = explicit_pads(self.padding, size, k, s, d)
            axis = window(size, k, s, pads, d, label=f"{label}: ")
            if axis.size is not None and axis.size <= 0:
                raise nonpositive_error(name, shape, axis.formula)
            sizes.append(why.axis(axis))
        why.step(f"channels: filters = {self.filters}")
        return join_channels(shape[0], tuple(sizes), self.filters, self.data_format)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        _, channels = split_channels(inputs[0], self.data_format)
        kernel = self.kernel()
        per_group = (channels or 0) // self.groups
        weights = per_group * self.filters
        for k in kernel:
            weights *= k
        bias = self.filters if self.use_bias else 0
        kernel_text = "*".join(str(k) for k in kernel)
        bias_text = f" + {bias}" if self.use_bias else ""
        group_text = f"({channels}/{self.groups})" if self.groups > 1 else f"{channels}"
        why.step(f"params: {kernel_text}*{group_text}*{self.filters}{bias_text} = {weights + bias}")
        return Params(weights + bias)


class Conv1D(_Conv):
    __doc__ = _Conv.__doc__
    rank: ClassVar[int] = 1
    padding: Literal["valid", "same", "causal"] = "valid"


class Conv2D(_Conv):
    __doc__ = _Conv.__doc__
    rank: ClassVar[int] = 2


class Conv3D(_Conv):
    __doc__ = _Conv.__doc__
    rank: ClassVar[int] = 3
