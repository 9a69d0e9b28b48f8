"""A layer with thousands of inputs keeps the table narrow: its "Connected to" cell wraps as Keras's does.

On one line, a Concatenate of 2,500 inputs made a 40,000-character cell and
every row was padded to it: 157 MB of plain text, 315 MB through Rich.
Keras's own table wraps the cell, connection by connection.
"""

from __future__ import annotations

import io
from pathlib import Path

from shapecalc.commands.pipeline import analyze_path
from shapecalc.render import rich_table, text

INPUTS = 2_500
# Keras's widths at line_length 100, 27, 23, 14, 23, fit every cell ("concatenate (Concatenate)" is 25,
# "in_2499[0][0]," 14): 5 bars + 4 * 2 spaces + 87 = 100 characters a line
WIDTH = 5 + 4 * 2 + 27 + 23 + 14 + 23


def fan_in_analysis(tmp_path: Path):
    lines = ["inputs:", *(f"  in_{i}: [3]" for i in range(INPUTS)), "layers:",
             "  - Concatenate: {inputs: [" + ", ".join(f"in_{i}" for i in range(INPUTS)) + "]}"]
    path = tmp_path / "fan_in.yaml"
    path.write_text("\n".join(lines) + "\n")
    analysis = analyze_path(str(path)).analysis
    assert analysis is not None
    return analysis


def table_of(output: str) -> list[str]:
    lines = output.splitlines()
    return lines[1: next(i for i, line in enumerate(lines) if line.startswith("└")) + 1]


def cell_lines_of_last_row(table: list[str]) -> list[str]:
    last_separator = max(i for i, line in enumerate(table) if line.startswith("├"))
    return [line.split("│")[4].strip() for line in table[last_separator + 1: -1]]


def assert_wrapped_like_keras(lines: list[str]) -> None:
    """Every connection once, in order, ", "-separated, each line as full as 23 characters allow (Keras's
    column at line_length 100 wraps "in_0[0][0], in_1[0][0]," and then starts a new line)."""
    assert " ".join(lines).split(", ") == [f"in_{i}[0][0]" for i in range(INPUTS)]
    assert all(len(line) <= 23 for line in lines)
    words = [line.split(" ") for line in lines]
    assert all(len(line) + 1 + len(following[0]) > 23 for line, following in zip(lines, words[1:], strict=False))


def test_plain_table_wraps_connections_like_keras(tmp_path):
    output = text.render(fan_in_analysis(tmp_path))
    table = table_of(output)
    assert {len(line) for line in table} == {WIDTH}
    assert_wrapped_like_keras(cell_lines_of_last_row(table))
    assert len(output.encode()) < 2_000_000


def test_rich_table_wraps_connections_like_keras(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # a terminal wider than the table: it keeps its own width
    stream = io.StringIO()
    rich_table.render(fan_in_analysis(tmp_path), stream)
    table = table_of(stream.getvalue())
    assert {len(line) for line in table} == {WIDTH}
    assert_wrapped_like_keras(cell_lines_of_last_row(table))
