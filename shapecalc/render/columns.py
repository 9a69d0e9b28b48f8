"""The summary table's columns, chosen by name as torchinfo's `col_names`: `--columns macs,params`.

"Layer (type)" always comes first; the names pick and order the rest. By
default the table has Keras's columns (render/summary.py): Output Shape and
Param #, and Connected to for a functional model. Each column says how one
row becomes one cell; the JSON carries every figure whatever is chosen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shapecalc.model import Analysis, Row
from shapecalc.render.summary import CONNECTED_TO, KERAS_COLUMNS, Column, readable_bytes, shape_text


def _input_shape(row: Row, analysis: Analysis) -> str:
    if not row.input_shapes:
        return "-"
    return shape_text(row.input_shapes[0] if len(row.input_shapes) == 1 else list(row.input_shapes))


def _params_percent(row: Row, analysis: Analysis) -> str:
    """The row's share of all parameters, as torchinfo's params_percent: '12.34%', '-' for none."""
    total = analysis.totals.total
    return f"{row.params.total / total:.2%}" if total and row.params.total else "-"


def _trainable(row: Row, analysis: Analysis) -> str:
    """torchinfo's words: True, False, Partial (some frozen, e.g. BatchNorm's moving statistics in Keras), '-'."""
    params = row.params
    if not params.total:
        return "-"
    if not params.non_trainable:
        return "True"
    return "False" if not params.trainable else "Partial"


def _macs(row: Row, analysis: Analysis) -> str:
    return "unknown" if row.macs is None else f"{row.macs:,}"


def _per_axis(values: list[int] | None) -> str:
    return "-" if values is None else "x".join(str(value) for value in values)


def _receptive_field(row: Row, analysis: Analysis) -> str:
    return _per_axis(row.receptive_field)


def _effective_stride(row: Row, analysis: Analysis) -> str:
    return _per_axis(row.effective_stride)


def _output_bytes(row: Row, analysis: Analysis) -> str:
    return "unknown" if row.output_bytes is None else readable_bytes(row.output_bytes)


def _kernel_size(row: Row, analysis: Analysis) -> str:
    """The window of a convolution or pooling layer, per spatial axis ('3x3'); '-' for other layers."""
    layer = row.spec.layer if row.spec is not None else None
    return _per_axis(window_of(layer))


def window_of(layer: Any) -> list[int] | None:
    """A layer's kernel as its own class reads it (`kernel()`, or `pool()` for Keras pooling), else its
    `kernel_size` as written (an int repeated over the layer's `rank`, when it has one)."""
    for method in ("kernel", "pool"):
        found = getattr(layer, method, None)
        if callable(found):
            return list(found())
    size = getattr(layer, "kernel_size", None)
    if isinstance(size, int):
        return [size] * getattr(layer, "rank", 1)
    return list(size) if isinstance(size, list | tuple) else None


COLUMNS: dict[str, Column] = {column.name: column for column in (
    *KERAS_COLUMNS,
    CONNECTED_TO,  # one connection a line, as Keras wraps it
    Column("input_shape", "Input Shape", "left", _input_shape),
    Column("kernel_size", "Kernel Size", "left", _kernel_size),
    Column("params_percent", "Param %", "right", _params_percent),
    Column("trainable", "Trainable", "left", _trainable),
    Column("macs", "MACs", "right", _macs),
    Column("receptive_field", "Receptive Field", "left", _receptive_field),
    Column("effective_stride", "Effective Stride", "left", _effective_stride),
    Column("output_bytes", "Output Bytes", "right", _output_bytes),
)}


def chosen(names: Iterable[str] | None) -> list[Column] | None:
    """The columns of these names, in order; None (Keras's) for none."""
    return [COLUMNS[name] for name in names] if names else None


def split_columns(values: Iterable[str] | None) -> tuple[str, ...]:
    """`--columns macs,params --columns trainable` as names in order, each once, spaces and case ignored."""
    names = (name.strip().lower() for value in values or () for name in value.split(","))
    return tuple(dict.fromkeys(name for name in names if name))


def unknown_column(names: Iterable[str]) -> str | None:
    """The first name that is not a column, or None."""
    return next((name for name in names if name not in COLUMNS), None)


def refusal(name: str, where: str) -> str:
    """Why `name` cannot be used, listing every column (for --columns and the configuration alike)."""
    return f"{where} {name!r} is not a column; valid columns: {', '.join(COLUMNS)}"
