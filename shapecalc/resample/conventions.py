"""Where each framework places its sample points: output position -> input coordinate.

All frameworks agree on the interpolation kernels; they disagree on this mapping, which
is why the same "bilinear" layer gives different numbers in Keras 3, PyTorch and TF 1.x.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapecalc.resample.floats import f32, format_number
from shapecalc.resample.sizing import AxisGeometry


@dataclass(frozen=True)
class Ratio:
    """The factor turning an output position into an input position, and how to write it.

    value is exact; the mapping functions below round to float32 the way the C++ kernels
    do, since a coordinate's float32 error times a neighbour difference shows in the
    4th decimal for inputs of a few dozen values, and flips a nearest pick now and then.
    """

    value: float
    text: str


@dataclass(frozen=True)
class SourceCoordinate:
    """An input-space coordinate together with the arithmetic that produced it."""

    value: float
    formula: str


@dataclass(frozen=True)
class Convention:
    """A framework's sampling rule: what it is, its general formula, and the modes it has."""

    name: str
    matches: str
    mapping: str
    modes: tuple[str, ...]
    refusals: tuple[tuple[str, str], ...] = ()

    def refusal(self, mode: str) -> str | None:
        """Why this convention has no such mode, or None when it has it."""
        return dict(self.refusals).get(mode)


CONVENTIONS: dict[str, Convention] = {
    convention.name: convention
    for convention in (
        Convention(
            "keras",
            "Keras 3 UpSampling2D / keras.ops.image.resize (torch backend)",
            "half-pixel centres: src = (dst + 0.5) * in/out - 0.5",
            ("nearest", "bilinear", "bicubic"),
            (("area", "Keras 3 UpSampling2D and ops.image.resize have no 'area' on the torch backend; "
                      "use --convention pytorch (adaptive average pooling) or tf-legacy"),),
        ),
        Convention(
            "pytorch",
            "torch.nn.functional.interpolate(align_corners=False)",
            "half-pixel centres: src = (dst + 0.5) / scale_factor - 0.5 (in/out when a size is given)",
            ("nearest", "bilinear", "bicubic", "area"),
        ),
        Convention(
            "pytorch-align-corners",
            "torch.nn.functional.interpolate(align_corners=True) / nn.UpsamplingBilinear2d",
            "corners aligned: src = dst * (in - 1)/(out - 1)",
            ("bilinear", "bicubic"),
            tuple(
                (mode, f"torch accepts align_corners only with linear, bilinear and bicubic, not {mode}")
                for mode in ("nearest", "area")
            ),
        ),
        Convention(
            "tf-legacy",
            "TF 1.x / early 2.x tf.image.resize_* (align_corners=False, half_pixel_centers=False)",
            "top-left aligned: src = dst * in/out, no half-pixel shift, clamped at the far edge",
            ("nearest", "bilinear", "bicubic", "area"),
        ),
        Convention(
            "repeat",
            "Keras UpSampling2D(interpolation='nearest'): each value repeated size times",
            "src = dst // factor",
            ("nearest",),
        ),
        Convention(
            "zeros",
            "zero insertion: stride-s transposed convolution input, or MaxUnpool2d with --indices",
            "dst = src * factor gets the value (or the given flat index does); zeros elsewhere",
            ("nearest",),
        ),
    )
}


def size_ratio(axis: AxisGeometry) -> Ratio:
    """in/out: what every framework uses when it is given an output size."""
    return Ratio(axis.in_size / axis.out_size, f"{axis.in_size}/{axis.out_size}")


def factor_ratio(axis: AxisGeometry) -> Ratio:
    """1/scale_factor: what torch uses when the caller passed scale_factor, not a size."""
    if axis.scale_factor is None:
        return size_ratio(axis)
    return Ratio(1.0 / axis.scale_factor, f"1/{format_number(axis.scale_factor, 6)}")


def corner_ratio(axis: AxisGeometry) -> Ratio:
    """(in-1)/(out-1): the first and last samples land exactly on the input's corners."""
    if axis.out_size <= 1:
        return Ratio(0.0, "0 (a single output sample)")
    return Ratio((axis.in_size - 1) / (axis.out_size - 1), f"({axis.in_size}-1)/({axis.out_size}-1)")


def half_pixel(dst: int, ratio: Ratio, axis: str, clamp_negative: bool) -> SourceCoordinate:
    """Pixel centres aligned: src = (dst + 0.5) * ratio - 0.5 (torch clamps < 0 for linear).

    torch's vectorised CPU kernels fuse the multiply and subtract (one float32 rounding).
    """
    raw = f32(f32(ratio.value) * (dst + 0.5) - 0.5)
    formula = f"src_{axis} = ({dst} + 0.5) * {ratio.text} - 0.5 = {format_number(raw)}"
    if clamp_negative and raw < 0:
        return SourceCoordinate(0.0, f"{formula}, below 0 so clamped to 0")
    return SourceCoordinate(raw, formula)


def scaled(dst: int, ratio: Ratio, axis: str) -> SourceCoordinate:
    """Top-left aligned (TF legacy, align_corners): src = dst * ratio."""
    value = f32(dst * f32(ratio.value))
    return SourceCoordinate(value, f"src_{axis} = {dst} * {ratio.text} = {format_number(value)}")


def nearest_source(dst: int, ratio: Ratio, axis: str, centred: bool) -> SourceCoordinate:
    """The coordinate floor() turns into a pixel index, rounded to float32 like the C++
    kernels (floorf(dst * scale)), because an exact product could pick another pixel.

    centred is torch's 'nearest-exact' (Keras' nearest): src = (dst + 0.5) * ratio.
    Otherwise torch's legacy 'nearest' and TF 1.x: src = dst * ratio.
    """
    scale = f32(ratio.value)
    if centred:
        value = f32((dst + 0.5) * scale)
        return SourceCoordinate(value, f"src_{axis} = ({dst} + 0.5) * {ratio.text} = {format_number(value)}")
    value = f32(dst * scale)
    return SourceCoordinate(value, f"src_{axis} = {dst} * {ratio.text} = {format_number(value)}")
