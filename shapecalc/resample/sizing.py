"""Turns --size / --scale / --to into an output size per axis, as torch computes it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from shapecalc.resample.errors import ResampleError

MAX_OUTPUT_SIDE = 256
DEFAULT_SIZE_FACTOR = 2


@dataclass(frozen=True)
class AxisGeometry:
    """One axis: input length, output length, and the scale_factor the user gave (if any).

    rank is the number of axes of the input (1 or 2): torch's 1-D and 2-D kernels differ.
    The scale_factor is kept because torch maps coordinates with 1/scale_factor when one is
    given, which differs from in/out whenever in*scale is not a whole number.
    """

    name: str
    in_size: int
    out_size: int
    scale_factor: float | None
    rank: int = 2

    @property
    def integer_factor(self) -> int | None:
        """out/in when it is a whole number, else None (repetition needs a whole factor)."""
        if self.out_size % self.in_size == 0:
            return self.out_size // self.in_size
        return None


@dataclass(frozen=True)
class SizeRequest:
    """Exactly one of the three ways to ask for an output size."""

    size: int | None = None
    scale: float | None = None
    to: str | None = None


def resolve_geometry(shape: tuple[int, ...], request: SizeRequest) -> tuple[AxisGeometry, ...]:
    """Output geometry for each axis of `shape` (1 or 2 axes; the last axis is x)."""
    names = ("x",) if len(shape) == 1 else ("y", "x")
    given = [option for option, value in _options(request) if value is not None]
    if len(given) > 1:
        raise ResampleError(f"give only one of --size, --scale, --to (got {', '.join(given)})")
    if request.scale is not None:
        axes = _from_scale(shape, names, request.scale)
    elif request.to is not None:
        axes = _from_target(shape, names, request.to)
    else:
        factor = DEFAULT_SIZE_FACTOR if request.size is None else request.size
        axes = _from_size(shape, names, factor)
    _check_output_limits(axes)
    return axes


def _options(request: SizeRequest) -> list[tuple[str, object]]:
    return [("--size", request.size), ("--scale", request.scale), ("--to", request.to)]


def _from_size(shape: tuple[int, ...], names: tuple[str, ...], factor: int) -> tuple[AxisGeometry, ...]:
    if factor < 1:
        raise ResampleError(f"--size must be a whole number of at least 1, got {factor}")
    return tuple(
        AxisGeometry(name, length, length * factor, float(factor), len(shape)) for name, length in zip(names, shape, strict=True)
    )


def _from_scale(shape: tuple[int, ...], names: tuple[str, ...], scale: float) -> tuple[AxisGeometry, ...]:
    if not math.isfinite(scale) or scale <= 0:
        raise ResampleError(f"--scale must be a positive number, got {scale}")
    axes = []
    for name, length in zip(names, shape, strict=True):
        out_size = int(length * scale)  # torch: floor(in * scale_factor), in double precision
        if out_size < 1:
            raise ResampleError(f"--scale {scale} makes the {name} axis empty: floor({length} * {scale}) = 0")
        axes.append(AxisGeometry(name, length, out_size, float(scale), len(shape)))
    return tuple(axes)


def _from_target(shape: tuple[int, ...], names: tuple[str, ...], text: str) -> tuple[AxisGeometry, ...]:
    sizes = _parse_target(text)
    if len(sizes) == 1:
        sizes = sizes * len(shape)
    if len(sizes) != len(shape):
        raise ResampleError(f"--to {text} gives {len(sizes)} sizes but the input is {len(shape)}-D; use --to W for 1-D")
    return tuple(AxisGeometry(name, length, out, None, len(shape)) for name, length, out in zip(names, shape, sizes, strict=True))


def _parse_target(text: str) -> list[int]:
    if not re.fullmatch(r"\s*\d+\s*([x×,]\s*\d+\s*)?", text):
        raise ResampleError(f"--to must look like HxW (e.g. 4x6) or W for 1-D, got {text!r}")
    sizes = [int(part) for part in re.split(r"[x×,]", text)]
    if min(sizes) < 1:
        raise ResampleError(f"--to sizes must be at least 1, got {text!r}")
    return sizes


def _check_output_limits(axes: tuple[AxisGeometry, ...]) -> None:
    for axis in axes:
        if axis.out_size > MAX_OUTPUT_SIDE:
            raise ResampleError(
                f"the output would be {axis.out_size} long on the {axis.name} axis; "
                f"at most {MAX_OUTPUT_SIDE} per side is explained"
            )
