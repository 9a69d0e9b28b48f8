"""Computes the resampled matrix from per-axis plans (or from unpooling indices)."""

from __future__ import annotations

from dataclasses import dataclass

from shapecalc.resample.errors import ResampleError
from shapecalc.resample.matrix import Matrix
from shapecalc.resample.plan import (
    AxisSample,
    canonical_mode,
    check_supported,
    identity_plan,
    plan_axis,
)
from shapecalc.resample.sizing import AxisGeometry, SizeRequest, resolve_geometry


@dataclass(frozen=True)
class ResampleResult:
    """The output and everything needed to explain any of its cells."""

    matrix: Matrix
    convention: str
    mode: str
    axes: tuple[AxisGeometry, ...]
    y_plan: tuple[AxisSample, ...]
    x_plan: tuple[AxisSample, ...]
    rows: tuple[tuple[float, ...], ...]
    indices: Matrix | None = None

    @property
    def mode_label(self) -> str:
        """The mode as the frameworks name it: 'linear' for 1-D, 'bilinear' for 2-D."""
        return "linear" if self.mode == "bilinear" and self.matrix.ndim == 1 else self.mode

    @property
    def out_shape(self) -> tuple[int, ...]:
        return tuple(axis.out_size for axis in self.axes)

    def to_nested(self) -> list:
        """Output as plain lists; 1-D output stays flat like its input."""
        if self.matrix.ndim == 1:
            return list(self.rows[0])
        return [list(row) for row in self.rows]


def resample(
    matrix: Matrix,
    convention: str,
    mode: str | None,
    request: SizeRequest,
    indices: Matrix | None = None,
) -> ResampleResult:
    """Resample `matrix` the way `convention` does for `mode` (None: its default)."""
    mode = canonical_mode(mode, convention)
    check_supported(convention, mode)
    axes = resolve_geometry(matrix.shape, request)
    if indices is not None:
        return _unpool(matrix, convention, axes, indices)
    plans = [plan_axis(convention, mode, axis) for axis in axes]
    y_plan = identity_plan() if matrix.ndim == 1 else plans[0]
    x_plan = plans[-1]
    rows = tuple(tuple(_cell_value(matrix, y, x) for x in x_plan) for y in y_plan)
    return ResampleResult(matrix, convention, mode, axes, y_plan, x_plan, rows)


def _cell_value(matrix: Matrix, y: AxisSample, x: AxisSample) -> float:
    """Separable weighted sum: sum over y taps and x taps of wy * wx * input[y][x]."""
    total = 0.0
    for y_tap in y.taps:
        row = matrix.rows[y_tap.index]
        for x_tap in x.taps:
            total += y_tap.weight * x_tap.weight * row[x_tap.index]
    return total


def _unpool(matrix: Matrix, convention: str, axes: tuple[AxisGeometry, ...], indices: Matrix) -> ResampleResult:
    """MaxUnpool: each value goes to its flat index in the output plane, zeros elsewhere;
    on a repeated index the later value (row-major order) wins, as on torch's CPU."""
    if convention != "zeros":
        raise ResampleError("--indices only applies to --convention zeros (max-unpooling)")
    _check_indices(matrix, axes, indices)
    out_height = 1 if matrix.ndim == 1 else axes[0].out_size
    out_width = axes[-1].out_size
    plane = [[0.0] * out_width for _ in range(out_height)]
    for row, index_row in zip(matrix.rows, indices.rows, strict=True):
        for value, flat in zip(row, index_row, strict=True):
            plane[int(flat) // out_width][int(flat) % out_width] = value
    rows = tuple(tuple(row) for row in plane)
    return ResampleResult(matrix, convention, "nearest", axes, (), (), rows, indices)


def _check_indices(matrix: Matrix, axes: tuple[AxisGeometry, ...], indices: Matrix) -> None:
    if indices.shape != matrix.shape:
        raise ResampleError(
            f"--indices has shape {_shape_text(indices.shape)} but the matrix is {_shape_text(matrix.shape)}; "
            "give one flat output index per input value"
        )
    plane_size = 1
    for axis in axes:
        plane_size *= axis.out_size
    for row in indices.rows:
        for flat in row:
            if not 0 <= flat < plane_size:
                raise ResampleError(
                    f"--indices value {int(flat)} is outside the output plane of "
                    f"{_shape_text(tuple(axis.out_size for axis in axes))} (0..{plane_size - 1})"
                )


def _shape_text(shape: tuple[int, ...]) -> str:
    return "x".join(str(side) for side in shape)
