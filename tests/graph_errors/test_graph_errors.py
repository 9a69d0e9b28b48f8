"""Graph mistakes, one file each, with the exact diagnostics written in the file's own header.

Each case under `cases/` carries lines `# expect: CODE LINE:COL message fragment`
(comments, so the model file stays valid). The harness requires exactly those
diagnostics, at exactly those positions, each message containing every
` | `-separated part of its fragment, and the exit code their codes imply (SPEC §3).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shapecalc.commands.pipeline import analyze_path

CASES = Path(__file__).parent / "cases"
EXPECT = re.compile(r"^# expect: (?P<code>SC\d{3}) (?P<line>\d+):(?P<column>\d+) (?P<fragment>.+)$", re.MULTILINE)


def expectations(path: Path) -> list[tuple[str, int, int, str]]:
    found = [(m["code"], int(m["line"]), int(m["column"]), m["fragment"]) for m in EXPECT.finditer(path.read_text())]
    assert found, f"{path.name} has no `# expect:` line"
    return sorted(found)


def exit_code_for(codes: set[str]) -> int:
    if any(code.startswith("SC0") for code in codes):
        return 2
    return 1 if any(code.startswith("SC1") for code in codes) else 0


@pytest.mark.parametrize("path", sorted(CASES.glob("*.yaml")), ids=lambda p: p.stem)
def test_graph_error(path: Path) -> None:
    expected = expectations(path)
    outcome = analyze_path(str(path))
    got = sorted((d.code, d.line, d.column, d.message) for d in outcome.diagnostics if d.severity.value != "info")
    assert [g[:3] for g in got] == [e[:3] for e in expected], got
    for (*_, message), (*_, fragment) in zip(got, expected, strict=True):
        for part in fragment.split(" | "):
            assert part in message
    assert outcome.exit_code() == exit_code_for({e[0] for e in expected})
