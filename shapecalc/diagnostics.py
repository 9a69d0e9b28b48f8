"""Diagnostic codes, severities and the Diagnostic record every check produces.

Codes are stable: once given, a code keeps its meaning (a renamed check keeps
its old code as an alias). They are grouped by hundreds:

    SC0xx  the file cannot be read or is not a valid model file (exit 2)
    SC1xx  shape errors: the framework would refuse this model (exit 1)
    SC2xx  warnings: legal but probably not what was meant
    SC3xx  information worth knowing
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# code -> (severity, title). The README's table of diagnostics is checked against this.
CODES: dict[str, tuple[Severity, str]] = {
    "SC001": (Severity.ERROR, "the file cannot be read or parsed (missing, not UTF-8, YAML syntax, forbidden tag)"),
    "SC002": (Severity.ERROR, "unknown layer type"),
    "SC003": (Severity.ERROR, "unknown argument or key"),
    "SC004": (Severity.ERROR, "invalid argument value, or a combination the framework refuses"),
    "SC005": (Severity.ERROR, "reference to a layer or input that does not exist"),
    "SC006": (Severity.ERROR, "duplicate layer name"),
    "SC007": (Severity.ERROR, "cycle in the layer graph"),
    "SC008": (Severity.ERROR, "a limit was exceeded (file size, nesting, aliases, layer count, sizes)"),
    "SC009": (Severity.ERROR, "invalid model structure (missing input, wrong top-level type)"),
    "SC101": (Severity.ERROR, "a dimension becomes zero or negative"),
    "SC102": (Severity.ERROR, "a layer cannot take the shape it receives (wrong rank, size mismatch)"),
    "SC103": (Severity.ERROR, "merge layer inputs disagree"),
    "SC104": (Severity.ERROR, "an `expect` assertion failed"),
    "SC201": (Severity.WARNING, "pixels dropped by flooring: the windows do not tile the input"),
    "SC202": (Severity.WARNING, "output spatial size differs from the input's: pixels lost earlier, multiplied by upsampling"),
    "SC210": (Severity.WARNING, "a layer no model output depends on: Keras leaves it out of the model"),
    "SC301": (Severity.INFO, "Dense (PyTorch Linear) on a feature map of rank >= 4: it acts on the last axis only"),
    "SC302": (Severity.INFO, "stride larger than the window: some pixels are never read"),
}


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
        return CODES[self.code][0]

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
