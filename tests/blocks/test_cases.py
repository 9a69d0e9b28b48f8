"""Every block case file produces exactly the diagnostics its header expects (the diagnostics harness's format)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.diagnostics.test_cases import assert_case

CASES = Path(__file__).parent / "cases"


@pytest.mark.parametrize("path", sorted(CASES.glob("*.yaml")), ids=lambda p: p.stem)
def test_case(path: Path) -> None:
    assert_case(path)
