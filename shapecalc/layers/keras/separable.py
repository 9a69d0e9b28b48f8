"""Keras depthwise and separable convolutions: DepthwiseConv1D/2D, SeparableConv1D/2D.

Spatial sizes are those of an ordinary convolution (valid or same, Keras's
`compute_conv_output_shape`):

    out = floor((i + lo + hi - d*(k-1) - 1) / s) + 1

A depthwise convolution filters each of the C input channels on its own,
`depth_multiplier` (m) times: C*m output channels,
prod(kernel)*C*m weights plus C*m biases. A separable convolution follows
that with a 1x1 pointwise convolution to `filters` channels:
prod(kernel)*C*m + C*m*filters weights plus `filters` biases. Unlike Conv2D,
Keras lets both combine strides > 1 with dilation_rate > 1.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import PositiveInt, Setting
from shapecalc.costs import macs as costs
from shapecalc.costs import receptive
from shapecalc.layers.base import Params, Why
from shapecalc.layers.keras.conv import ConvBase, conv_sizes, join_channels, split_channels
from shapecalc.shapes import Dim, Shape, product


class _Depthwise(ConvBase):
    """Per-channel convolution: C -> C*depth_multiplier channels; params prod(k)*C*m + C*m."""

    depth_multiplier: PositiveInt = 1
    depthwise_initializer: Setting = "glorot_uniform"
    depthwise_regularizer: Setting = None
    depthwise_constraint: Setting = None

    def out_channels(self, channels: Dim) -> Dim:
        return None if channels is None else channels * self.depth_multiplier

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        name = self.type_name()
        spatial, channels = self.spatial_and_channels(shape)
        sizes = conv_sizes(
            name, shape, spatial, self.padding, self.kernel(), self.stride(), self.dilation(), why
        )
        out = self.out_channels(channels)
        why.step(self.channel_text(channels, out))
        return join_channels(shape[0], sizes, out, self.data_format)

    def channel_text(self, channels: Dim, out: Dim) -> str:
        return f"channels: {channels}*{self.depth_multiplier} = {out}"

    def receptive_field(self, fields: list, inputs: list[Shape]) -> receptive.Field | None:
        """The depthwise window (a separable conv's 1x1 pointwise step keeps it)."""
        return receptive.window(fields[0], self.kernel(), self.stride(), self.dilation())

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As Conv2d with groups = in_channels: output elements * 1 * kernel area."""
        return costs.conv(output, 1, self.kernel())

    def depthwise_weights(self, channels: int, why: Why) -> int:
        """prod(kernel)*C*m, the per-channel filters."""
        kernel = self.kernel()
        weights = (product(kernel) or 0) * channels * self.depth_multiplier
        kernel_text = "*".join(str(k) for k in kernel)
        why.step(f"depthwise: {kernel_text}*{channels}*{self.depth_multiplier} = {weights}")
        return weights

    def params(self, inputs: list[Shape], why: Why) -> Params:
        _, channels = split_channels(inputs[0], self.data_format)
        channels = channels or 0
        weights = self.depthwise_weights(channels, why)
        bias = channels * self.depth_multiplier if self.use_bias else 0
        why.step(
            f"params: {weights} + {bias} (bias {channels}*{self.depth_multiplier}) = {weights + bias}"
            if bias
            else f"params: {weights}"
        )
        return Params(weights + bias)


class DepthwiseConv1D(_Depthwise):
    __doc__ = _Depthwise.__doc__
    rank: ClassVar[int] = 1


class DepthwiseConv2D(_Depthwise):
    __doc__ = _Depthwise.__doc__
    rank: ClassVar[int] = 2


class _Separable(_Depthwise):
    """Depthwise then 1x1 pointwise: C -> filters channels; params prod(k)*C*m + C*m*filters + filters."""

    filters: PositiveInt
    pointwise_initializer: Setting = "glorot_uniform"
    pointwise_regularizer: Setting = None
    pointwise_constraint: Setting = None

    def out_channels(self, channels: Dim) -> Dim:
        return self.filters

    def channel_text(self, channels: Dim, out: Dim) -> str:
        return f"channels: filters = {self.filters}"

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As a depthwise Conv2d (groups = C) to C*m channels, then a 1x1 Conv2d to `filters`:
        pixels*C*m*kernel area + pixels*C*m*filters."""
        _, channels = split_channels(inputs[0], self.data_format)
        pixels = costs.elements(output)
        if pixels is None or channels is None:
            return None
        pixels //= self.filters
        middle = channels * self.depth_multiplier
        return pixels * middle * costs.area(self.kernel()) + pixels * middle * self.filters

    def params(self, inputs: list[Shape], why: Why) -> Params:
        _, channels = split_channels(inputs[0], self.data_format)
        channels = channels or 0
        depthwise = self.depthwise_weights(channels, why)
        pointwise = channels * self.depth_multiplier * self.filters
        why.step(f"pointwise: {channels}*{self.depth_multiplier}*{self.filters} = {pointwise}")
        bias = self.filters if self.use_bias else 0
        bias_text = f" + {bias}" if bias else ""
        total = depthwise + pointwise + bias
        why.step(f"params: {depthwise} + {pointwise}{bias_text} = {total}")
        return Params(total)


class SeparableConv1D(_Separable):
    __doc__ = _Separable.__doc__
    rank: ClassVar[int] = 1


class SeparableConv2D(_Separable):
    __doc__ = _Separable.__doc__
    rank: ClassVar[int] = 2
