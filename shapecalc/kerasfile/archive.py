"""Reads `config.json` out of a `.keras` archive without trusting the archive: never the weights.

A `.keras` file is a zip holding `metadata.json`, `config.json` and
`model.weights.h5` (the weights can be gigabytes). Only `config.json` is
read, under the same size limit as a model file, and only after the
archive's own records have been checked: the central directory is bounded
before Python's zipfile walks it, the member is decompressed in bounded
chunks (a zip bomb stops at the limit, whatever sizes it declares), and an
archive whose member names try path tricks (`../`, absolute paths, two
members of the same name) is refused: a file that lies about its own layout
is not read at all. Every refusal is a SourceError at line 1, column 1.
"""

from __future__ import annotations

import os
import stat
import struct

from shapecalc.reading import SourceError
from shapecalc.reading.document import MAX_FILE_BYTES

CONFIG_NAME = "config.json"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
MAX_MEMBERS = 10_000  # a .keras archive holds three members; a directory of thousands is not one
MAX_DIRECTORY_BYTES = 4 * 1024 * 1024  # bounds what zipfile reads into memory before any check of ours
_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_MAX_COMMENT = 65_535
_CHUNK = 64 * 1024
_READABLE_METHODS = {0: "stored", 8: "deflate"}  # what Keras writes; others are refused, not tried


def read_config(path: str) -> bytes:
    """The bytes of the archive's `config.json`; every failure is a SourceError naming the archive."""
    import zipfile

    try:
        with open(path, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise SourceError(f"{path} is not a regular file (a pipe, socket or device)")
            _check_directory(handle, path)
            handle.seek(0)
            try:
                with zipfile.ZipFile(handle) as archive:
                    return _read_member(archive, path)
            except zipfile.BadZipFile as error:
                raise SourceError(f"{path} is a broken zip archive ({error}); a .keras file is a zip") from None
            except (EOFError, struct.error, ValueError, NotImplementedError, RuntimeError) as error:
                raise SourceError(f"{path}: cannot read the archive: {_detail(error)}") from None
    except SourceError:
        raise
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror or error}") from None


def _check_directory(handle: object, path: str) -> None:
    """Refuse an archive whose end record announces too many members or too large a directory.

    zipfile reads the whole central directory into objects before anyone
    can look at it; the end record (the last 22 bytes plus a comment)
    says how large that directory is, so it is read here first.
    """
    handle.seek(0, os.SEEK_END)  # type: ignore[attr-defined]
    size = handle.tell()  # type: ignore[attr-defined]
    tail_size = min(size, _END_RECORD_SIZE + _MAX_COMMENT)
    handle.seek(size - tail_size)  # type: ignore[attr-defined]
    tail = handle.read(tail_size)  # type: ignore[attr-defined]
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) - at < _END_RECORD_SIZE:
        raise SourceError(f"{path} is not a complete zip archive (no end-of-archive record); "
                          "a .keras file is a zip: was it cut short while copying?")
    (_, disk, _, _, members, directory_bytes, _, _) = struct.unpack("<4s4H2LH", tail[at:at + _END_RECORD_SIZE])
    if disk != 0:
        raise SourceError(f"{path} is one part of a multi-part zip archive; a .keras file is a single zip")
    if members == 0xFFFF or directory_bytes == 0xFFFFFFFF:  # ZIP64: the real counts are elsewhere; none of ours needs it
        raise SourceError(f"{path} is a ZIP64 archive with a very large directory; a .keras archive needs none")
    if members > MAX_MEMBERS or directory_bytes > MAX_DIRECTORY_BYTES:
        raise SourceError(f"{path}: the archive lists {members:,} members in {directory_bytes:,} bytes of directory; "
                          f"a .keras archive holds a few (limit {MAX_MEMBERS:,} members, "
                          f"{MAX_DIRECTORY_BYTES // (1024 * 1024)} MiB)", code="SC008")


def _read_member(archive: object, path: str) -> bytes:
    infos = archive.infolist()  # type: ignore[attr-defined]
    for info in infos:
        _check_name(info.filename, path)
    found = [info for info in infos if info.filename == CONFIG_NAME]
    if not found:
        names = ", ".join(sorted(info.filename for info in infos)[:6]) or "nothing"
        raise SourceError(f"{path} is a zip archive without {CONFIG_NAME} (it holds {names}); "
                          "a .keras model archive has one")
    if len(found) > 1:
        raise SourceError(f"{path} holds {len(found)} members named {CONFIG_NAME}; an archive that names "
                          "two files alike is refused (which one would Keras read?)")
    info = found[0]
    if info.flag_bits & 0x1:
        raise SourceError(f"{path}: {CONFIG_NAME} is encrypted; a .keras archive is not")
    if info.compress_type not in _READABLE_METHODS:
        raise SourceError(f"{path}: {CONFIG_NAME} is compressed with zip method {info.compress_type}; "
                          "Keras writes stored or deflate members, and only those are read")
    if info.file_size > MAX_FILE_BYTES:
        raise _too_large(path)
    return _bounded_read(archive, info, path)


def _bounded_read(archive: object, info: object, path: str) -> bytes:
    """Decompress at most MAX_FILE_BYTES + 1 bytes, whatever size the member declares (a zip bomb lies)."""
    import zipfile

    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as member:  # type: ignore[attr-defined]
            while True:
                chunk = member.read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > MAX_FILE_BYTES:
                    raise _too_large(path)
                chunks.append(chunk)
    except zipfile.BadZipFile as error:
        raise SourceError(f"{path}: {CONFIG_NAME} is damaged in the archive ({error})") from None
    except (EOFError, OSError, ValueError, struct.error) as error:  # zlib.error is an Exception subclass below
        raise SourceError(f"{path}: {CONFIG_NAME} cannot be decompressed: {_detail(error)}") from None
    except Exception as error:
        if type(error).__name__ == "error":  # zlib.error: corrupt deflate data
            raise SourceError(f"{path}: {CONFIG_NAME} cannot be decompressed: {_detail(error)}") from None
        raise
    return b"".join(chunks)


def _check_name(name: str, path: str) -> None:
    """A member name that could point outside the archive's own folder is a path trick: refused."""
    parts = name.replace("\\", "/").split("/")
    if (name.startswith(("/", "\\")) or ".." in parts or "\x00" in name
            or (len(name) > 1 and name[1] == ":" and name[0].isalpha())):
        shown = name if len(name) <= 60 and name.isprintable() else repr(name[:60])
        raise SourceError(f"{path}: the archive holds a member named {shown!r}, a path outside the archive; "
                          "such an archive is refused")


def _too_large(path: str) -> SourceError:
    return SourceError(f"{path}: {CONFIG_NAME} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB "
                       "once decompressed; a model configuration this large is refused (a zip bomb?)", code="SC008")


def _detail(error: Exception) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__
