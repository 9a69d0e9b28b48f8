"""`shapecalc convert MODEL [-o FILE]`: a Keras file (`to_json()` output or `.keras`) as our YAML model file.

The file is read as `summarize` reads it and must analyse without errors:
a model we cannot read whole is not written half-way (exit 2, the
diagnostics on stderr). The YAML starts with a comment saying where it came
from and its totals; `-o FILE` is written all at once (a temporary file
renamed into place), otherwise the text goes to stdout.
"""

from __future__ import annotations

import os
import sys

from shapecalc.commands.pipeline import Outcome, analyze_path


def run(path: str, output: str | None) -> int:
    from shapecalc.kerasfile import read_document
    from shapecalc.kerasfile.translate import KerasDocument
    from shapecalc.reading import SourceError
    from shapecalc.render.text import diagnostic_line

    outcome = analyze_path(path)
    errors = [d for d in outcome.diagnostics if d.severity.value == "error"]
    if outcome.analysis is None or errors:
        for problem in outcome.diagnostics:
            sys.stderr.write(diagnostic_line(problem) + "\n")
        sys.stderr.write(f"shapecalc convert: {path} not converted: it must read without errors\n")
        return outcome.exit_code() or 1
    try:
        document = read_document(path)
    except SourceError as error:  # the file changed since it was analysed
        sys.stderr.write(f"{path}:{error.line}:{error.column}: error[{error.code}] {error.message}\n")
        return 2
    if not isinstance(document, KerasDocument):
        sys.stderr.write(f"shapecalc convert: {path} is already a shapecalc model file; convert reads Keras's "
                         "`model.to_json()` output and `.keras` archives\n")
        return 2
    text = converted_text(document, outcome, os.path.basename(path))
    if output is None:
        sys.stdout.write(text)
        return 0
    return write_whole(output, text)


def converted_text(document: object, outcome: Outcome, shown_path: str) -> str:
    from shapecalc.kerasfile.yaml_writer import write_model

    analysis = outcome.analysis
    assert analysis is not None
    totals = analysis.totals
    header = [
        f"Converted by shapecalc convert from {shown_path}: {document.origin}.",  # type: ignore[attr-defined]
        f"{len(analysis.rows)} rows; total params {totals.total:,} (trainable {totals.trainable:,}, "
        f"non-trainable {totals.non_trainable:,}).",
        "Arguments at their defaults are left out; dtype policies are not shapes and are not written.",
    ]
    return write_model(document.data, header)  # type: ignore[attr-defined]


def write_whole(output: str, text: str) -> int:
    """Write `text` to `output` through a temporary file in the same folder, renamed into place."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(output))
    try:
        handle, temporary = tempfile.mkstemp(prefix=".shapecalc-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
            os.replace(temporary, output)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as error:
        sys.stderr.write(f"shapecalc: cannot write {output}: {error.strerror or error}\n")
        return 2
    return 0
