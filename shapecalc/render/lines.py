"""One diagnostic as one line of text: what `check` prints, and the summaries end with.

Its own module so that `check`, which prints nothing else, does not load the table renderers.
"""

from __future__ import annotations

from shapecalc.diagnostics import Diagnostic


def diagnostic_line(diagnostic: Diagnostic) -> str:
    """`path:line:col: severity[CODE] message`, the form editors and pre-commit parse."""
    return (
        f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: "
        f"{diagnostic.severity.value}[{diagnostic.code}] {diagnostic.message}"
    )
