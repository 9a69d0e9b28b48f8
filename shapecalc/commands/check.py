"""`shapecalc check FILE...`: one line per problem in every file, for pre-commit and CI."""

from __future__ import annotations

import sys

from shapecalc.commands.pipeline import analyze_path, report_internal_error
from shapecalc.diagnostics import Diagnostic
from shapecalc.render.text import diagnostic_line


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


def run(paths: list[str], strict: bool, output_format: str) -> int:
    """Check every file (a broken one does not stop the rest); the worst exit code wins."""
    worst = 0
    found: list[Diagnostic] = []
    for path in paths:
        try:
            outcome = analyze_path(path)
        except Exception as error:  # a bug in shapecalc must not cost the other files their check
            report_internal_error(path, error)
            worst = 2
            continue
        found.extend(outcome.diagnostics)
        worst = max(worst, outcome.exit_code(strict))
    found.sort(key=Diagnostic.sort_key)
    render = github_line if output_format == "github" else diagnostic_line
    sys.stdout.write("".join(render(d) + "\n" for d in found))
    return worst
