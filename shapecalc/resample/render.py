"""Terminal output for resample: aligned matrices, cell explanations, side-by-side comparison.

All user-supplied text goes through rich.text.Text with markup disabled, so a value such as
"[bold]" is printed literally. Colour appears only on a terminal and never with NO_COLOR.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.text import Text

from shapecalc.resample.apply import ResampleResult
from shapecalc.resample.conventions import CONVENTIONS
from shapecalc.resample.explain import CellExplanation
from shapecalc.resample.floats import format_number
from shapecalc.resample.matrix import Matrix

COLUMN_GAP = "   "


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
    """A title line, then the matrix as right-aligned columns under their indices."""
    _line(console, title, "bold")
    for line in _matrix_lines(rows, ndim):
        console.print(line, soft_wrap=True)
    console.print()


def _matrix_lines(rows: Sequence[Sequence[float]], ndim: int) -> list[Text]:
    """Hand-aligned lines rather than a rich Table: a 256 x 256 output renders in a blink,
    and wide matrices run wide instead of being squeezed into the terminal."""
    cells = [[format_number(value) for value in row] for row in rows]
    headers = [str(column) for column in range(len(cells[0]))]
    labels = ["" if ndim == 1 else str(index) for index in range(len(cells))]
    widths = [max(len(header), *(len(row[column]) for row in cells)) for column, header in enumerate(headers)]
    label_width = max(len(label) for label in labels)
    header = Text(" " * label_width)
    for text, width in zip(headers, widths, strict=True):
        header.append(COLUMN_GAP + text.rjust(width), style="bold cyan")
    lines = [header, Text("─" * len(header), style="dim")]
    for label, row in zip(labels, cells, strict=True):
        line = Text()
        line.append(label.rjust(label_width), style="dim")
        line.append("".join(COLUMN_GAP + text.rjust(width) for text, width in zip(row, widths, strict=True)))
        lines.append(line)
    return lines


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
