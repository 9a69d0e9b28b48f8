"""torch.nn normalisation: BatchNorm, InstanceNorm, LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm.

None of them changes the shape. Parameters are what `module.parameters()`
yields: a weight and a bias per channel (2*C) for BatchNorm, for GroupNorm
and for InstanceNorm with `affine=True`; prod(normalized_shape) each for
LayerNorm's weight and bias. BatchNorm's running mean and variance are
buffers, not parameters, so they are not counted (Keras counts its
equivalents as non-trainable parameters).

Layers that normalise with statistics of the input itself refuse, as
PyTorch does, an input that gives each statistic a single value
(BatchNorm without running stats on a batch of 1 per channel, InstanceNorm
on one spatial element, GroupNorm on one value per group). Checks that
only training mode makes (BatchNorm with running stats) are not applied:
shapes are reported as an evaluation forward pass gives them.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import ArgumentError, PositiveInt, PositiveInts
from shapecalc.costs import macs as costs
from shapecalc.costs import receptive
from shapecalc.layers.base import Params, Why
from shapecalc.layers.torch.common import TorchLayer, infer_channels, need_ranks, torch_size
from shapecalc.shapes import Shape, ShapeError, product


def need_several(name: str, sizes: Shape, what: str, shape: Shape) -> None:
    """A statistic over a single value is refused: the product of `sizes` must not be 1 (unknown passes)."""
    if product(sizes) == 1:
        raise ShapeError(f"{name}: expected more than 1 {what} to compute statistics from, got input size "
                         f"{torch_size(shape)}", code="SC102")


class _ChannelNorm(receptive.KeepsField, TorchLayer):
    """Shared rule of BatchNorm and InstanceNorm: per-channel statistics over axis C."""

    primary: ClassVar[str | None] = "num_features"
    ranks: ClassVar[tuple[int, ...]] = (4,)

    num_features: PositiveInt
    eps: float = 1e-5
    momentum: float | None = 0.1
    affine: bool = True
    track_running_stats: bool = True
    device: str | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        name = self.type_name()
        need_ranks(shape, self.accepted_ranks(), name)
        channels = shape[self.channel_index()]
        if self.num_features is None:
            infer_channels(name, channels, 1, shape)
        if self.checks_channels() and channels is not None and channels != self.features(shape):
            raise ShapeError(
                f"{name}(num_features={self.features(shape)}) received {channels} channels "
                f"(input {torch_size(shape)}): the channel axis must match num_features",
                code="SC102",
            )
        if not self.track_running_stats:
            need_several(name, *self.statistic_sizes(shape), shape)
        return shape

    def accepted_ranks(self) -> tuple[int, ...]:
        return self.ranks

    def channel_index(self) -> int:
        return 1

    def statistic_sizes(self, shape: Shape) -> tuple[Shape, str]:
        """What each statistic computed from the input itself averages over (batch and spatial axes)."""
        return (shape[0], *shape[2:]), "value per channel"

    def checks_channels(self) -> bool:
        return self.affine or self.track_running_stats

    def features(self, shape: Shape) -> int:
        """num_features, or for a Lazy module axis 1 of the first input (PyTorch reads axis 1 even unbatched)."""
        if self.num_features is not None:
            return self.num_features
        return shape[1] or 0

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """In evaluation, BatchNorm is one scale (and one shift with affine) per element: 2 or 1; one
        that normalises with the input's own statistics (no running stats, InstanceNorm) 5 or 4."""
        if self.uses_input_statistics():
            return costs.per_element(inputs[0], 5 if self.affine else 4)
        return costs.per_element(inputs[0], 2 if self.affine else 1)

    def uses_input_statistics(self) -> bool:
        return not self.track_running_stats

    def params(self, inputs: list[Shape], why: Why) -> Params:
        if not self.affine:
            why.step("params: affine=False, no weight or bias")
            return Params()
        features = self.features(inputs[0])
        why.step(f"params: weight {features} + bias {features} = {2 * features}")
        return Params(2 * features)


class BatchNorm1d(_ChannelNorm):
    """(N, C) or (N, C, L), unchanged; 2*C params when affine (running stats are buffers)."""

    ranks: ClassVar[tuple[int, ...]] = (2, 3)


class BatchNorm2d(_ChannelNorm):
    """(N, C, H, W), unchanged; 2*C params when affine (running stats are buffers)."""

    ranks: ClassVar[tuple[int, ...]] = (4,)


class BatchNorm3d(_ChannelNorm):
    """(N, C, D, H, W), unchanged; 2*C params when affine (running stats are buffers)."""

    ranks: ClassVar[tuple[int, ...]] = (5,)


class _InstanceNorm(_ChannelNorm):
    """Per-sample, per-channel normalisation; affine=False by default, so no params by default."""

    spatial_rank: ClassVar[int] = 2

    affine: bool = False
    track_running_stats: bool = False

    def accepted_ranks(self) -> tuple[int, ...]:
        return (self.spatial_rank + 1, self.spatial_rank + 2)

    def channel_index(self) -> int:
        return -self.spatial_rank - 1

    def statistic_sizes(self, shape: Shape) -> tuple[Shape, str]:
        return shape[-self.spatial_rank:], "spatial element"

    def uses_input_statistics(self) -> bool:
        return True  # counted as fvcore's instance_norm, running stats or not

    def receptive_field(self, fields: list, inputs: list[Shape]) -> receptive.Field | None:
        """Statistics over the whole image: every unit depends on every pixel."""
        return None




class InstanceNorm1d(_InstanceNorm):
    __doc__ = _InstanceNorm.__doc__
    spatial_rank: ClassVar[int] = 1


class InstanceNorm2d(_InstanceNorm):
    __doc__ = _InstanceNorm.__doc__
    spatial_rank: ClassVar[int] = 2


class InstanceNorm3d(_InstanceNorm):
    __doc__ = _InstanceNorm.__doc__
    spatial_rank: ClassVar[int] = 3


class _LazyNorm:
    """Lazy modules: num_features is the channel count of the first input, not an argument."""

    primary: ClassVar[str | None] = None
    num_features: ClassVar[None] = None


class LazyBatchNorm1d(_LazyNorm, BatchNorm1d):
    """BatchNorm1d whose num_features is taken from its input: 2*C params when affine."""


class LazyBatchNorm2d(_LazyNorm, BatchNorm2d):
    """BatchNorm2d whose num_features is taken from its input: 2*C params when affine."""


class LazyBatchNorm3d(_LazyNorm, BatchNorm3d):
    """BatchNorm3d whose num_features is taken from its input: 2*C params when affine."""


class _LazyInstanceNorm(_LazyNorm):
    """Lazy InstanceNorm defaults differ from InstanceNorm's: affine and running stats are on."""

    affine: bool = True
    track_running_stats: bool = True


class LazyInstanceNorm1d(_LazyInstanceNorm, InstanceNorm1d):
    """InstanceNorm1d taking num_features from axis 1 of its input; affine by default: 2*C params."""


class LazyInstanceNorm2d(_LazyInstanceNorm, InstanceNorm2d):
    """InstanceNorm2d taking num_features from axis 1 of its input; affine by default: 2*C params."""


class LazyInstanceNorm3d(_LazyInstanceNorm, InstanceNorm3d):
    """InstanceNorm3d taking num_features from axis 1 of its input; affine by default: 2*C params."""


class _LastAxesNorm(TorchLayer):
    """Shared rule of LayerNorm and RMSNorm: the last axes must equal `normalized_shape`."""

    primary: ClassVar[str | None] = "normalized_shape"

    normalized_shape: PositiveInts
    elementwise_affine: bool = True
    device: str | None = None

    def normalized(self) -> tuple[int, ...]:
        value = self.normalized_shape
        return (value,) if isinstance(value, int) else tuple(value)

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        wanted = self.normalized()
        tail = shape[len(shape) - len(wanted):] if len(shape) >= len(wanted) else None
        if tail is None or any(got is not None and got != want for got, want in zip(tail, wanted, strict=True)):
            raise ShapeError(
                f"{self.type_name()}: given normalized_shape={list(wanted)}, expected input with shape "
                f"[*, {', '.join(map(str, wanted))}], but got input of size {torch_size(shape)}",
                code="SC102",
            )
        return shape

    def vectors(self) -> int:
        """How many parameter vectors of size prod(normalized_shape) the layer holds."""
        return 1 if self.elementwise_affine else 0

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """fvcore's layer_norm: 5 per element with a weight, 4 without (RMSNorm overrides: 0)."""
        return costs.per_element(inputs[0], 5 if self.elementwise_affine else 4)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        size = product(self.normalized()) or 0
        total = size * self.vectors()
        why.step(f"params: {self.vectors()}*{size} = {total}")
        return Params(total)


class LayerNorm(_LastAxesNorm):
    """Normalises over the last axes: shape unchanged; weight and bias of prod(normalized_shape) each."""

    eps: float = 1e-5
    bias: bool = True

    def vectors(self) -> int:
        return (1 + int(self.bias)) if self.elementwise_affine else 0


class RMSNorm(_LastAxesNorm):
    """Root-mean-square norm over the last axes: shape unchanged; a weight of prod(normalized_shape)."""

    eps: float | None = None

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """fvcore has no rule for rms_norm: 0."""
        return 0


class GroupNorm(TorchLayer):
    """(N, C, *) unchanged, statistics per group of C/num_groups channels; 2*C params when affine."""

    num_groups: PositiveInt
    num_channels: PositiveInt
    eps: float = 1e-5
    affine: bool = True
    device: str | None = None

    def check(self) -> None:
        if self.num_channels % self.num_groups:
            raise ArgumentError("num_groups", f"num_channels ({self.num_channels}) must be divisible by "
                                f"num_groups ({self.num_groups})")

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        if len(shape) < 2:
            raise ShapeError(f"GroupNorm expects at least 2 dimensions, received {torch_size(shape)}", code="SC102")
        channels = shape[1]
        if channels is not None and self.affine and channels != self.num_channels:
            raise ShapeError(f"GroupNorm(num_channels={self.num_channels}) received {channels} channels "
                             f"(input {torch_size(shape)})", code="SC102")
        if channels is not None and channels % self.num_groups:
            raise ShapeError(f"GroupNorm: expected the number of channels in input ({channels}) to be divisible "
                             f"by num_groups ({self.num_groups})", code="SC102")
        if channels is not None:
            need_several("GroupNorm", (shape[0], channels // self.num_groups, *shape[2:]), "value per group", shape)
        return shape

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """fvcore's group_norm: 5 per element when affine, 4 when not."""
        return costs.per_element(inputs[0], 5 if self.affine else 4)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        total = 2 * self.num_channels if self.affine else 0
        why.step(f"params: weight and bias of {self.num_channels} = {total}" if self.affine else "params: affine=False")
        return Params(total)


class LocalResponseNorm(receptive.KeepsField, TorchLayer):
    """Normalises across nearby channels: shape unchanged; needs a 3D or higher input."""

    primary: ClassVar[str | None] = "size"

    size: PositiveInt
    alpha: float = 1e-4
    beta: float = 0.75
    k: float = 1.0

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        if len(shape) < 3:
            raise ShapeError(f"LocalResponseNorm expects a 3D or higher input, received {torch_size(shape)}",
                             code="SC102")
        return shape
