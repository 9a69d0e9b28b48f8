"""Keras's own printed `model.summary()`, and the one way shapecalc's piped table may differ from it.

shapecalc draws the table Keras 3 prints at a fixed line length: 76 characters
for a sequential-like model (Keras's 88, capped as Keras caps it on an
80-column terminal) and 100 for a table with "Connected to". Where a cell is
longer than its column, Keras wraps it over several lines (rich folds
`batch_normalization_1 (BatchNormalization)` at the space); shapecalc keeps
such a cell on one line, widening that column to its longest cell, so that a
row can be found with grep. The "Connected to" cell alone wraps as Keras's
does, line for line (a Concatenate of thousands of inputs would otherwise
widen every row of the table); where Keras crops a connection longer than
its column (`multi_head_attention[0…`), shapecalc prints it whole on that
line: the cropped text must be the start of ours.
A layer the file declares itself (`custom_layers:`) is marked `*` after its
type, `(LayerScale)*`, which Keras has no reason to print.
Everything else must be
what Keras printed, character for character: the title with the model's name,
the header, the box lines, each cell's text and alignment, the totals lines.

`as_shapecalc_draws(printed, ours)` rewrites Keras's printed text under that
one rule; the test then requires it to equal our output exactly.
"""

from __future__ import annotations

import io
import os
import re
from typing import Any

from rich.cells import cell_len

SEQUENTIAL_LINE = 76
FUNCTIONAL_LINE = 100


def keras_printed(model: Any, line_length: int) -> str:
    """What `model.summary(line_length=...)` prints (rich, no colour; wide enough never to crop)."""
    chunks: list[str] = []
    columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "1000"
    try:
        model.summary(line_length=line_length, print_fn=lambda text, line_break=True: chunks.append(text))
    finally:
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
    return "".join(chunks)


def _boundaries(rule: str) -> list[int]:
    """Positions of the vertical bars in a box line (the first and last characters included)."""
    return [0] + [i for i, char in enumerate(rule) if char in "┳╇┼┴┬╋"] + [len(rule) - 1]


def _cells(line: str, bars: list[int]) -> list[str]:
    """The raw cells of one table line, padding included. `bars` are terminal columns: a CJK character or
    an emoji in a cell takes two of them (Rich's `cell_len`, what Keras's table is drawn by)."""
    at_column, column = [], 0
    for char in line:
        at_column.append(column)
        column += cell_len(char)
    index_of = {col: index for index, col in enumerate(at_column)}
    return [line[index_of[start] + 1:index_of[end]] for start, end in zip(bars, bars[1:], strict=False)]


def _padded(cell: str, width: int, how: str) -> str:
    spaces = " " * (width - cell_len(cell))
    return spaces + cell if how == "right" else cell + spaces


def _alignment(raw: str) -> str:
    """'right' when the text sits against the right padding, else 'left' (header cells never fill their column)."""
    text = raw.strip()
    return "right" if raw.endswith(text + " ") and not raw.startswith(" " + text) else "left"


def _piece_pattern(piece: str) -> str:
    """A printed piece as a pattern: a piece Keras cropped ("layer_normalization[0]…") stands for
    its visible start followed by the rest of that word."""
    if piece.endswith("…"):
        return re.escape(piece[:-1]) + r"[^ ]*"
    return re.escape(piece)


def _unwrap(pieces: list[str], ours: str | None) -> str:
    """One cell's lines as one text: rich breaks at a space (dropping it) or, for a word longer than the
    column, inside the word, and Keras crops a connection longer than its column with "…". `ours` is
    taken when it is exactly those pieces with such breaks and crops; else the pieces joined by spaces
    (which then fails the comparison, showing what Keras printed)."""
    pieces = [piece for piece in pieces if piece]
    pattern = r" ?".join(map(_piece_pattern, pieces))
    if ours is not None and (re.fullmatch(pattern, ours) or ours.endswith(")*") and re.fullmatch(pattern, ours[:-1])):
        return ours  # a declared layer's row is marked `*` after its type
    return " ".join(pieces)


def _table_rows(lines: list[str], bars: list[int]) -> tuple[list[str], list[list[list[str]]]]:
    """(header raw cells, rows as lists of per-column pieces) of Keras's table lines (box lines excluded)."""
    header = _cells(lines[1], bars)
    rows: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in lines[3:-1]:
        if line.startswith("├"):
            current = None
            continue
        if current is None:
            current = [[] for _ in bars[1:]]
            rows.append(current)
        for column, raw in enumerate(_cells(line, bars)):
            current[column].append(raw.strip())
    return header, rows


def _our_rows(ours: str) -> list[list[list[str]]]:
    """The cells of our table's body rows, each cell as its lines."""
    rows: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in ours.splitlines():
        if not line.startswith("│"):
            current = None
            continue
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if current is None:
            current = [[] for _ in cells]
            rows.append(current)
        for column, cell in enumerate(cells):
            if cell:
                current[column].append(cell)
    return rows


def _wrapped_as_keras(pieces: list[str], ours: list[str] | None) -> list[str]:
    """A "Connected to" cell's lines as Keras printed them, a cropped connection ("name[0…") replaced by
    our line when that line is the same text uncropped."""
    lines = []
    for index, piece in enumerate(piece for piece in pieces if piece):
        mine = ours[index] if ours is not None and index < len(ours) else None
        keep = mine is not None and piece.endswith("…") and re.fullmatch(_piece_pattern(piece), mine)
        lines.append(mine if keep else piece)
    return lines


def as_shapecalc_draws(printed: str, ours: str) -> str:
    """Keras's printed summary with every wrapped cell but "Connected to" on one line and each column as
    wide as its widest line (at least Keras's width); everything else as Keras printed it."""
    lines = printed.splitlines()
    top = next(index for index, line in enumerate(lines) if line.startswith("┏"))
    bottom = next(index for index, line in enumerate(lines) if line.startswith("└"))
    table = lines[top:bottom + 1]
    bars = _boundaries(table[0])
    header_raw, rows = _table_rows(table, bars)
    header = [raw.strip() for raw in header_raw]
    align = [_alignment(raw) for raw in header_raw]
    our_cells = _our_rows(ours)

    def ours_at(r: int, c: int) -> list[str] | None:
        return our_cells[r][c] if r < len(our_cells) and c < len(our_cells[r]) else None

    def expected(r: int, c: int, pieces: list[str]) -> list[str]:
        mine = ours_at(r, c)
        if header[c] == "Connected to":
            return _wrapped_as_keras(pieces, mine)
        return [_unwrap(pieces, mine[0] if mine and len(mine) == 1 else None)]

    body = [[expected(r, c, pieces) for c, pieces in enumerate(row)] for r, row in enumerate(rows)]
    widths = [max([end - start - 3, cell_len(header[c])] + [cell_len(line) for row in body for line in row[c]])
              for c, (start, end) in enumerate(zip(bars, bars[1:], strict=False))]

    def rule(left: str, fill: str, join: str, right: str) -> str:
        return left + join.join(fill * (width + 2) for width in widths) + right

    def row_line(cells: list[str], bar: str) -> str:
        return bar + bar.join(" " + _padded(cell, w, how) + " "
                              for cell, w, how in zip(cells, widths, align, strict=True)) + bar

    def row_lines(cells: list[list[str]]) -> str:
        height = max(len(cell) for cell in cells)
        return "\n".join(row_line([cell[i] if i < len(cell) else "" for cell in cells], "│") for i in range(height))

    out = io.StringIO()
    for line in lines[:top]:
        out.write(line + "\n")
    out.write(rule("┏", "━", "┳", "┓") + "\n" + row_line(header, "┃") + "\n" + rule("┡", "━", "╇", "┩") + "\n")
    for index, cells in enumerate(body):
        if index:
            out.write(rule("├", "─", "┼", "┤") + "\n")
        out.write(row_lines(cells) + "\n")
    out.write(rule("└", "─", "┴", "┘") + "\n")
    for line in lines[bottom + 1:]:
        out.write(line + "\n")
    return out.getvalue()
