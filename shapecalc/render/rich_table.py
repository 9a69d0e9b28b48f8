"""The summary table in colour, through Rich, for a terminal (Keras 3's own look).

User text (layer names, types, messages) is passed as `Text`, never as
markup, so a layer called `[bold]x` prints as written.
"""

from __future__ import annotations

from typing import TextIO

from shapecalc.model import Analysis
from shapecalc.render.lines import diagnostic_line
from shapecalc.render.summary import summary_text
from shapecalc.render.text import column_widths

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render(analysis: Analysis, stream: TextIO, columns: tuple[str, ...] | None = None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from shapecalc.render.columns import chosen

    console = Console(file=stream, highlight=False, soft_wrap=True)
    summary = summary_text(analysis, chosen(columns))
    widths = column_widths(summary)
    console.print(Text(summary.title, style="bold"))
    widths, wrap = fitted(widths, console.width)
    table = Table(box=box.HEAVY_HEAD, show_lines=True, show_edge=True)
    for title, align, width in zip(summary.header, summary.align, widths, strict=True):
        table.add_column(Text(title), justify=align, min_width=width, max_width=width if wrap else None,
                         no_wrap=not wrap, overflow="fold")
    for cells in summary.rows:
        name_type = Text(cells[0])
        open_at = cells[0].rfind(" (")
        if open_at >= 0:
            name_type.stylize("bold", open_at + 2, len(cells[0]) - 1)
        table.add_row(name_type, *(Text(c, style="cyan" if name == "params" else "")
                                   for name, c in zip(summary.columns, cells[1:], strict=True)))
    console.print(table)
    for line in summary.totals:
        label, _, rest = line.partition(":")
        console.print(Text.assemble(" ", (label + ":", "bold"), rest))
    if analysis.diagnostics:
        console.print()
        for diagnostic in analysis.diagnostics:
            console.print(Text(diagnostic_line(diagnostic), style=SEVERITY_STYLE[diagnostic.severity.value]))


BORDER = 3  # each column's share of the table's rules and padding ("│ " + " "), plus one for the last edge
NARROWEST = 6  # a column narrower than this cannot show a shape such as "(None,"


def fitted(widths: list[int], terminal: int) -> tuple[list[int], bool]:
    """Column widths for a terminal `terminal` columns wide, and whether cells must wrap.

    A table that fits keeps its widths. A wider one shrinks every column in
    proportion, as Keras's `line_length` sets each column's share of the line,
    and its cells wrap (folding a long name or shape onto more lines) rather
    than running past the screen's edge. A column is never narrower than
    NARROWEST, so with many columns (--columns) the widest give up the room
    the narrow ones were raised by; past NARROWEST each, the table is wider.
    """
    needed = sum(widths) + BORDER * len(widths) + 1
    if needed <= terminal:
        return widths, False
    room = max(terminal - BORDER * len(widths) - 1, NARROWEST * len(widths))
    total = sum(widths)
    shrunk = [max(NARROWEST, width * room // total) for width in widths]
    while sum(shrunk) > room and max(shrunk) > NARROWEST:  # the narrowest columns were raised: take it back
        widest = shrunk.index(max(shrunk))
        shrunk[widest] -= 1
    return shrunk, True
