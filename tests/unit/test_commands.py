"""Every command in the table (commands/table.py) runs the same through the fast entry point and the typer app.

The fast entry point (`python -m shapecalc`) parses the hot forms itself and
hands the rest to typer; `cli.main` always goes through typer. Both are built
from one table, so each command's examples must give the same exit code,
stdout and stderr either way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shapecalc.commands.table import COMMANDS, target_function
from shapecalc.fastpath import fast_dispatch

ROOT = Path(__file__).resolve().parents[2]
SPEC = "specs/denoiser_24.yaml"

EXAMPLES: dict[str, list[list[str]]] = {
    "summarize": [[SPEC], [SPEC, "-f", "json"], ["--format=json", SPEC], [SPEC, "--format", "xml"], [],
                  [SPEC, "--depth", "1"], [SPEC, "--depth=2"], [SPEC, "--depth", "0"], [SPEC, "--depth", "x"],
                  [SPEC, "--ignore", "SC2"], [SPEC, "--select=SC202", "-f", "json"],
                  [SPEC, "--columns", "macs,params"], [SPEC, "--columns=output_shape", "--columns", "trainable"],
                  [SPEC, "--columns", "flops"], [SPEC, "--columns", ","]],
    "check": [[SPEC, SPEC], ["--strict", SPEC], [SPEC, "--format", "github"], ["/nonexistent.yaml"],
              [SPEC, "--ignore", "SC202", "--ignore=SC201"], [SPEC, "--select", "SC2,SC3"], [SPEC, "--ignore", "X9"],
              [SPEC, "--ignore"]],
    "resample": [["[[1, 2], [3, 4]]", "--size", "3"], ["[1, 2]", "--compare"], ["[1]", "--size", "x"]],
    "explain": [[SPEC, "--layer", "max_pooling2d_2"], [SPEC, "-l", "nothing"]],
    "convert": [["/nonexistent.json"], [SPEC, "-o", "/nonexistent/dir/out.yaml"]],
    "schema": [["--framework", "pytorch"], ["--framework", "jax"]],
    "export": [[SPEC, "--to", "keras"], [SPEC, "--to", "pytorch"], [SPEC, "--to", "tensorflow"], [SPEC]],
    "fit": [[SPEC], [SPEC, "-f", "json"], [SPEC, "--ratio", "x"], [SPEC, "--max-size", "0"],
            [SPEC, "--max-size", "40", "--ratio", "1/2"]],
    "calc": [["conv", "28", "-k", "3", "-s", "2"], ["pool", "7", "--pool", "2", "--kernel", "3"],
             ["conv", "28", "28", "-k", "3", "--framework", "pytorch", "-p", "1"]],
}


def run(args: list[str], fast: bool) -> subprocess.CompletedProcess[str]:
    entry = "from shapecalc.fastpath import main" if fast else "from shapecalc.cli import main"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-c", f"{entry}; main()", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env)


def test_every_command_has_examples() -> None:
    assert set(EXAMPLES) == set(COMMANDS)


@pytest.mark.parametrize(("command", "args"), [(name, args) for name, cases in EXAMPLES.items() for args in cases],
                         ids=lambda value: " ".join(value) if isinstance(value, list) else value)
def test_both_entry_points_agree(command: str, args: list[str]) -> None:
    fast, typer_path = run([command, *args], True), run([command, *args], False)
    assert (fast.returncode, fast.stdout, fast.stderr) == (typer_path.returncode, typer_path.stdout, typer_path.stderr)
    assert "Traceback" not in fast.stderr


def test_fast_commands_take_the_fast_path() -> None:
    """The hot forms are answered without typer (fast_dispatch gives an exit code, not None)."""
    assert fast_dispatch(["check", str(ROOT / SPEC)]) == 0
    assert [name for name, command in COMMANDS.items() if command.fast] == ["summarize", "check"]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_target_takes_the_table_parameters_in_order(name: str) -> None:
    """The target is called with one positional value per table entry; anything after has a default."""
    import inspect

    command = COMMANDS[name]
    parameters = list(inspect.signature(target_function(command)).parameters.values())
    assert len(parameters) >= len(command.params)
    assert all(extra.default is not inspect.Parameter.empty for extra in parameters[len(command.params):])
    if name == "calc":  # its target is written for the table: the same names
        assert [p.name for p in parameters] == [param.name for param in command.params]
