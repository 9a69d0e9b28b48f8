"""Hostile command lines: every command answers odd arguments with a message and exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from shapecalc.cli import app

CASES = Path(__file__).parent / "cases"

ARGUMENTS = {
    "summarize without a file": ["summarize"],
    "summarize two files": ["summarize", "a.yaml", "b.yaml"],
    "summarize unknown format": ["summarize", "--format", "xml", "a.yaml"],
    "summarize an empty path": ["summarize", ""],
    "check without files": ["check"],
    "check unknown option": ["check", "--fix", "a.yaml"],
    "explain a missing file": ["explain", "missing.yaml"],
    "explain an unknown layer": ["explain", str(CASES / "name_rich_markup.yaml"), "--layer", "[bold]nope"],
    "explain a broken file": ["explain", str(CASES / "billion_laughs.yaml")],
    "calc zero kernel": ["calc", "conv", "28", "--kernel", "0"],
    "calc negative size": ["calc", "conv", "-5", "--kernel", "3"],
    "calc zero stride": ["calc", "pool", "28", "--kernel", "2", "--stride", "0"],
    "calc NaN scale": ["calc", "upsample", "28", "--scale", "nan"],
    "calc huge scale": ["calc", "upsample", "28", "--scale", "1e308"],
    "calc four axes": ["calc", "conv", "28", "28", "28", "28", "--kernel", "3"],
    "calc unknown operation": ["calc", "[bold]conv", "28"],
    "resample ragged": ["resample", "[[1, 2], [3]]"],
    "resample a python tag": ["resample", "!!python/name:os.system"],
    "resample deep nesting": ["resample", "[" * 5000 + "]" * 5000],
    "resample zero size": ["resample", "[[1, 2], [3, 4]]", "--size", "0"],
    "resample infinite value": ["resample", "[[1e400]]"],
    "resample huge target": ["resample", "[[1, 2], [3, 4]]", "--to", "100000x100000"],
}


@pytest.mark.parametrize("argv", ARGUMENTS.values(), ids=ARGUMENTS.keys())
def test_odd_arguments_exit_2_with_a_message(argv: list[str]) -> None:
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.output.strip(), "a refusal says why"
    assert "Traceback" not in result.output


def test_resample_refuses_a_large_file(tmp_path: Path) -> None:
    """The resample matrix reader uses PyYAML's slow pure-Python loader: a size bound keeps it quick."""
    big = tmp_path / "matrix.yaml"
    big.write_text("matrix: [[1, 2], [3, 4]]\n" + "# padding\n" * 40_000)
    result = CliRunner().invoke(app, ["resample", str(big)])
    assert result.exit_code == 2 and "KiB" in result.output


def test_a_bug_on_one_file_does_not_stop_check_or_the_json_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug (here: the engine raising on one file) costs that file its analysis, nothing more."""
    import json

    import shapecalc.engine

    real = shapecalc.engine.analyze

    def analyze(spec):
        if spec.path.endswith("name_rich_markup.yaml"):
            raise ZeroDivisionError("planted bug")
        return real(spec)

    monkeypatch.delenv("SHAPECALC_DEBUG", raising=False)
    monkeypatch.setattr(shapecalc.engine, "analyze", analyze)
    broken, fine = str(CASES / "name_rich_markup.yaml"), str(CASES / "tab_indentation.yaml")
    checked = CliRunner().invoke(app, ["check", broken, fine])
    assert checked.exit_code == 2
    assert "planted bug" in checked.stderr and broken in checked.stderr
    assert checked.stdout.startswith(fine + ":5:1: error[SC001]")
    summary = CliRunner().invoke(app, ["summarize", "--format", "json", broken])
    assert summary.exit_code == 2 and json.loads(summary.stdout)["layers"] == []
