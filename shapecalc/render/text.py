"""Plain-text summary: the Keras 3 table drawn with box characters and no colour codes.

Used whenever stdout is not a terminal or NO_COLOR is set, and for golden
tests. Drawn by hand rather than through Rich: it is several times faster,
which matters in a pre-commit hook, and its width never depends on a terminal.
"""

from __future__ import annotations

from collections.abc import Iterator

from shapecalc.model import Analysis
from shapecalc.render.lines import diagnostic_line
from shapecalc.render.summary import CONNECTED_WIDTH, SummaryText, summary_text
from shapecalc.textwidth import display_width, pad

MIN_WIDTHS = {3: [31, 22, 13], 4: [27, 23, 14, CONNECTED_WIDTH]}  # Keras 3 at line_length 76 and 100
KERAS_LAYOUTS = {("output_shape", "params"), ("output_shape", "params", "connected_to")}


def column_widths(summary: SummaryText) -> list[int]:
    """Keras's widths for Keras's columns; for columns chosen with --columns, each at least its title."""
    if summary.columns in KERAS_LAYOUTS:
        widths = list(MIN_WIDTHS[len(summary.header)])
    else:
        widths = [MIN_WIDTHS[4][0], *(len(title) for title in summary.header[1:])]
    for cells in [summary.header, *summary.rows]:
        for i, cell in enumerate(cells):
            widths[i] = max(widths[i], max(map(display_width, cell.split("\n"))) if "\n" in cell else display_width(cell))
    return widths


def _line(left: str, fill: str, join: str, right: str, widths: list[int]) -> str:
    return left + join.join(fill * (w + 2) for w in widths) + right


def _cells(cells: list[str], widths: list[int], align: list[str], bar: str) -> str:
    """One table row; a cell of several lines makes the row that many lines high."""
    if any("\n" in cell for cell in cells):
        columns = [cell.split("\n") for cell in cells]
        height = max(map(len, columns))
        return "\n".join(_cells([lines[i] if i < len(lines) else "" for lines in columns], widths, align, bar)
                         for i in range(height))
    parts = []
    for cell, width, how in zip(cells, widths, align, strict=True):
        parts.append(" " + pad(cell, width, how) + " ")
    return bar + bar.join(parts) + bar


def table_lines(summary: SummaryText) -> Iterator[str]:
    widths = column_widths(summary)
    yield summary.title
    yield _line("┏", "━", "┳", "┓", widths)
    yield _cells(summary.header, widths, summary.align, "┃")
    yield _line("┡", "━", "╇", "┩", widths)
    for i, cells in enumerate(summary.rows):
        if i:
            yield _line("├", "─", "┼", "┤", widths)
        yield _cells(cells, widths, summary.align, "│")
    yield _line("└", "─", "┴", "┘", widths)
    for total in summary.totals:
        yield " " + total


def render(analysis: Analysis, columns: tuple[str, ...] | None = None) -> str:
    from shapecalc.render.columns import chosen

    lines = list(table_lines(summary_text(analysis, chosen(columns))))
    if analysis.diagnostics:
        lines.append("")
        lines.extend(diagnostic_line(d) for d in analysis.diagnostics)
    return "\n".join(lines) + "\n"
