"""Explains one output cell: its source coordinates, the neighbours read and their weights."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shapecalc.resample.apply import ResampleResult
from shapecalc.resample.errors import ResampleError
from shapecalc.resample.floats import format_number
from shapecalc.resample.kernels import Tap
from shapecalc.resample.plan import AxisSample

DEFAULT_CELL_LIMIT = 8


@dataclass(frozen=True)
class Term:
    """One input value's contribution: source cell, its value, and its total weight."""

    source: tuple[int, ...]
    value: float
    weight: float

    @property
    def contribution(self) -> float:
        return self.value * self.weight


@dataclass(frozen=True)
class CellExplanation:
    """Why an output cell holds its value, step by step."""

    cell: tuple[int, ...]
    value: float
    steps: tuple[str, ...]
    terms: tuple[Term, ...]


def parse_cell(text: str, result: ResampleResult) -> tuple[int, ...]:
    """'0,1' (row, column) for 2-D output, '3' for 1-D; must lie inside the output."""
    if not re.fullmatch(r"\s*\d+\s*([, ]\s*\d+\s*)?", text):
        raise ResampleError(f"--cell must look like ROW,COL (e.g. 0,1), or COL for 1-D; got {text!r}")
    cell = tuple(int(part) for part in re.split(r"[, ]+", text.strip()))
    shape = result.out_shape
    if len(cell) != len(shape):
        expected = "COL" if len(shape) == 1 else "ROW,COL"
        raise ResampleError(f"--cell {text} does not fit a {len(shape)}-D output; use {expected}")
    for index, side, name in zip(cell, shape, ("row", "column")[-len(shape):], strict=True):
        if index >= side:
            raise ResampleError(f"--cell {text}: {name} {index} is outside the output (0..{side - 1})")
    return cell


def default_cells(result: ResampleResult) -> list[tuple[int, ...]]:
    """The first output row (at most DEFAULT_CELL_LIMIT cells): where conventions differ most."""
    width = result.out_shape[-1]
    columns = range(min(width, DEFAULT_CELL_LIMIT))
    if result.matrix.ndim == 1:
        return [(column,) for column in columns]
    return [(0, column) for column in columns]


def explain_cell(result: ResampleResult, cell: tuple[int, ...]) -> CellExplanation:
    """Steps and terms that produce result's value at `cell` (1-D: (col,), 2-D: (row, col))."""
    row, column = (0, cell[0]) if len(cell) == 1 else cell
    value = result.rows[row][column]
    if result.indices is not None:
        return _explain_unpooled(result, cell, row, column, value)
    y_sample, x_sample = result.y_plan[row], result.x_plan[column]
    steps = []
    if result.matrix.ndim == 2:
        steps.append(_axis_step(y_sample, "row"))
    steps.append(_axis_step(x_sample, "col"))
    terms = _separable_terms(result, y_sample, x_sample)
    return CellExplanation(cell, value, tuple(steps), terms)


def _axis_step(sample: AxisSample, what: str) -> str:
    taps = [tap for tap in sample.taps if tap.weight != 0.0]
    if not taps:
        return f"{sample.formula} (no input {what} is read)"
    return f"{sample.formula}; reads {', '.join(_describe_tap(tap, what) for tap in taps)}"


def _describe_tap(tap: Tap, what: str) -> str:
    where = f"{tap.wanted}->{tap.index} (edge)" if tap.clamped else str(tap.index)
    return f"{what} {where} x {format_number(tap.weight)}"


def _separable_terms(result: ResampleResult, y_sample: AxisSample, x_sample: AxisSample) -> tuple[Term, ...]:
    """Products of y and x weights, same input cell merged (edge clamping can repeat one)."""
    weights: dict[tuple[int, ...], float] = {}
    for y_tap in y_sample.taps:
        for x_tap in x_sample.taps:
            weight = y_tap.weight * x_tap.weight
            if weight == 0.0:
                continue
            source = (x_tap.index,) if result.matrix.ndim == 1 else (y_tap.index, x_tap.index)
            weights[source] = weights.get(source, 0.0) + weight
    return tuple(Term(source, _input_value(result, source), weight) for source, weight in weights.items())


def _input_value(result: ResampleResult, source: tuple[int, ...]) -> float:
    if len(source) == 1:
        return result.matrix.rows[0][source[0]]
    return result.matrix.rows[source[0]][source[1]]


def _explain_unpooled(
    result: ResampleResult, cell: tuple[int, ...], row: int, column: int, value: float
) -> CellExplanation:
    width = result.out_shape[-1]
    flat = row * width + column
    flat_text = f"{flat}" if len(cell) == 1 else f"{row} * {width} + {column} = {flat}"
    sources = [
        (r, c)
        for r, index_row in enumerate(result.indices.rows)
        for c, index in enumerate(index_row)
        if int(index) == flat
    ]
    if not sources:
        step = f"flat index {flat_text}: no --indices entry points here, so 0"
        return CellExplanation(cell, value, (step,), ())
    r, c = sources[-1]
    source = (c,) if result.matrix.ndim == 1 else (r, c)
    where = _cell_text(source)
    step = f"flat index {flat_text}: --indices at input {where} points here"
    if len(sources) > 1:
        step += f" (and {len(sources) - 1} earlier one(s); the last in row-major order wins, as in torch on CPU)"
    return CellExplanation(cell, value, (step,), (Term(source, _input_value(result, source), 1.0),))


def _cell_text(cell: tuple[int, ...]) -> str:
    return f"[{', '.join(str(index) for index in cell)}]"
