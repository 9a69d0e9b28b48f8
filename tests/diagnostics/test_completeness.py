"""Every diagnostic code is registered, declared where the registry says, in the README's table, and triggered by a case.

The README table itself is generated from the declarations (tests/golden/test_readme.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shapecalc.codes import REGISTRY, Code, declaration, declarations
from tests.diagnostics.expectations import read_expectations

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).parent / "cases"
ROW = re.compile(r"^\| (SC\d{3}) \| (error|warning|info) \| (.+) \|$")


def readme_table() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- generated: diagnostics", 1)[1].split("<!-- end: diagnostics -->", 1)[0]
    return {m[1]: m[2] for line in table.splitlines() if (m := ROW.match(line))}


def test_readme_table_lists_every_code_with_its_severity() -> None:
    assert readme_table() == {found.code: found.severity.value for found in declarations()}


def test_every_code_written_in_the_source_is_registered() -> None:
    """A check that raises a code nobody declared would crash when its severity is asked for."""
    written = {code for path in (ROOT / "shapecalc").rglob("*.py")
               for code in re.findall(r"\bSC\d{3}\b", path.read_text(encoding="utf-8"))}
    assert written - set(REGISTRY) == set()


@pytest.mark.parametrize("code", list(REGISTRY))
def test_every_code_is_declared_where_the_registry_says(code: str) -> None:
    found = declaration(code)
    assert isinstance(found, Code) and found.code == code and found.title and found.doc


@pytest.mark.parametrize("code", list(REGISTRY))
def test_every_code_has_a_case_that_triggers_it(code: str) -> None:
    files = sorted(CASES.glob(f"{code}_*"))
    assert files, f"no tests/diagnostics/cases/{code}_*.yaml"
    assert any(code in {c for _, c, _, _ in read_expectations(f)} for f in files)
