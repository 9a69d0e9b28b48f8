"""torch.nn layers that rearrange a tensor: Flatten, Unflatten, Identity, PixelShuffle, PixelUnshuffle, ChannelShuffle.

    Flatten(start_dim=1, end_dim=-1): the axes start..end become their product
    Unflatten(dim, sizes):            axis `dim` becomes `sizes` (one -1 is inferred)
    PixelShuffle(r):   (*, C*r*r, H, W) -> (*, C, H*r, W*r)
    PixelUnshuffle(r): (*, C, H*r, W*r) -> (*, C*r*r, H, W)
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from shapecalc.arguments.bounds import Ge, Le
from shapecalc.arguments.types import MAX_SIZE, AnyInt, ArgumentError, PositiveInt
from shapecalc.costs import receptive
from shapecalc.layers.base import Why
from shapecalc.layers.torch.common import TorchLayer, normalize_dim, torch_size
from shapecalc.shapes import Shape, ShapeError, product

UnflattenSize = Annotated[int, Ge(-1), Le(MAX_SIZE)]


class Identity(receptive.KeepsField, TorchLayer):
    """Returns its input: the shape does not change (any arguments are ignored, as in PyTorch)."""

    model_config = TorchLayer.model_config | {"extra": "allow"}

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        return inputs[0]


class Flatten(TorchLayer):
    """Axes start_dim..end_dim become one axis of their product (None if any is unknown)."""

    rearranges_axes: ClassVar[bool] = True

    start_dim: AnyInt = 1
    end_dim: AnyInt = -1

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        start = normalize_dim(self.start_dim, len(shape), self.type_name(), "start_dim")
        end = normalize_dim(self.end_dim, len(shape), self.type_name(), "end_dim")
        if start > end:
            raise ShapeError(f"Flatten: start_dim ({self.start_dim}) cannot come after end_dim ({self.end_dim}) "
                             f"on an input of rank {len(shape)}", code="SC102")
        merged = shape[start:end + 1]
        flat = product(merged)
        why.step(f"flat: {' * '.join('None' if d is None else str(d) for d in merged)} = {flat}")
        return (*shape[:start], flat, *shape[end + 1:])


class Unflatten(TorchLayer):
    """Axis `dim` becomes the axes `unflattened_size`, whose product must be its size (one -1 is inferred)."""

    rearranges_axes: ClassVar[bool] = True

    dim: AnyInt
    unflattened_size: list[UnflattenSize]

    def check(self) -> None:
        sizes = self.unflattened_size
        if not sizes or sizes.count(-1) > 1 or 0 in sizes:
            raise ArgumentError("unflattened_size", f"unflattened_size may hold one -1 and positive sizes, "
                                f"received {sizes}")

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        axis = normalize_dim(self.dim, len(shape), self.type_name())
        size = shape[axis]
        sizes: list[int | None] = list(self.unflattened_size)
        known = product(tuple(s for s in sizes if s != -1)) or 1
        if -1 in sizes:
            inferred = None if size is None else size // known
            if size is not None and size % known:
                raise self.mismatch(size, shape)
            sizes[sizes.index(-1)] = inferred
        elif size is not None and known != size:
            raise self.mismatch(size, shape)
        return (*shape[:axis], *sizes, *shape[axis + 1:])

    def mismatch(self, size: int, shape: Shape) -> ShapeError:
        return ShapeError(f"Unflatten: provided sizes {self.unflattened_size} don't multiply up to the size of "
                          f"dim {self.dim} ({size}) in the input {torch_size(shape)}", code="SC102")


class PixelShuffle(TorchLayer):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r); C*r*r must divide by r*r."""

    primary: ClassVar[str | None] = "upscale_factor"

    upscale_factor: PositiveInt

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        r = self.upscale_factor
        if len(shape) < 3:
            raise ShapeError(f"PixelShuffle expects an input of rank >= 3, received {torch_size(shape)}", code="SC102")
        *lead, channels, height, width = shape
        if channels is not None and channels % (r * r):
            raise ShapeError(f"PixelShuffle: the channel dimension ({channels}) must be divisible by the square of "
                             f"upscale_factor ({r}*{r} = {r * r})", code="SC102")
        why.step(f"C: {channels} / {r}^2; H, W: * {r}")
        return (*lead, scale(channels, 1, r * r), scale(height, r), scale(width, r))


class PixelUnshuffle(TorchLayer):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W); H and W must divide by r."""

    primary: ClassVar[str | None] = "downscale_factor"

    downscale_factor: PositiveInt

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        r = self.downscale_factor
        if len(shape) < 3:
            raise ShapeError(f"PixelUnshuffle expects an input of rank >= 3, received {torch_size(shape)}",
                             code="SC102")
        *lead, channels, height, width = shape
        for label, size in (("height", height), ("width", width)):
            if size is not None and size % r:
                raise ShapeError(f"PixelUnshuffle: the {label} ({size}) must be divisible by downscale_factor "
                                 f"({r})", code="SC102")
        why.step(f"C: {channels} * {r}^2; H, W: / {r}")
        return (*lead, scale(channels, r * r), scale(height, 1, r), scale(width, 1, r))


class ChannelShuffle(TorchLayer):
    """Permutes channels in `groups`: the shape does not change; channels (axis 1) must divide by groups."""

    primary: ClassVar[str | None] = "groups"

    groups: PositiveInt

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        if len(shape) < 3:
            raise ShapeError(f"ChannelShuffle expects an input of rank >= 3, received {torch_size(shape)}",
                             code="SC102")
        if shape[1] is not None and shape[1] % self.groups:
            raise ShapeError(f"ChannelShuffle: the number of channels ({shape[1]}) must be divisible by groups "
                             f"({self.groups})", code="SC102")
        return shape


def scale(size: int | None, times: int, divide: int = 1) -> int | None:
    return None if size is None else size * times // divide


