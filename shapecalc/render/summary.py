"""The summary table's content as plain strings: what each renderer draws, computed once.

Keras 3's `model.summary()` layout: `Model: "name"`, the columns Layer (type),
Output Shape, Param # (and Connected to for functional models), then the
three totals with their float32 byte sizes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from shapecalc.costs.memory import Memory
from shapecalc.model import Analysis, Row
from shapecalc.shapes import Shape, format_shape
from shapecalc.textwidth import display_width

BYTES_PER_PARAM = 4  # float32, as Keras counts weight memory
DECLARED_MARK = "*"  # after a user-declared layer's type; the footnote says what it means
DECLARED_NOTE = f"{DECLARED_MARK} declared in the file (custom_layers:): shape and parameters as declared there"


@dataclass(frozen=True)
class SummaryText:
    title: str
    header: list[str]
    align: list[str]  # "left" | "right"
    rows: list[list[str]]  # a cell may hold several lines ("Connected to")
    totals: list[str]
    columns: tuple[str, ...] = ()  # the names after "Layer (type)" (shapecalc.render.columns)


def readable_size(count: int) -> str:
    """Keras's readable_memory_size of `count` float32 parameters: 8001 -> '31.25 KB'."""
    return readable_bytes(count * BYTES_PER_PARAM)


def readable_bytes(count: int) -> str:
    """Keras's readable_memory_size of `count` bytes, in units of 1024: 32004 -> '31.25 KB'."""
    size = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def readable_count(count: int) -> str:
    """A count as papers quote MACs: 4111512576 -> '4.11 G', 235520 -> '235.52 K', 16 -> '16'."""
    for unit, scale in (("T", 10**12), ("G", 10**9), ("M", 10**6), ("K", 10**3)):
        if count >= scale:
            return f"{count / scale:.2f} {unit}"
    return str(count)


def macs_line(total: int | None) -> str:
    """The cost line under the totals: every layer's multiply-accumulates for one sample."""
    if total is None:
        return "Total MACs: unknown (a size it needs is None)"
    return f"Total MACs: {readable_count(total)}"


def memory_lines(memory: Memory | None) -> list[str]:
    """The memory estimate under the totals, each label saying what it assumes (shapecalc.costs.memory).
    Short enough for a 60-column terminal: Rich does not wrap these lines."""
    if memory is None:
        return []
    return [
        f"Input size (one sample, float32): {_known(memory.input_bytes)}",
        f"Forward pass size (all layer outputs): {_known(memory.forward_bytes)}",
        f"Params size (float32): {readable_bytes(memory.param_bytes)}",
        f"Estimated total size (no gradients): {_known(memory.total_bytes)}",
    ]


def _known(count: int | None) -> str:
    return "unknown (None size)" if count is None else readable_bytes(count)


def shape_text(shape: Shape | list[Shape]) -> str:
    if isinstance(shape, list):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    return format_shape(shape)


def user_declared(row: Row) -> bool:
    """Whether the row's layer is a class the file declared (`custom_layers:`), not the framework's."""
    return row.spec is not None and row.spec.layer.user_declared


def connected_text(row: Row) -> str:
    """Keras's "Connected to": every call's inputs as `layer[call][tensor]`, or '-' for none."""
    return ", ".join(_connections(row)) or "-"


CONNECTED_WIDTH = 23  # Keras 3's "Connected to" column at line_length 100 (render/text.py's minimum)


def connected_cell(row: Row, width: int = CONNECTED_WIDTH) -> str:
    """The "Connected to" cell wrapped as Keras's table wraps it: `a[0][0], b[0][0],` filling lines of
    `width`, broken after a comma; a connection longer than the column stands whole on its own line
    (Keras crops it with "…").

    On one line, a Concatenate of 2,500 inputs made a 40,000-character cell,
    and every row of the table was padded to its width (157 MB of output).
    """
    words = _connections(row)
    if not words:
        return "-"
    words = [word + "," for word in words[:-1]] + [words[-1]]
    lines = [words[0]]
    for word in words[1:]:
        if display_width(lines[-1]) + 1 + display_width(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _connections(row: Row) -> list[str]:
    return [f"{name}[{call}][{tensor}]" for name, call, tensor in row.connections]


class Column(NamedTuple):
    """One column after "Layer (type)": its name (for --columns), title, alignment and cell rule."""

    name: str
    title: str
    align: str  # "left" | "right"
    cell: Callable[[Row, Analysis], str]


def output_shape_cell(row: Row, analysis: Analysis) -> str:
    return shape_text(row.output_shape)


def params_cell(row: Row, analysis: Analysis) -> str:
    return f"{row.params.total:,}"


def connected_to_cell(row: Row, analysis: Analysis) -> str:
    return connected_cell(row)


KERAS_COLUMNS = (Column("output_shape", "Output Shape", "left", output_shape_cell),
                 Column("params", "Param #", "right", params_cell))
CONNECTED_TO = Column("connected_to", "Connected to", "left", connected_to_cell)  # functional models


def keras_columns(analysis: Analysis) -> list[Column]:
    """Keras's columns: Output Shape and Param #, and Connected to unless the graph is a plain chain."""
    return [*KERAS_COLUMNS, CONNECTED_TO] if analysis.connected_column else list(KERAS_COLUMNS)


def summary_text(analysis: Analysis, columns: Sequence[Column] | None = None) -> SummaryText:
    """The table's strings; `columns` are the columns after "Layer (type)" (default: Keras's,
    chosen by name in shapecalc.render.columns)."""
    chosen = list(columns) if columns else keras_columns(analysis)
    header = ["Layer (type)", *(column.title for column in chosen)]
    align = ["left", *(column.align for column in chosen)]
    cells_of = [column.cell for column in chosen]
    rows = []
    declared = False
    for row in analysis.rows:
        mark = DECLARED_MARK if user_declared(row) else ""
        declared = declared or bool(mark)
        rows.append([f"{row.name} ({row.type}){mark}", *(cell(row, analysis) for cell in cells_of)])
    totals = analysis.totals
    of = " of the layers before the error" if analysis.partial_totals else ""  # not the model's total
    lines = [
        f"Total params{of}: {totals.total:,} ({readable_size(totals.total)})",
        f"Trainable params{of}: {totals.trainable:,} ({readable_size(totals.trainable)})",
        f"Non-trainable params{of}: {totals.non_trainable:,} ({readable_size(totals.non_trainable)})",
        macs_line(analysis.total_macs).replace("Total MACs", f"Total MACs{of}", 1),
        *([] if analysis.partial_totals else memory_lines(analysis.memory)),  # no model, no estimate
    ]
    if declared:
        lines.append(DECLARED_NOTE)
    return SummaryText(f'Model: "{analysis.model}"', header, align, rows, lines,
                       tuple(column.name for column in chosen))
