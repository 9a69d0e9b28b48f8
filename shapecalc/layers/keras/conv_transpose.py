"""Keras transposed convolutions: Conv1DTranspose/2DTranspose/3DTranspose.

Keras 3 (`compute_conv_transpose_output_shape`) sizes each spatial axis in
one of four ways, with k' = d*(k-1) + 1 the dilated kernel:

    valid, output_padding None:   (i - 1)*s + max(k', s)
    valid, output_padding p:      (i - 1)*s + k' + p
    same,  output_padding None:   i * s
    same,  output_padding p:      (i - 1)*s + k' % 2 + p

The twist: giving `output_padding` explicitly switches formula, so
`output_padding: 1` with 'same' and an odd kernel gives the same size as
leaving it out, and `output_padding: 0` with an even kernel gives one less.

Parameters: prod(kernel) * in_channels * filters, plus `filters` biases.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import ArgumentError, NonNegativeInts, PositiveInt, Setting, as_tuple
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Params, Why
from shapecalc.layers.keras.conv import (
    ConvBase,
    axis_labels,
    join_channels,
    nonpositive_error,
)
from shapecalc.shapes import Axis, Dim, Shape, effective_kernel


def keras_transposed(
    size: Dim,
    kernel: int,
    stride: int,
    padding: str,
    output_padding: int | None,
    dilation: int,
    label: str = "",
) -> Axis:
    """One axis of a Keras transposed convolution, with the formula Keras picks written out."""
    if size is None:
        return Axis(None, f"{label}None (unknown size stays unknown)")
    span = effective_kernel(kernel, dilation)
    span_text = f"({dilation}*({kernel} - 1) + 1)" if dilation != 1 else f"{kernel}"
    if padding == "valid" and output_padding is None:
        out = (size - 1) * stride + max(span, stride)
        text = f"({size} - 1)*{stride} + max({span_text}, {stride})"
    elif padding == "valid":
        out = (size - 1) * stride + span + output_padding
        text = f"({size} - 1)*{stride} + {span_text} + {output_padding}"
    elif output_padding is None:
        out = size * stride
        text = f"{size}*{stride}"
    else:
        out = (size - 1) * stride + span % 2 + output_padding
        text = f"({size} - 1)*{stride} + {span_text} % 2 + {output_padding}"
    mode = f"{padding}, output_padding={output_padding}"
    return Axis(out, f"{label}{mode}: {text} = {out}")


class _ConvTranspose(ConvBase):
    """Transposed convolution: per axis (i-1)*s + max(k', s) ('valid'), i*s ('same'), or with an
    explicit output_padding p: (i-1)*s + k' + p ('valid'), (i-1)*s + k' % 2 + p ('same');
    k' = d*(k-1) + 1. Params: prod(kernel)*in_channels*filters + filters."""

    filters: PositiveInt
    output_padding: NonNegativeInts | None = None
    kernel_initializer: Setting = "glorot_uniform"
    kernel_regularizer: Setting = None
    kernel_constraint: Setting = None

    def output_paddings(self) -> tuple[int, ...] | tuple[None, ...]:
        """output_padding per axis; None (not 0) when not given, since Keras then uses other formulas."""
        if self.output_padding is None:
            return (None,) * self.rank
        return as_tuple(self.output_padding, self.rank, "output_padding")

    def check(self) -> None:
        super().check()
        for index, (padding, stride) in enumerate(
            zip(self.output_paddings(), self.stride(), strict=True)
        ):
            if padding is not None and padding >= stride:
                raise ArgumentError(
                    "output_padding",
                    f"`output_padding` must be strictly less than `strides` for all dimensions: "
                    f"at dimension {index}, `output_padding` is {padding} but `strides` is {stride}",
                )
        self.refuse_strided_dilation()

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        name = self.type_name()
        spatial, _ = self.spatial_and_channels(shape)
        sizes = []
        for label, size, k, s, p, d in zip(
            axis_labels(self.rank),
            spatial,
            self.kernel(),
            self.stride(),
            self.output_paddings(),
            self.dilation(),
            strict=True,
        ):
            axis = keras_transposed(size, k, s, self.padding, p, d, label=f"{label}: ")
            if axis.size is not None and axis.size <= 0:
                raise nonpositive_error(name, shape, axis.formula)
            sizes.append(why.axis(axis))
        why.step(f"channels: filters = {self.filters}")
        return join_channels(shape[0], tuple(sizes), self.filters, self.data_format)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        return self.filter_params(inputs, self.filters, 1, why)

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As ConvTranspose2d: *input* elements * filters * kernel area."""
        return costs.transposed_conv(inputs[0], self.filters, self.kernel())


class Conv1DTranspose(_ConvTranspose):
    __doc__ = _ConvTranspose.__doc__
    rank: ClassVar[int] = 1


class Conv2DTranspose(_ConvTranspose):
    __doc__ = _ConvTranspose.__doc__
    rank: ClassVar[int] = 2


class Conv3DTranspose(_ConvTranspose):
    __doc__ = _ConvTranspose.__doc__
    rank: ClassVar[int] = 3
