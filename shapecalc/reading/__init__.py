"""Reads a model file (YAML or JSON) into plain data plus the line:column of every key and item.

The front door of reading: `read_file`, `parse_bytes` and `parse_text` give a
Document or raise a located SourceError.

    document.py  the Document, SourceError and the limits
    subset.py    the fast reader of the plain YAML subset most files use
    events.py    the bounded builder from the parser's events: every other file, and every refusal
    scalars.py   what a scalar is (YAML 1.1 safe rules), for both readers
    surrogates.py  JSON's surrogate-pair escapes, which the YAML parsers refuse or split
"""

from __future__ import annotations

import os
import stat

from shapecalc.reading.document import (
    MAX_FILE_BYTES,
    DocPath,
    Document,
    Position,
    SourceError,
    offset_to_position,
)
from shapecalc.reading.subset import SubsetReader

__all__ = ["DocPath", "Document", "Position", "SourceError", "parse_bytes", "parse_text", "read_file"]


def read_file(path: str) -> Document:
    """Read and parse `path`; every failure is a SourceError with a position."""
    raw = _read_bytes(path)
    return parse_bytes(raw, path)


STDIN = "-"  # the path that means standard input, as in most command-line tools


def _read_bytes(path: str) -> bytes:
    """The file's bytes, refusing what is not a regular file of sane size (a pipe would hang);
    `-` is standard input, read up to the same size limit."""
    if path == STDIN:
        import sys

        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1) if sys.stdin is not None else b""
        if len(raw) > MAX_FILE_BYTES:
            raise _too_large()
        return raw
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise SourceError(f"{path} is a directory, not a model file")
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"{path} is not a regular file (a pipe, socket or device)")
        if info.st_size > MAX_FILE_BYTES:
            raise _too_large()
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise SourceError(f"no such file: {path}") from None
    except PermissionError:
        raise SourceError(f"permission denied: {path}") from None
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror or error}") from None
    except ValueError as error:  # a path with a NUL character
        raise SourceError(f"cannot read {path!r}: {error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large()
    return raw


def _too_large() -> SourceError:
    return SourceError(
        f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; a model file this large is refused",
        code="SC008",
    )


def parse_bytes(raw: bytes, path: str = "<string>") -> Document:
    """Decode UTF-8 (a BOM is allowed) and parse the text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError("the file is UTF-16 text; save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = offset_to_position(raw, error.start)
        hint = "; is it a binary file?" if b"\x00" in raw[:4096] or raw.startswith(b"\x89PNG") else ""
        raise SourceError(
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x}){hint}", line, column
        ) from None
    return parse_text(text, path)


def parse_text(text: str, path: str = "<string>") -> Document:
    """Parse YAML (JSON is YAML) text into a Document.

    The plain subset most model files are written in is read directly
    (`SubsetReader`); anything else, including every file that is refused,
    is read from the parser's events (`EventBuilder`), which gives the same
    Document for what both can read.
    """
    if not text.strip():
        raise SourceError("the file is empty; a model file needs at least `input:` and `layers:`")
    simple = SubsetReader(text).document(path)
    if simple is not None:
        return simple
    # only off the subset's fast path
    from shapecalc.reading.events import EventBuilder, as_source_error
    from shapecalc.reading.nesting_bound import build_bounded
    from shapecalc.reading.surrogates import SurrogateEscapes

    escapes = SurrogateEscapes.of(text)  # JSON's "\ud83d\ude00": read without moving a character
    try:
        builder = build_bounded(escapes.text if escapes else text,
                                lambda part, loader: EventBuilder(path, escapes).run(part, loader),
                                python_only=escapes is not None and escapes.needs_python)
    except SourceError:
        raise
    except RecursionError:
        raise SourceError("the file nests too deeply", code="SC008") from None
    except MemoryError:
        raise SourceError("the file needs more memory than a model file may", code="SC008") from None
    except Exception as error:  # yaml.YAMLError and what safe loading can still raise
        raise as_source_error(error, text) from None
    return builder.document()
