"""The Diagnostic record every check produces, and the exit code a list of them gives (SPEC §3).

Codes, their severities and docs are declared beside their checks; see codes.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapecalc.codes import Severity, severity_of


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in one model file, located where the user wrote the layer or key."""

    code: str
    message: str
    layer: str | None = None
    line: int = 1
    column: int = 1
    path: str = ""

    @property
    def severity(self) -> Severity:
        return severity_of(self.code)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def as_json(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "layer": self.layer,
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }


def exit_code(diagnostics: list[Diagnostic], strict: bool = False) -> int:
    """SPEC §3: 2 for an invalid file, 1 for shape errors (or warnings with --strict), else 0."""
    codes = {d.code for d in diagnostics}
    if any(code.startswith("SC0") for code in codes):
        return 2
    severities = {d.severity for d in diagnostics}
    if Severity.ERROR in severities:
        return 1
    if strict and Severity.WARNING in severities:
        return 1
    return 0
