"""Keras normalization layers: Batch, Layer, Group, RMS and Unit normalization.

None changes the shape. Their parameters are vectors over the normalized
axes, which must have a known size (Keras cannot create a weight of unknown
shape). BatchNormalization's moving mean and variance are weights that
training does not update: Keras counts them as non-trainable parameters.
"""

from __future__ import annotations

from typing import Any

from shapecalc.arguments.types import AnyInt, ArgumentError, Setting
from shapecalc.costs import macs as costs
from shapecalc.costs import receptive
from shapecalc.layers.base import Layer, Params, Why
from shapecalc.shapes import Shape, ShapeError, format_shape


def resolve_axis(axis: int, shape: Shape, layer: str) -> int:
    """A Python-style axis index (negative counts from the end, batch axis included) checked against the rank."""
    rank = len(shape)
    if not -rank <= axis < rank:
        raise ShapeError(
            f"{layer}: axis {axis} is out of bounds for input shape {format_shape(shape)} "
            f"(rank {rank}, batch axis included)",
            code="SC102",
        )
    return axis % rank


def known_sizes(shape: Shape, axes: list[int], layer: str) -> list[int]:
    """The sizes of the normalized axes; Keras refuses to create weights over an unknown (None) size."""
    sizes = [shape[resolve_axis(axis, shape, layer)] for axis in axes]
    if any(size is None for size in sizes):
        raise ShapeError(
            f"{layer}: the normalized axis {axes if len(axes) > 1 else axes[0]} of input "
            f"{format_shape(shape)} has an unknown size, and weights need a known shape "
            "(the batch axis is unknown unless `batch:` is set)",
            code="SC102",
        )
    return [size for size in sizes if size is not None]


def axes_list(axis: int | list[int]) -> list[int]:
    return [axis] if isinstance(axis, int) else list(axis)


def vectors(sizes: list[int], enabled: dict[str, bool]) -> tuple[int, str | None]:
    """Count and working of one weight per enabled name, each of shape `sizes`: (32, '2*16 (gamma, beta)')."""
    names = [name for name, on in enabled.items() if on]
    if not names:
        return 0, None
    per_vector = 1
    for size in sizes:
        per_vector *= size
    shape_text = "*".join(map(str, sizes)) or "1"
    if len(sizes) > 1:
        shape_text = f"({shape_text})"
    return len(names) * per_vector, f"{len(names)}*{shape_text} ({', '.join(names)})"


def record_params(why: Why, *groups: tuple[int, str | None]) -> None:
    """One `params:` step summing the groups, the line `explain` shows."""
    texts = [text for _, text in groups if text]
    why.step(f"params: {' + '.join(texts) or '0'} = {sum(count for count, _ in groups)}")


class _Normalization(Layer):
    """Shape unchanged; checks that every axis in `axis` exists and has a known size."""

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        self.normalized_sizes(inputs[0])
        return inputs[0]

    def normalized_sizes(self, shape: Shape) -> list[int]:
        return known_sizes(shape, axes_list(self.axis), self.type_name())  # type: ignore[attr-defined]


class _Affine(_Normalization):
    """A normalization followed by a learned scale (gamma) and offset (beta), each optional."""

    epsilon: float = 1e-3
    center: bool = True
    scale: bool = True
    beta_initializer: Setting = "zeros"
    gamma_initializer: Setting = "ones"
    beta_regularizer: Setting = None
    gamma_regularizer: Setting = None
    beta_constraint: Setting = None
    gamma_constraint: Setting = None

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As LayerNorm/GroupNorm: 5 per element with a scale or an offset, 4 without
        (BatchNormalization overrides)."""
        return costs.per_element(inputs[0], 5 if self.scale or self.center else 4)


class BatchNormalization(_Affine):
    """Normalizes over the batch, per channel C = input_shape[axis]: params 4*C (gamma and beta
    trainable, moving mean and variance non-trainable), 2*C fewer without `scale`/`center`,
    3*C more non-trainable with `renorm`.
    """

    axis: AnyInt = -1
    momentum: float = 0.99
    moving_mean_initializer: Setting = "zeros"

    def receptive_field(self, fields: list, inputs: list[Shape]) -> receptive.Field | None:
        """Learned statistics per channel: values change, positions do not."""
        return receptive.merged(fields)

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As BatchNorm2d in evaluation: 2 per element with a scale or an offset, 1 without."""
        return costs.per_element(inputs[0], 2 if self.scale or self.center else 1)
    moving_variance_initializer: Setting = "ones"
    renorm: bool = False
    renorm_clipping: dict[str, float] | None = None
    renorm_momentum: float = 0.99
    synchronized: bool = False

    def check(self) -> None:
        if not self.renorm or not self.renorm_clipping:
            return
        clipping: dict[str, Any] = self.renorm_clipping
        unknown = set(clipping) - {"rmax", "rmin", "dmax"}
        if unknown:
            raise ArgumentError(
                "renorm_clipping",
                f"received invalid keys for `renorm_clipping`: {sorted(unknown)}; "
                "supported keys are rmax, rmin and dmax",
            )
        rmax, rmin, dmax = clipping.get("rmax"), clipping.get("rmin"), clipping.get("dmax")
        if rmax is not None and rmin is not None and rmax < rmin:
            raise ArgumentError("renorm_clipping", f"rmax ({rmax}) must not be less than rmin ({rmin})")
        if dmax is not None and dmax < 0:
            raise ArgumentError("renorm_clipping", f"dmax must be non-negative, received {dmax}")

    def params(self, inputs: list[Shape], why: Why) -> Params:
        sizes = self.normalized_sizes(inputs[0])
        affine = vectors(sizes, {"gamma": self.scale, "beta": self.center})
        statistics = vectors(sizes, {"moving_mean": True, "moving_variance": True, "moving_stddev": self.renorm,
                                     "renorm_mean": self.renorm, "renorm_stddev": self.renorm})
        record_params(why, affine, statistics)
        return Params(affine[0], statistics[0])


class LayerNormalization(_Affine):
    """Normalizes each sample over `axis` (an int or a list): params 2 * prod(sizes of those axes)
    (gamma and beta; one fewer vector without `scale` or `center`).
    """

    axis: AnyInt | list[AnyInt] = -1
    rms_scaling: bool = False

    def params(self, inputs: list[Shape], why: Why) -> Params:
        sizes = self.normalized_sizes(inputs[0])
        affine = vectors(sizes, {"gamma": self.scale or self.rms_scaling, "beta": self.center and not self.rms_scaling})
        record_params(why, affine)
        return Params(affine[0])


class RMSNormalization(_Normalization):
    """Divides by the root mean square over `axis`: params prod(sizes of those axes) (one scale vector)."""

    axis: AnyInt | list[AnyInt] = -1
    epsilon: float = 1e-6

    def params(self, inputs: list[Shape], why: Why) -> Params:
        scale = vectors(self.normalized_sizes(inputs[0]), {"scale": True})
        record_params(why, scale)
        return Params(scale[0])


class GroupNormalization(_Affine):
    """Normalizes channel groups: C = input_shape[axis] must be a multiple of `groups`
    (-1: one group per channel); params 2*C (gamma and beta).
    """

    groups: AnyInt = 32
    axis: AnyInt = -1

    def check(self) -> None:
        if self.groups <= 0 and self.groups != -1:
            raise ArgumentError(
                "groups",
                "expected a positive integer (or -1 for instance normalization), "
                f"received groups={self.groups}",
            )

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        (channels,) = self.normalized_sizes(inputs[0])
        groups = channels if self.groups == -1 else self.groups
        if channels < groups:
            raise ShapeError(
                f"GroupNormalization: the number of groups ({groups}) cannot be more than "
                f"the number of channels ({channels})",
                code="SC102",
            )
        if channels % groups:
            raise ShapeError(
                f"GroupNormalization: {channels} channels cannot be split into {groups} equal groups "
                f"({channels} % {groups} = {channels % groups})",
                code="SC102",
            )
        why.step(f"groups: {channels} channels / {groups} groups = {channels // groups} per group")
        return inputs[0]

    def params(self, inputs: list[Shape], why: Why) -> Params:
        affine = vectors(self.normalized_sizes(inputs[0]), {"gamma": self.scale, "beta": self.center})
        record_params(why, affine)
        return Params(affine[0])


class UnitNormalization(_Normalization):
    """Scales each sample to unit L2 norm along `axis`; shape unchanged, no parameters."""

    axis: AnyInt | list[AnyInt] = -1

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        for axis in axes_list(self.axis):
            resolve_axis(axis, inputs[0], "UnitNormalization")
        return inputs[0]
