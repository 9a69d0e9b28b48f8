"""Every diagnostic case file produces exactly the diagnostics its header expects: code, severity, line:col, text.

Exactly: a diagnostic the header does not list is a failure too, so the cases
also hold the rule "one mistake, one diagnostic" and "a correct model is quiet".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shapecalc.commands.pipeline import accepted, analyze_path
from tests.diagnostics.expectations import read_expectations

CASES = Path(__file__).parent / "cases"


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.yaml")) + sorted(CASES.glob("*.json"))


@pytest.mark.parametrize("path", case_files(), ids=lambda p: p.stem)
def test_case(path: Path) -> None:
    assert_case(path)


def assert_case(path: Path) -> None:
    """The file's diagnostics are exactly those its header lists (shared with other case folders)."""
    expected = read_expectations(path)
    outcome, _ = accepted(analyze_path(str(path)), strict=True)  # as `check --strict`: comments apply, SC220 shows
    found = outcome.diagnostics
    produced: dict[tuple, list[str]] = {}
    for d in found:
        produced.setdefault((d.severity.value, d.code, d.line, d.column), []).append(d.message)
    assert sorted(produced) == sorted(expected), "\n".join(
        f"{d.line}:{d.column}: {d.severity.value}[{d.code}] {d.message}" for d in found)
    for key, fragments in expected.items():
        assert len(produced[key]) == 1, f"{key}: one diagnostic expected, got {produced[key]}"
        for fragment in fragments:
            assert fragment in produced[key][0], f"{fragment!r} not in {produced[key][0]!r}"
