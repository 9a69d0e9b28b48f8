"""`check --format github`: a diagnostic as a GitHub Actions workflow command, shown as an annotation."""

from __future__ import annotations

from shapecalc.diagnostics import Diagnostic


def escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub's escaping of a workflow command's property value (a path may hold ':' or ',')."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command: shows the problem as an annotation on the file."""
    level = {"error": "error", "warning": "warning", "info": "notice"}[diagnostic.severity.value]
    return (
        f"::{level} file={escape_property(diagnostic.path)},line={diagnostic.line},col={diagnostic.column},"
        f"title={escape_property('shapecalc ' + diagnostic.code)}::{escape_data(diagnostic.message)}"
    )
