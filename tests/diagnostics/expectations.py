"""Reads the expectations written in a diagnostic case file's comment header.

A case is an ordinary model file (so `shapecalc check` runs on it as is) whose
header comments say what it must produce, one diagnostic per line, or nothing:

    # expect: warning SC201 at 13:5 "floors 7x7 -> 3x3"
    # expect: nothing

Several lines with the same severity, code and position are one diagnostic
whose message holds every fragment.
"""

from __future__ import annotations

import re
from pathlib import Path

LINE = re.compile(r'^# expect: (error|warning|info) (SC\d{3}) at (\d+):(\d+) "(.*)"\s*$')
NOTHING = "# expect: nothing"

Key = tuple[str, str, int, int]  # severity, code, line, column


def read_expectations(path: Path) -> dict[Key, list[str]]:
    """{(severity, code, line, column): [message fragments]}; empty for `# expect: nothing`."""
    expected: dict[Key, list[str]] = {}
    said_nothing = False
    for text in path.read_text(encoding="utf-8").splitlines():
        if text.strip() == NOTHING:
            said_nothing = True
            continue
        match = LINE.match(text)
        if match:
            severity, code, line, column, fragment = match.groups()
            expected.setdefault((severity, code, int(line), int(column)), []).append(fragment)
        elif text.startswith("# expect"):
            raise ValueError(f"{path.name}: unreadable expectation {text!r}")
    if said_nothing == bool(expected):
        raise ValueError(f"{path.name}: say `# expect: nothing` or list the diagnostics, not both or neither")
    return expected
