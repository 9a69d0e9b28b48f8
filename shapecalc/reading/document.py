"""What reading a model file gives: the Document (plain data and positions), SourceError, and the limits.

The limits bound what a hostile file can make the readers do before anything
is built: bytes, nesting, values after alias expansion, characters, integer bits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shapecalc.codes import ERROR, Code

SC001 = Code("SC001", ERROR, "the file cannot be read or parsed (missing, not UTF-8, YAML syntax, forbidden tag)")
SC008 = Code("SC008", ERROR, "a limit was exceeded (file size, nesting, aliases, layer count, sizes)",
             "a limit was exceeded (file size, nesting, aliases, layer count, tensor or parameter sizes)")

MAX_FILE_BYTES = 8 * 1024 * 1024  # a 500-layer model is 30 KB; a generated 100,000-layer graph about 5.6 MB
MAX_DEPTH = 64
MAX_NODES = 2_000_000  # values after alias expansion: what a consumer could have to walk (100,000 layers ~ 1.3M)
MAX_STRING = 10_000  # characters in one scalar
MAX_INT_BITS = 64  # no framework argument holds more; larger ints cannot always be printed

Position = tuple[int, int]  # 1-based line, column
DocPath = tuple[str | int, ...]


class SourceError(Exception):
    """A file that cannot be read as a model file; carries the place it went wrong."""

    def __init__(self, message: str, line: int = 1, column: int = 1, code: str = "SC001"):
        message = " ".join(message.split("\n"))
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.code = code


@dataclass
class Document:
    """Plain data from a model file and where each part of it was written."""

    path: str
    data: Any
    positions: dict[DocPath, Position] = field(default_factory=dict)

    def locate(self, path: DocPath) -> Position:
        """The position of `path`, or of its nearest written ancestor."""
        path = tuple(path)
        while path:
            found = self.positions.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def note(self, path: DocPath) -> str:
        """Where else `path` was written, for a message: nothing here; an expanded document names
        the block definition (blocks/stage.py)."""
        return ""


def offset_to_position(raw: bytes | str, offset: int) -> Position:
    """The 1-based line and column of a character (or byte) offset."""
    newline = b"\n" if isinstance(raw, bytes) else "\n"
    before = raw[:offset]
    line = before.count(newline) + 1
    column = offset - (before.rfind(newline) + 1) + 1
    return line, column
