"""Keras convolutions: Conv1D/2D/3D.

Output size per spatial axis (Keras `compute_conv_output_shape`), with
explicit pads (valid: 0, 0; same: TensorFlow's split, odd pixel last;
causal: d*(k-1) on the left):

    out = floor((i + lo + hi - d*(k-1) - 1) / s) + 1

Parameters: prod(kernel) * (in_channels / groups) * filters, plus `filters`
biases when `use_bias`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from shapecalc.arguments.types import (
    ArgumentError,
    DataFormat,
    PositiveInt,
    PositiveInts,
    Setting,
    as_tuple,
)
from shapecalc.costs import macs as costs
from shapecalc.costs import receptive
from shapecalc.layers.base import Layer, Params, Why, need_rank
from shapecalc.layers.keras.activations import check_activation
from shapecalc.shapes import Shape, ShapeError, axis_labels, format_shape, keras_pads, window

AXES = "HWD"


def split_channels(shape: Shape, data_format: str | None) -> tuple[Shape, int | None]:
    """(spatial sizes, channels) of a batch-first tensor in the given layout."""
    if data_format == "channels_first":
        return shape[2:], shape[1]
    return shape[1:-1], shape[-1]


def join_channels(batch: int | None, spatial: Shape, channels: int | None, data_format: str | None) -> Shape:
    if data_format == "channels_first":
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


def nonpositive_error(layer: str, shape: Shape, axis_text: str) -> ShapeError:
    return ShapeError(
        f"{layer}: computed output size would be zero or negative for input {format_shape(shape)}: "
        f"{axis_text}",
        code="SC101",
    )


def conv_sizes(
    layer: str,
    shape: Shape,
    spatial: Shape,
    padding: str,
    kernel: tuple[int, ...],
    strides: tuple[int, ...],
    dilation: tuple[int, ...],
    why: Why,
) -> Shape:
    """Output spatial sizes of a sliding-window layer, each axis's working recorded in `why`."""
    sizes = []
    for label, size, k, s, d in zip(axis_labels(len(spatial)), spatial, kernel, strides, dilation, strict=True):
        axis = window(size, k, s, keras_pads(padding, size, k, s, d), d, label=f"{label}: ")
        if axis.size is not None and axis.size <= 0:
            raise nonpositive_error(layer, shape, axis.formula)
        sizes.append(why.axis(axis))
    return tuple(sizes)


class LowerCasedPadding:
    """Keras's convolutions (and ConvLSTM) lower-case `padding` (standardize_padding): 'SAME' is 'same'.

    Its pooling layers do not: there 'SAME' is refused, as Keras 3.15.1 refuses it.
    """

    @classmethod
    def build(cls, args: dict[str, Any]) -> Any:
        padding = args.get("padding")
        if isinstance(padding, str) and padding != padding.lower():
            args = {**args, "padding": padding.lower()}
        return super().build(args)  # type: ignore[misc]


class ConvBase(LowerCasedPadding, Layer):
    """What every Keras convolution shares: the window arguments, the bias and the activation."""

    rank: ClassVar[int] = 2

    kernel_size: PositiveInts
    strides: PositiveInts = 1
    padding: Literal["valid", "same"] = "valid"
    data_format: DataFormat = None
    dilation_rate: PositiveInts = 1
    activation: Setting = None
    use_bias: bool = True
    bias_initializer: Setting = "zeros"
    bias_regularizer: Setting = None
    activity_regularizer: Setting = None
    bias_constraint: Setting = None

    def kernel(self) -> tuple[int, ...]:
        return as_tuple(self.kernel_size, self.rank, "kernel_size")

    def stride(self) -> tuple[int, ...]:
        return as_tuple(self.strides, self.rank, "strides")

    def dilation(self) -> tuple[int, ...]:
        return as_tuple(self.dilation_rate, self.rank, "dilation_rate")

    def check(self) -> None:
        self.kernel(), self.stride(), self.dilation()
        check_activation(self.activation)

    def spatial_and_channels(self, shape: Shape) -> tuple[Shape, int]:
        """The input's spatial sizes and channel count; Keras cannot create weights for unknown channels."""
        need_rank(shape, self.rank + 2, self.type_name())
        spatial, channels = split_channels(shape, self.data_format)
        if channels is None:
            raise ShapeError(
                f"{self.type_name()} needs the channel axis of its input to be known to create its weights, "
                f"but received {format_shape(shape)}",
                code="SC102",
            )
        return spatial, channels

    def filter_params(self, inputs: list[Shape], filters: int, groups: int, why: Why) -> Params:
        """prod(kernel) * (in_channels / groups) * filters weights, plus `filters` biases."""
        _, channels = split_channels(inputs[0], self.data_format)
        kernel = self.kernel()
        per_group = (channels or 0) // groups
        weights = per_group * filters
        for k in kernel:
            weights *= k
        bias = filters if self.use_bias else 0
        kernel_text = "*".join(str(k) for k in kernel)
        bias_text = f" + {bias}" if self.use_bias else ""
        group_text = f"({channels}/{groups})" if groups > 1 else f"{channels}"
        why.step(f"params: {kernel_text}*{group_text}*{filters}{bias_text} = {weights + bias}")
        return Params(weights + bias)

    def refuse_strided_dilation(self) -> None:
        """Keras's Conv and ConvTranspose (not the depthwise ones) refuse both at once."""
        if max(self.stride()) > 1 and max(self.dilation()) > 1:
            raise ArgumentError(
                "dilation_rate",
                f"`strides > 1` not supported in conjunction with `dilation_rate > 1`, "
                f"received strides={self.strides} and dilation_rate={self.dilation_rate}",
            )


class _Conv(ConvBase):
    """Shared rule of Conv1D/2D/3D; `rank` is the number of spatial axes."""

    filters: PositiveInt
    groups: PositiveInt = 1
    kernel_initializer: Setting = "glorot_uniform"
    kernel_regularizer: Setting = None
    kernel_constraint: Setting = None
    lora_rank: PositiveInt | None = None
    lora_alpha: float | None = None

    def check(self) -> None:
        super().check()
        if self.filters % self.groups:
            raise ArgumentError(
                "groups",
                f"the number of filters must be evenly divisible by the number of groups, "
                f"received groups={self.groups}, filters={self.filters}",
            )
        self.refuse_strided_dilation()

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        name = self.type_name()
        spatial, channels = self.spatial_and_channels(shape)
        if channels % self.groups:
            raise ShapeError(
                f"the number of input channels must be evenly divisible by the number of groups, "
                f"received groups={self.groups}, but the input has {channels} channels "
                f"(full input shape is {format_shape(shape)})",
                code="SC102",
            )
        sizes = conv_sizes(name, shape, spatial, self.padding, self.kernel(), self.stride(), self.dilation(), why)
        why.step(f"channels: filters = {self.filters}")
        return join_channels(shape[0], tuple(sizes), self.filters, self.data_format)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        return self.filter_params(inputs, self.filters, self.groups, why)

    def receptive_field(self, fields: list, inputs: list[Shape]) -> receptive.Field | None:
        return receptive.window(fields[0], self.kernel(), self.stride(), self.dilation())

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As Conv2d: output elements * (in_channels/groups) * kernel area."""
        _, channels = split_channels(inputs[0], self.data_format)
        return costs.conv(output, None if channels is None else channels // self.groups, self.kernel())


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
