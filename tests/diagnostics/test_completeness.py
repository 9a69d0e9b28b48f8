"""Every diagnostic code is documented in the README's table, with its severity, and has a case file that triggers it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shapecalc.diagnostics import CODES
from tests.diagnostics.expectations import read_expectations

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).parent / "cases"
ROW = re.compile(r"^\| (SC\d{3}) \| (error|warning|info) \| (.+) \|$")


def readme_table() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- begin: diagnostics -->", 1)[1].split("<!-- end: diagnostics -->", 1)[0]
    return {m[1]: m[2] for line in table.splitlines() if (m := ROW.match(line))}


def test_readme_table_lists_every_code_with_its_severity() -> None:
    assert readme_table() == {code: severity.value for code, (severity, _) in CODES.items()}


@pytest.mark.parametrize("code", list(CODES))
def test_every_code_has_a_case_that_triggers_it(code: str) -> None:
    files = sorted(CASES.glob(f"{code}_*"))
    assert files, f"no tests/diagnostics/cases/{code}_*.yaml"
    assert any(code in {c for _, c, _, _ in read_expectations(f)} for f in files)
