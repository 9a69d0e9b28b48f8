"""Terminal output for resample: aligned tables, cell explanations, side-by-side comparison.

All user-supplied text goes through rich.text.Text with markup disabled, so a value such as
"[bold]" is printed literally. Colour appears only on a terminal and never with NO_COLOR.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from shapecalc.resample.apply import ResampleResult
from shapecalc.resample.conventions import CONVENTIONS
from shapecalc.resample.explain import CellExplanation
from shapecalc.resample.floats import format_number
from shapecalc.resample.matrix import Matrix


def make_console(file: TextIO | None = None) -> Console:
    """A console that never interprets markup or highlights numbers on its own."""
    return Console(file=file or sys.stdout, markup=False, highlight=False, emoji=False)


def print_result(console: Console, result: ResampleResult, show_input: bool = True) -> None:
    """The input (for reference) and the resampled output as aligned tables."""
    if show_input:
        _print_matrix(console, result.matrix.rows, result.matrix.ndim, "input")
    _print_matrix(console, result.rows, result.matrix.ndim, _result_title(result))


def print_explanations(console: Console, result: ResampleResult, explanations: Sequence[CellExplanation]) -> None:
    """How the chosen cells were computed, preceded by the convention's general rule."""
    convention = CONVENTIONS[result.convention]
    _line(console, f"{convention.name}: {convention.matches}", "bold")
    _line(console, f"  sample points: {convention.mapping}", "dim")
    for explanation in explanations:
        _print_explanation(console, explanation)


def print_comparison(
    console: Console, matrix: Matrix, results: Sequence[ResampleResult], refusals: dict[str, str]
) -> None:
    """Every convention's output for the same input, one table each, refusals as one line."""
    _print_matrix(console, matrix.rows, matrix.ndim, "input")
    for result in results:
        _print_matrix(console, result.rows, matrix.ndim, _result_title(result))
    for name, reason in refusals.items():
        _line(console, f"{name}: not available: {reason}", "yellow")


def print_error(message: str, file: TextIO | None = None) -> None:
    """One line on stderr, plain text, for exit code 2."""
    print(f"error: {message}", file=file or sys.stderr)


def _result_title(result: ResampleResult) -> str:
    in_shape = "x".join(str(side) for side in result.matrix.shape)
    out_shape = "x".join(str(side) for side in result.out_shape)
    return f"{result.convention}, {result.mode_label}: {in_shape} -> {out_shape}"


def _print_matrix(console: Console, rows: Sequence[Sequence[float]], ndim: int, title: str) -> None:
    """A title line (tables would wrap a title wider than themselves), then the table."""
    _line(console, title, "bold")
    _print_table(console, _matrix_table(rows, ndim))


def _matrix_table(rows: Sequence[Sequence[float]], ndim: int) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(Text(""), style="dim", justify="right", no_wrap=True)
    for column in range(len(rows[0])):
        table.add_column(Text(str(column)), justify="right", no_wrap=True, header_style="bold cyan")
    for index, row in enumerate(rows):
        label = "" if ndim == 1 else str(index)
        table.add_row(Text(label), *(Text(format_number(value)) for value in row))
    return table


def _print_table(console: Console, table: Table) -> None:
    """Never squeeze columns (that would split numbers); let wide tables run wide."""
    needed = console.measure(table).maximum
    console.print(table, width=max(console.width, needed))


def _print_explanation(console: Console, explanation: CellExplanation) -> None:
    cell = ", ".join(str(index) for index in explanation.cell)
    _line(console, f"cell [{cell}] = {format_number(explanation.value)}", "bold green")
    for step in explanation.steps:
        _line(console, f"  {step}", None)
    if explanation.terms:
        _line(console, f"  value = {_sum_text(explanation)}", None)


def _sum_text(explanation: CellExplanation) -> str:
    """'0.75 x 100 [0,0] + 0.25 x 200 [0,1] = 125': weight x input value [its cell]."""
    products = " + ".join(
        f"{format_number(term.weight)} x {format_number(term.value)} [{','.join(map(str, term.source))}]"
        for term in explanation.terms
    )
    return f"{products} = {format_number(explanation.value)}".replace("+ -", "- ")


def _line(console: Console, text: str, style: str | None) -> None:
    console.print(Text(text, style=style or ""), soft_wrap=True)
