"""Reads the small 1-D or 2-D array a person types inline or keeps in a YAML/JSON file."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from shapecalc.resample.errors import ResampleError

MAX_INPUT_SIDE = 64
MAX_FILE_BYTES = 256 * 1024
FILE_KEYS = ("matrix", "input")


@dataclass(frozen=True)
class Matrix:
    """Values stored as rows; a 1-D array is kept as a single row with ndim == 1."""

    rows: tuple[tuple[float, ...], ...]
    ndim: int

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return len(self.rows[0])

    @property
    def shape(self) -> tuple[int, ...]:
        return (self.width,) if self.ndim == 1 else (self.height, self.width)

    def to_nested(self) -> list:
        """The matrix as plain lists, 1-D staying flat, for JSON output."""
        if self.ndim == 1:
            return list(self.rows[0])
        return [list(row) for row in self.rows]


def load_matrix(text: str, what: str = "matrix") -> Matrix:
    """Parse inline text such as "[[1,2],[3,4]]" or, if it names a file, that file's contents."""
    source = _read_source(text, what)
    data = _parse_document(source, what)
    return _to_matrix(data, what)


def load_int_matrix(text: str, what: str) -> Matrix:
    """Like load_matrix, but every value must be a whole number (used for unpooling indices)."""
    matrix = load_matrix(text, what)
    for row in matrix.rows:
        for value in row:
            if value != int(value):
                raise ResampleError(f"{what}: {_show(value)} is not a whole number")
    return matrix


def _read_source(text: str, what: str) -> str:
    """Inline text unless it names an existing file; a lone word that is no file is an error."""
    stripped = text.strip()
    if not stripped:
        raise ResampleError(f"{what} is empty; write it like [[1, 2], [3, 4]] or give a YAML/JSON file")
    if stripped.startswith(("[", "{")):
        return stripped
    if "\n" not in stripped and _is_file(stripped):
        path = Path(stripped).expanduser()
        try:
            if path.stat().st_size > MAX_FILE_BYTES:  # PyYAML's pure-Python loader takes seconds per MiB
                raise ResampleError(f"{what}: {stripped!r} is larger than {MAX_FILE_BYTES // 1024} KiB; "
                                    f"an array of at most {MAX_INPUT_SIDE}x{MAX_INPUT_SIDE} values fits in far less")
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ResampleError(f"{what}: cannot read {stripped!r}: {error}") from None
    if re.fullmatch(r"[\w./\\~-]+\.(ya?ml|json|txt)", stripped):
        raise ResampleError(f"{what}: file {stripped!r} does not exist")
    return stripped


def _is_file(text: str) -> bool:
    try:
        return Path(text).expanduser().is_file()
    except (OSError, ValueError):
        return False


def _parse_document(source: str, what: str) -> object:
    """JSON first (it knows 1e3 is a number); YAML for files written by hand."""
    try:
        return json.loads(source)
    except ValueError:
        pass
    except RecursionError:
        raise ResampleError(f"{what} is nested too deeply; only 1-D and 2-D arrays are explained") from None
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        raise ResampleError(f"{what} is not a valid array: {_yaml_problem(error)}") from None
    except RecursionError:
        raise ResampleError(f"{what} is nested too deeply; only 1-D and 2-D arrays are explained") from None
    if isinstance(data, dict):
        return _unwrap_mapping(data, what)
    return data


def _yaml_problem(error: yaml.YAMLError) -> str:
    """'expected ',' or ']' at line 1, column 10' rather than PyYAML's multi-line report."""
    problem = getattr(error, "problem", None) or "syntax error"
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return problem
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"


def _unwrap_mapping(data: dict, what: str) -> object:
    for key in FILE_KEYS:
        if key in data:
            return data[key]
    raise ResampleError(f"{what}: a mapping must hold the array under one of the keys {', '.join(FILE_KEYS)}")


def _to_matrix(data: object, what: str) -> Matrix:
    if isinstance(data, dict):
        data = _unwrap_mapping(data, what)
    if isinstance(data, str):
        raise ResampleError(
            f"{what}: {data!r} is neither an array like [[1, 2], [3, 4]] nor an existing file"
        )
    if not isinstance(data, list):
        raise ResampleError(f"{what} must be a list of numbers or a list of rows, got {_kind(data)}")
    if not data:
        raise ResampleError(f"{what} is empty")
    if all(isinstance(item, list) for item in data):
        rows = tuple(_row(item, index, what) for index, item in enumerate(data))
        _check_rectangular(rows, what)
        matrix = Matrix(rows, 2)
    elif any(isinstance(item, list) for item in data):
        raise ResampleError(f"{what} mixes numbers and rows; write either [1, 2, 3] or [[1, 2], [3, 4]]")
    else:
        matrix = Matrix((_row(data, None, what),), 1)
    _check_limits(matrix, what)
    return matrix


def _row(items: list, row_index: int | None, what: str) -> tuple[float, ...]:
    where = f"row {row_index}" if row_index is not None else "the array"
    if not items:
        raise ResampleError(f"{what}: {where} is empty")
    return tuple(_number(item, where, what) for item in items)


def _number(item: object, where: str, what: str) -> float:
    if isinstance(item, list):
        raise ResampleError(f"{what} has more than 2 dimensions; only 1-D and 2-D arrays are explained")
    if isinstance(item, bool) or not isinstance(item, (int, float)):
        raise ResampleError(f"{what}: {where} holds {item!r}, which is not a number")
    try:
        value = float(item)
    except OverflowError:
        raise ResampleError(f"{what}: {where} holds a number too large for a float") from None
    if not math.isfinite(value):
        raise ResampleError(f"{what}: {where} holds {item!r}; values must be finite numbers")
    return value


def _check_rectangular(rows: tuple[tuple[float, ...], ...], what: str) -> None:
    expected = len(rows[0])
    for index, row in enumerate(rows):
        if len(row) != expected:
            raise ResampleError(
                f"{what} is ragged: row 0 has {expected} values but row {index} has {len(row)}"
            )


def _check_limits(matrix: Matrix, what: str) -> None:
    if matrix.height > MAX_INPUT_SIDE or matrix.width > MAX_INPUT_SIDE:
        shape = "x".join(str(side) for side in matrix.shape)
        raise ResampleError(
            f"{what} is {shape}; at most {MAX_INPUT_SIDE} values per side are explained"
        )


def _kind(data: object) -> str:
    return "nothing" if data is None else f"{type(data).__name__} {data!r}"


def _show(value: float) -> str:
    return repr(int(value)) if value == int(value) else repr(value)
