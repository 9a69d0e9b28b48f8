"""Diagnostic codes: the `Code` declaration, and the registry saying which module declares each code.

A code is declared once, beside the check that raises it, as a module-level
constant named after it (as yamllint keeps each rule's id and docs in the
rule's module, and ruff each violation beside its check):

    SCnnn = Code("SCnnn", ERROR, "short title", "the README's meaning, when the title does not say it all")

and registered here with one line, `"SCnnn": "shapecalc.module"`. The checks
raise it by its code string ("SCnnn"); `severity_of()` finds the declaration
through this registry, importing the declaring module only when asked.
README's code table is generated from the declarations
(`pytest tests/golden --update-goldens`), and tests/diagnostics checks that every
code written in the source is registered, declared where the registry says,
and has a case file (tests/diagnostics/cases/SCnnn_*.yaml).

Codes are stable: once given, a code keeps its meaning (a renamed check keeps
its old code as an alias). They are grouped by hundreds:

    SC0xx  the file cannot be read or is not a valid model file (exit 2)
    SC1xx  shape errors: the framework would refuse this model (exit 1)
    SC2xx  warnings: legal but probably not what was meant
    SC3xx  information worth knowing
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


class Code:
    """One diagnostic code: its severity, a short title, and the doc text the README's table shows."""

    __slots__ = ("code", "severity", "title", "doc")

    def __init__(self, code: str, severity: Severity, title: str, doc: str = ""):
        self.code = code
        self.severity = severity
        self.title = title
        self.doc = doc or title  # the title says it all for most codes

    def __repr__(self) -> str:
        return f"Code({self.code!r}, {self.severity.value})"


# code -> the module that declares it (as the constant of the same name), in code order.
REGISTRY: dict[str, str] = {
    "SC001": "shapecalc.reading.document",
    "SC002": "shapecalc.validate",
    "SC003": "shapecalc.validate",
    "SC004": "shapecalc.validate",
    "SC005": "shapecalc.graph",
    "SC006": "shapecalc.graph",
    "SC007": "shapecalc.graph",
    "SC008": "shapecalc.reading.document",
    "SC009": "shapecalc.validate",
    "SC101": "shapecalc.shapes",
    "SC102": "shapecalc.layers.base",
    "SC103": "shapecalc.broadcast",
    "SC104": "shapecalc.engine",
    "SC201": "shapecalc.checks.floor_loss",
    "SC202": "shapecalc.checks.lost_pixels",
    "SC210": "shapecalc.engine",
    "SC220": "shapecalc.checks.suppress",
    "SC301": "shapecalc.checks.dense_rank",
    "SC302": "shapecalc.checks.floor_loss",
}

_SEVERITIES: dict[str, Severity] = {}  # filled as codes are asked for


def declaration(code: str) -> Code:
    """The declaration of a registered code (KeyError for an unknown one)."""
    import importlib

    declared = getattr(importlib.import_module(REGISTRY[code]), code)
    assert isinstance(declared, Code) and declared.code == code, f"{REGISTRY[code]}.{code} is not its Code"
    return declared


def severity_of(code: str) -> Severity:
    """A code's severity; the declaring module is imported (usually it is already) on the first ask."""
    found = _SEVERITIES.get(code)
    if found is None:
        found = _SEVERITIES[code] = declaration(code).severity
    return found


def declarations() -> list[Code]:
    """Every registered code's declaration, in code order (for the README table and the tests)."""
    return [declaration(code) for code in REGISTRY]
