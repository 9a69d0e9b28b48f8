"""Keras 3's own model files as model files: `model.to_json()` output and `.keras` archives.

`read_document(path)` is what the commands read a model file with. It tells
the formats apart by content, never by file name: a zip archive is read as a
`.keras` archive (its `config.json` only, see `archive.py`), an HDF5 file is
refused with the reason, and parsed data holding `class_name` and `config`
at the top is a Keras config, translated into our model data with positions
in the JSON (`translate.py`). Anything else is our own YAML or JSON, returned
as `source.read_file` reads it. Only the first bytes are looked at before
that, so a model file of ours costs one small read more.
"""

from __future__ import annotations

from shapecalc.reading import Document, SourceError

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def read_document(path: str) -> Document:
    """The model file at `path` as a Document of our format; every failure is a SourceError or InvalidModel."""
    from shapecalc.reading import parse_bytes, read_file

    head = b"" if path == "-" else _first_bytes(path)  # standard input is read once, as YAML or JSON
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        from shapecalc.kerasfile.archive import read_config

        document = parse_bytes(read_config(path), path)
        return _translated(document, archive=True)
    if head.startswith(HDF5_MAGIC):
        raise SourceError(f"{path} is an HDF5 file (a Keras 2 `.h5` model or a weights file); shapecalc reads "
                          "Keras 3 `.keras` archives and `model.to_json()` output: load it in Keras 3 and "
                          "save it as `.keras`")
    document = read_file(path)
    if isinstance(document.data, dict) and "class_name" in document.data:
        return _translated(document)
    return document


def _translated(document: Document, archive: bool = False) -> Document:
    from shapecalc.kerasfile.translate import is_keras_config, translate

    if not is_keras_config(document.data):
        what = "the archive's config.json" if archive else "the file"
        raise SourceError(f"{what} is not a Keras model config: it needs `class_name` and `config` at the top")
    return translate(document)


def _first_bytes(path: str) -> bytes:
    """The first bytes of a regular file, or b"" (read_file then reports what is wrong with the path)."""
    import os
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return b""
        with open(path, "rb") as handle:
            return handle.read(8)
    except (OSError, ValueError):
        return b""
