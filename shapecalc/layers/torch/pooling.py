"""torch.nn pooling: Max/Avg/LP pooling, adaptive pooling and MaxUnpool, 1d/2d/3d (channels first).

MaxPool/AvgPool/LPPool, per spatial axis (stride defaults to kernel_size):

    out = floor((i + 2p - d*(k-1) - 1) / s) + 1

with ceil instead of floor under `ceil_mode`, and then PyTorch's rule that
the last window must start inside the input or the left padding (else one
fewer). PyTorch also refuses a padding larger than half the kernel
(p <= k // 2). Adaptive pooling outputs `output_size` (None keeps the input's
size). MaxUnpool inverts a pooling: out = (i - 1)*s - 2p + k, or the
`output_size` given, which must lie strictly between that minus and plus
the stride.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import (
    ArgumentError,
    NonNegativeInts,
    PositiveInt,
    PositiveInts,
    as_tuple,
)
from shapecalc.costs import macs as costs
from shapecalc.costs import receptive
from shapecalc.layers.base import Why
from shapecalc.layers.torch.common import (
    TorchLayer,
    axis_labels,
    batched_ranks,
    channels_and_spatial,
    need_ranks,
    too_small,
)
from shapecalc.shapes import Axis, Shape, ShapeError, format_shape, window


class _Windowed(TorchLayer):
    """Arguments of the sliding-window pools; `rank` is the number of spatial axes."""

    rank: ClassVar[int] = 2
    primary: ClassVar[str | None] = "kernel_size"
    unpadded_fit: ClassVar[bool] = False  # avg_pool3d also needs every input size >= its kernel

    kernel_size: PositiveInts
    stride: PositiveInts | None = None
    ceil_mode: bool = False

    def kernel(self) -> tuple[int, ...]:
        return as_tuple(self.kernel_size, self.rank, "kernel_size")

    def strides(self) -> tuple[int, ...]:
        if self.stride is None or self.stride == []:
            return self.kernel()
        return as_tuple(self.stride, self.rank, "stride")

    def paddings(self) -> tuple[int, ...]:
        return (0,) * self.rank

    def dilations(self) -> tuple[int, ...]:
        return (1,) * self.rank

    def receptive_field(self, fields: list, inputs: list[Shape]) -> receptive.Field | None:
        """A window like a convolution's (max and average alike; padding and ceil_mode do not widen it)."""
        return receptive.window(fields[0], self.kernel(), self.strides(), self.dilations())

    def check(self) -> None:
        self.kernel(), self.strides(), self.paddings(), self.dilations()

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        name = self.type_name()
        need_ranks(shape, batched_ranks(self.rank), name)
        self.check_half_kernel()
        lead, channels, spatial = channels_and_spatial(shape, self.rank)
        if self.unpadded_fit:
            self.check_fits(spatial, shape)
        axes = [
            window(size, k, s, (p, p), d, self.ceil_mode, label=f"{label}: ")
            for label, size, k, s, p, d in zip(axis_labels(self.rank), spatial, self.kernel(), self.strides(),
                                               self.paddings(), self.dilations(), strict=True)
        ]
        if any(axis.size is not None and axis.size <= 0 for axis in axes):
            raise too_small(name, shape, [a.formula for a in axes], "Output size is too small")
        return (*lead, channels, *(why.axis(axis) for axis in axes))

    def check_fits(self, spatial: Shape, shape: Shape) -> None:
        """avg_pool3d's own check: each input size, before padding, at least the kernel."""
        if any(size is not None and size < k for size, k in zip(spatial, self.kernel(), strict=True)):
            raise ShapeError(
                f"{self.type_name()}: input image {tuple(spatial)} smaller than kernel size {self.kernel()} "
                f"(input {format_shape(shape)}); PyTorch's 3-D average pooling checks this before padding",
                code="SC102",
            )

    def check_half_kernel(self) -> None:
        """PyTorch refuses (when run) a padding larger than half the kernel: p <= k // 2."""
        for k, p in zip(self.kernel(), self.paddings(), strict=True):
            if p > k // 2:
                raise ShapeError(
                    f"{self.type_name()}: pad should be at most half of kernel size, but got "
                    f"padding={self.paddings()} and kernel_size={self.kernel_size} ({p} > {k} // 2)",
                    code="SC102",
                )


class _Padded(_Windowed):
    """The pools that take a `padding` argument (zeros on both sides of every spatial axis)."""

    padding: NonNegativeInts = 0

    def paddings(self) -> tuple[int, ...]:
        return as_tuple(self.padding, self.rank, "padding")


class _MaxPool(_Padded):
    """Max over windows: out = floor((i + 2p - d*(k-1) - 1) / s) + 1 (ceil with ceil_mode; the last window must start inside the input or left pad); p <= k // 2."""

    dilation: PositiveInts = 1
    return_indices: bool = False

    def dilations(self) -> tuple[int, ...]:
        return as_tuple(self.dilation, self.rank, "dilation")


class _AvgPool(_Padded):
    """Mean over windows: out = floor((i + 2p - k) / s) + 1 (ceil with ceil_mode; the last window must start inside the input or left pad); p <= k // 2."""

    count_include_pad: bool = True


class _LPPool(_Windowed):
    """Power-average over unpadded windows: out = floor((i - k) / s) + 1 (ceil with ceil_mode)."""

    primary: ClassVar[str | None] = None

    norm_type: float


class MaxPool1d(_MaxPool):
    __doc__ = _MaxPool.__doc__
    rank: ClassVar[int] = 1


class MaxPool2d(_MaxPool):
    __doc__ = _MaxPool.__doc__
    rank: ClassVar[int] = 2


class MaxPool3d(_MaxPool):
    __doc__ = _MaxPool.__doc__
    rank: ClassVar[int] = 3


class AvgPool1d(_AvgPool):
    __doc__ = _AvgPool.__doc__
    rank: ClassVar[int] = 1


class AvgPool2d(_AvgPool):
    __doc__ = _AvgPool.__doc__
    rank: ClassVar[int] = 2
    divisor_override: PositiveInt | None = None


class AvgPool3d(_AvgPool):
    __doc__ = _AvgPool.__doc__
    rank: ClassVar[int] = 3
    unpadded_fit: ClassVar[bool] = True
    divisor_override: PositiveInt | None = None


class LPPool1d(_LPPool):
    __doc__ = _LPPool.__doc__
    rank: ClassVar[int] = 1
    kernel_size: PositiveInt  # PyTorch multiplies by it as a number: a list fails when run


class LPPool2d(_LPPool):
    __doc__ = _LPPool.__doc__
    rank: ClassVar[int] = 2


class LPPool3d(_LPPool):
    __doc__ = _LPPool.__doc__
    rank: ClassVar[int] = 3
    unpadded_fit: ClassVar[bool] = True


class _Adaptive(TorchLayer):
    """The spatial sizes become `output_size` (None keeps that axis's size); channels unchanged."""

    rank: ClassVar[int] = 2
    primary: ClassVar[str | None] = "output_size"

    output_size: PositiveInt | list[PositiveInt | None]

    def sizes(self) -> tuple[int | None, ...]:
        if isinstance(self.output_size, int):
            return (self.output_size,) * self.rank
        return as_tuple(self.output_size, self.rank, "output_size")  # type: ignore[arg-type]

    def check(self) -> None:
        sizes = self.sizes()
        if self.rank == 1 and None in sizes:
            raise ArgumentError("output_size", "a 1-d adaptive pool needs an integer output_size")

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        need_ranks(shape, batched_ranks(self.rank), self.type_name())
        lead, channels, spatial = channels_and_spatial(shape, self.rank)
        out = []
        for label, size, wanted in zip(axis_labels(self.rank), spatial, self.sizes(), strict=True):
            result = size if wanted is None else wanted
            why.step(f"{label}: output_size {'None keeps' if wanted is None else 'gives'} {result}")
            out.append(result)
        return (*lead, channels, *out)


class _AdaptiveMax(_Adaptive):
    return_indices: bool = False


class AdaptiveAvgPool1d(_Adaptive):
    __doc__ = _Adaptive.__doc__
    rank: ClassVar[int] = 1


class AdaptiveAvgPool2d(_Adaptive):
    __doc__ = _Adaptive.__doc__
    rank: ClassVar[int] = 2

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """fvcore's adaptive_avg_pool2d: 1 per input element (the 1-d and 3-d ones count 0)."""
        return costs.per_element(inputs[0], 1)


class AdaptiveAvgPool3d(_Adaptive):
    __doc__ = _Adaptive.__doc__
    rank: ClassVar[int] = 3


class AdaptiveMaxPool1d(_AdaptiveMax):
    __doc__ = _Adaptive.__doc__
    rank: ClassVar[int] = 1


class AdaptiveMaxPool2d(_AdaptiveMax):
    __doc__ = _Adaptive.__doc__
    rank: ClassVar[int] = 2


class AdaptiveMaxPool3d(_AdaptiveMax):
    __doc__ = _Adaptive.__doc__
    rank: ClassVar[int] = 3


class _MaxUnpool(TorchLayer):
    """Inverse of MaxPool: out = (i - 1)*s - 2p + k, or the forward's `output_size` (strictly within the stride of that)."""

    rank: ClassVar[int] = 2
    primary: ClassVar[str | None] = "kernel_size"

    kernel_size: PositiveInts
    stride: PositiveInts | None = None
    padding: NonNegativeInts = 0
    output_size: list[PositiveInt] | None = None

    def kernel(self) -> tuple[int, ...]:
        return as_tuple(self.kernel_size, self.rank, "kernel_size")

    def strides(self) -> tuple[int, ...]:
        return self.kernel() if self.stride is None else as_tuple(self.stride, self.rank, "stride")

    def paddings(self) -> tuple[int, ...]:
        return as_tuple(self.padding, self.rank, "padding")

    def check(self) -> None:
        self.kernel(), self.strides(), self.paddings()

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        name = self.type_name()
        need_ranks(shape, batched_ranks(self.rank), name)
        lead, channels, spatial = channels_and_spatial(shape, self.rank)
        axes = [unpooled(size, k, s, p, f"{label}: ") for label, size, k, s, p in
                zip(axis_labels(self.rank), spatial, self.kernel(), self.strides(), self.paddings(), strict=True)]
        if any(axis.size is not None and axis.size <= 0 for axis in axes):
            raise too_small(name, shape, [a.formula for a in axes], "Output size is too small")
        sizes = [why.axis(axis) for axis in axes]
        if self.output_size is not None:
            sizes = self.requested(sizes)
        return (*lead, channels, *sizes)

    def requested(self, defaults: list[int | None]) -> list[int | None]:
        """The forward's `output_size` (spatial sizes, or with batch and channels leading), checked."""
        wanted = list(self.output_size or [])
        if len(wanted) == self.rank + 2:
            wanted = wanted[2:]
        if len(wanted) != self.rank:
            raise ShapeError(f"{self.type_name()}: output_size must have {self.rank} or {self.rank + 2} elements, "
                             f"received {self.output_size}", code="SC102")
        for default, size, stride in zip(defaults, wanted, self.strides(), strict=True):
            if default is not None and not default - stride < size < default + stride:
                raise ShapeError(f"{self.type_name()}: invalid output_size {self.output_size}: {size} must be "
                                 f"strictly between {default - stride} and {default + stride}", code="SC102")
        return wanted


def unpooled(size: int | None, kernel: int, stride: int, padding: int, label: str) -> Axis:
    """MaxUnpool's default size: (i - 1)*s - 2p + k."""
    if size is None:
        return Axis(None, f"{label}None (unknown size stays unknown)")
    out = (size - 1) * stride - 2 * padding + kernel
    pad_text = f" - 2*{padding}" if padding else ""
    return Axis(out, f"{label}({size} - 1)*{stride}{pad_text} + {kernel} = {out}")


class MaxUnpool1d(_MaxUnpool):
    __doc__ = _MaxUnpool.__doc__
    rank: ClassVar[int] = 1


class MaxUnpool2d(_MaxUnpool):
    __doc__ = _MaxUnpool.__doc__
    rank: ClassVar[int] = 2


class MaxUnpool3d(_MaxUnpool):
    __doc__ = _MaxUnpool.__doc__
    rank: ClassVar[int] = 3
