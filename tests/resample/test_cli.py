"""`shapecalc resample` through the typer app: options reach the command, exit codes survive."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from shapecalc.cli import app

RUNNER = CliRunner()


def test_resample_command_runs_with_all_options():
    result = RUNNER.invoke(
        app,
        ["resample", "[[100,200],[6,8]]", "--to", "4x4", "-m", "bilinear", "-c", "tf-legacy",
         "--cell", "0,1", "-f", "json"],
    )
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["output"][0] == [100, 150, 200, 200]
    assert document["explain"][0]["cell"] == [0, 1]


def test_resample_compare_and_indices_reach_the_command():
    result = RUNNER.invoke(app, ["resample", "[[5,7]]", "--compare", "--indices", "[[1,6]]", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["results"]["zeros"] == [[0, 5, 0, 0], [0, 0, 7, 0]]


def test_resample_bad_input_exits_2():
    result = RUNNER.invoke(app, ["resample", "[[1,2],[3]]"])
    assert result.exit_code == 2
    assert "ragged" in result.output
