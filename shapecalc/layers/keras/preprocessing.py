"""Keras preprocessing layers that sit inside models: Rescaling, Normalization, Resizing, CenterCrop and the random augmentations.

Resizing, CenterCrop and RandomCrop set the height and width; everything
else keeps the shape. Keras decides "batched" by rank alone: a rank-4 input
is (batch, H, W, C), any other rank is read as one unbatched image, so a
rank-3 input (batch, H, W) loses its batch axis in Keras's own summary. The
rules below reproduce that, because the summary is what users compare.
Normalization without a given mean and variance keeps adapted statistics:
Keras counts them (mean, variance, a count) as non-trainable parameters.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from shapecalc.arguments.types import AnyInt, ArgumentError, DataFormat, PositiveInt
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Layer, Params, Why
from shapecalc.layers.keras.normalization import known_sizes
from shapecalc.layers.keras.regularization import ShapePreserving
from shapecalc.shapes import Shape, ShapeError, format_shape

Factor = float | list[float]
FillMode = Literal["reflect", "wrap", "constant", "nearest"]
Interpolation = Literal["nearest", "bilinear"]


def check_factor(value: Factor, argument: str, low: float, high: float, every_number: bool = False, low_open: bool = False) -> None:
    """Keras's range check of an augmentation factor, one number or a pair, against [low, high].

    Most layers (Keras's base rule) refuse a pair only when it lies wholly outside the range
    (first > high or second < low); RandomZoom and RandomTranslation check `every_number`,
    RandomZoom with the low end open: (-1, 1].
    """
    if isinstance(value, list) and len(value) != 2:
        raise ArgumentError(argument, f"`{argument}` must be a number or a list of two numbers, received {value}")
    below = (lambda x: x <= low) if low_open else (lambda x: x < low)
    if isinstance(value, list) and not every_number:
        outside = value[0] > high or value[1] < low
    else:
        outside = any(below(x) or x > high for x in (value if isinstance(value, list) else [value]))
    if outside:
        bounds = f"({low}, {high}]" if low_open else f"[{low}, {high}]"
        raise ArgumentError(argument, f"`{argument}` must lie in {bounds}, received {value}")


def set_height_width(shape: Shape, axes: tuple[int, int], height: int, width: int, layer: str) -> Shape:
    """The shape with `height` and `width` written at the two given axis indices (negative counts from the end)."""
    sizes = list(shape)
    if not all(-len(sizes) <= axis < len(sizes) for axis in axes):
        raise ShapeError(
            f"{layer} needs an image input (height and width axes), but received {format_shape(shape)}",
            code="SC102",
        )
    sizes[axes[0]], sizes[axes[1]] = height, width
    return tuple(sizes)


def image_axes(rank: int, data_format: str | None) -> tuple[int, int]:
    """Keras's height and width positions: rank 4 is batched, any other rank one unbatched image."""
    first = data_format == "channels_first"
    if rank == 4:
        return (2, 3) if first else (1, 2)
    return (1, 2) if first else (0, 1)


class Rescaling(ShapePreserving):
    """x * scale + offset; shape unchanged."""

    primary: ClassVar[str | None] = "scale"

    scale: float | list[float]
    offset: float | list[float] = 0.0


class Resizing(Layer):
    """Images resized to (height, width): (batch, H, W, C) -> (batch, height, width, C) for rank 4;
    any other rank is treated by Keras as one unbatched image (its first two axes become height, width).
    """

    height: PositiveInt
    width: PositiveInt
    interpolation: str = "bilinear"
    crop_to_aspect_ratio: bool = False
    pad_to_aspect_ratio: bool = False
    fill_mode: str = "constant"
    fill_value: float = 0.0
    antialias: bool = False
    data_format: DataFormat = None

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As F.interpolate on a batch of images: nearest 1 per output element, bilinear 4, others 0."""
        per_output = {"nearest": 1, "bilinear": 4}.get(self.interpolation, 0) if len(output) == 4 else 0
        return costs.per_element(output, per_output) if per_output else 0

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        return set_height_width(shape, image_axes(len(shape), self.data_format), self.height, self.width,
                                self.type_name())


class CenterCrop(Layer):
    """The central (height, width) window of each image (padded if larger): rank 4 batched, rank 3 unbatched."""

    height: PositiveInt
    width: PositiveInt
    data_format: DataFormat = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        if len(shape) not in (3, 4):
            raise ShapeError(
                f"CenterCrop takes images of rank 4 (batch, H, W, C) or 3 (one image), "
                f"but received {format_shape(shape)}",
                code="SC102",
            )
        return set_height_width(shape, image_axes(len(shape), self.data_format), self.height, self.width,
                                "CenterCrop")


class RandomCrop(Layer):
    """A random (height, width) window while training, the centre one otherwise: the height and width
    axes (third and second from the end, or second and first with channels_first) become height, width.
    """

    height: PositiveInt
    width: PositiveInt
    seed: int | None = None
    data_format: DataFormat = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        axes = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        return set_height_width(inputs[0], axes, self.height, self.width, "RandomCrop")


class Normalization(Layer):
    """(x - mean) / sqrt(variance) per position of the kept `axis` (an int, a list, or null for one scalar);
    shape unchanged. Without `mean` and `variance`, adapted statistics: 2 * prod(kept sizes) + 1 non-trainable.
    """

    axis: AnyInt | list[AnyInt] | None = -1
    mean: float | list[float] | None = None
    variance: float | list[float] | None = None
    invert: bool = False

    def kept_axes(self) -> list[int]:
        if self.axis is None:
            return []
        return [self.axis] if isinstance(self.axis, int) else list(self.axis)

    def check(self) -> None:
        if (self.mean is None) != (self.variance is None):
            raise ArgumentError(
                "mean" if self.mean is None else "variance",
                "when setting values directly, both `mean` and `variance` must be given",
            )
        for name, value in (("mean", self.mean), ("variance", self.variance)):
            if isinstance(value, list) and len(self.kept_axes()) < 1:
                raise ArgumentError(name, f"a list `{name}` needs at least one kept axis; `axis` is {self.axis}")

    def kept_sizes(self, shape: Shape) -> list[int]:
        """Sizes of the kept axes, which Keras requires to exist and be known; a given mean and
        variance must broadcast to them (a list of 1 or of the last kept size)."""
        sizes = known_sizes(shape, self.kept_axes(), "Normalization") if self.kept_axes() else []
        for name, value in (("mean", self.mean), ("variance", self.variance)):
            if isinstance(value, list) and len(value) not in (1, sizes[-1] if sizes else 1):
                raise ShapeError(
                    f"Normalization: `{name}` has {len(value)} values, which cannot broadcast to the "
                    f"kept axes' sizes {format_shape(tuple(sizes))} of input {format_shape(shape)}",
                    code="SC102",
                )
        return sizes

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        self.kept_sizes(inputs[0])
        return inputs[0]

    def params(self, inputs: list[Shape], why: Why) -> Params:
        if self.mean is not None:
            return Params()
        sizes = self.kept_sizes(inputs[0])
        per_vector = 1
        for size in sizes:
            per_vector *= size
        shown = "*".join(map(str, sizes)) or "1"
        why.step(f"params: 2*{shown} (mean, variance) + 1 (count) = {2 * per_vector + 1}")
        return Params(0, 2 * per_vector + 1)


class RandomFlip(ShapePreserving):
    """Flips images horizontally and/or vertically while training; shape unchanged."""

    primary: ClassVar[str | None] = "mode"

    mode: str = "horizontal_and_vertical"
    seed: int | None = None
    data_format: DataFormat = None


class RandomRotation(ShapePreserving):
    """Rotates images by up to factor * 2*pi while training; shape unchanged."""

    primary: ClassVar[str | None] = "factor"

    factor: Factor
    fill_mode: FillMode = "reflect"
    interpolation: Interpolation = "bilinear"
    seed: int | None = None
    fill_value: float = 0.0
    data_format: DataFormat = None

    def check(self) -> None:
        check_factor(self.factor, "factor", -1, 1)


class RandomZoom(ShapePreserving):
    """Zooms images by up to the given factors while training; shape unchanged."""

    primary: ClassVar[str | None] = "height_factor"

    height_factor: Factor
    width_factor: Factor | None = None
    fill_mode: FillMode = "reflect"
    interpolation: Interpolation = "bilinear"
    seed: int | None = None
    fill_value: float = 0.0
    data_format: DataFormat = None

    def check(self) -> None:
        check_factor(self.height_factor, "height_factor", -1, 1, every_number=True, low_open=True)
        if self.width_factor is not None:
            check_factor(self.width_factor, "width_factor", -1, 1, every_number=True, low_open=True)


class RandomTranslation(ShapePreserving):
    """Shifts images by up to the given fractions of their size while training; shape unchanged."""

    height_factor: Factor
    width_factor: Factor
    fill_mode: FillMode = "reflect"
    interpolation: Interpolation = "bilinear"
    seed: int | None = None
    fill_value: float = 0.0
    data_format: DataFormat = None

    def check(self) -> None:
        check_factor(self.height_factor, "height_factor", -1, 1, every_number=True)
        check_factor(self.width_factor, "width_factor", -1, 1, every_number=True)


class RandomContrast(ShapePreserving):
    """Scales each image's contrast by a random factor while training; shape unchanged."""

    primary: ClassVar[str | None] = "factor"

    factor: Factor
    value_range: list[float] = [0, 255]
    seed: int | None = None

    def check(self) -> None:
        check_factor(self.factor, "factor", 0, 1)


class RandomBrightness(ShapePreserving):
    """Shifts each image's brightness by a random factor of value_range while training; shape unchanged."""

    primary: ClassVar[str | None] = "factor"

    factor: Factor
    value_range: list[float] = [0, 255]
    seed: int | None = None

    def check(self) -> None:
        check_factor(self.factor, "factor", -1, 1)
        if len(self.value_range) != 2:
            raise ArgumentError("value_range", f"`value_range` must be a list of two numbers, received {self.value_range}")
