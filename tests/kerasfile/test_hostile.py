"""Broken and malicious Keras files (hostile_cases.py): each gives its one located diagnostic and exit 2,
with no traceback, within a second and bounded memory; a partial read still summarizes what it can."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shapecalc.cli import app
from shapecalc.commands.pipeline import analyze_path
from tests.kerasfile.hostile_cases import CASES, Case

MEMORY_LIMIT = 512 * 1024 * 1024


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keras_hostile")
    return {case.id: case.make(folder) for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_case(case: Case, made: dict[str, Path]) -> None:
    path = made[case.id]
    start = time.process_time()
    outcome = analyze_path(str(path))
    assert time.process_time() - start < 1.0
    errors = [d for d in outcome.diagnostics if d.severity.value == "error"]
    if not case.code:
        assert errors == [] and outcome.analysis is not None
    else:
        assert len(errors) == 1, [d.message for d in errors]
        (error,) = errors
        assert error.code == case.code, error.message
        assert case.fragment in error.message, error.message
        assert "\n" not in error.message
        if case.marker is not None:
            text = path.read_text()
            marker, occurrence = case.marker if isinstance(case.marker, tuple) else (case.marker, 0)
            assert text.count(marker) == (occurrence + 1 if isinstance(case.marker, tuple) else 1)
            column = -1
            for _ in range(occurrence + 1):
                column = text.index(marker, column + 1)
            assert (error.line, error.column) == (1, column + 1), error.message
        else:  # an archive refused as a whole points at its start
            assert (error.line, error.column) == (case.position or (1, 1)), error.message
    rows = [row.name for row in outcome.analysis.rows] if outcome.analysis else None
    assert rows == case.summarized
    expected_code = 2 if case.code.startswith("SC0") else 0
    result = CliRunner().invoke(app, ["summarize", "--format", "json", str(path)])
    assert result.exit_code == expected_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    document = json.loads(result.stdout)
    assert [d["code"] for d in document["diagnostics"] if d["severity"] == "error"] == (
        [case.code] if case.code else [])


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def test_check_reads_every_case_in_one_bounded_process(made: dict[str, Path]) -> None:
    """A zip bomb or a deep file does not stop the others; nothing escapes; memory stays bounded."""
    paths = [str(made[case.id]) for case in CASES]
    result = subprocess.run([sys.executable, "-m", "shapecalc", "check", *paths], capture_output=True, text=True,
                            errors="backslashreplace", timeout=120, preexec_fn=_bounded)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr[-2000:]
    reported = {line.split(":", 1)[0] for line in result.stdout.splitlines()}
    # a directory given to check is searched for model files (check DIR); holding none, it is reported itself
    assert reported == {str(made[case.id]) for case in CASES if case.code}
