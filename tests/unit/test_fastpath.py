"""The fast entry point gives exactly what the typer app gives, and leaves everything else to typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shapecalc.commands.table import COMMANDS
from shapecalc.fastpath import fast_dispatch, parse_options

ROOT = Path(__file__).resolve().parents[2]
SPEC = str(ROOT / "specs" / "denoiser_24.yaml")


def run(args: list[str], fast: bool) -> subprocess.CompletedProcess[str]:
    code = "from shapecalc.cli import main; main()" if not fast else "from shapecalc.fastpath import main; main()"
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, env=env)


@pytest.mark.parametrize(
    "args",
    [
        ["summarize", SPEC],
        ["summarize", SPEC, "--format", "json"],
        ["summarize", "-f", "json", SPEC],
        ["summarize", "--format=json", SPEC],
        ["summarize", "/nonexistent.yaml"],
        ["check", SPEC, SPEC],
        ["check", "--strict", SPEC],
    ],
    ids=["table", "json", "short-option-first", "equals", "missing-file", "check-two", "check-strict"],
)
def test_same_result_as_typer(args):
    fast, slow = run(args, True), run(args, False)
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)


@pytest.mark.parametrize(
    "argv",
    [[], ["--help"], ["summarize"], ["summarize", "a", "b"], ["summarize", "a", "--format", "xml"],
     ["summarize", "a", "--bogus"], ["check"], ["explain", "a"], ["summarize", "--format"]],
)
def test_leaves_other_invocations_to_typer(argv):
    assert fast_dispatch(argv) is None


def test_parse_options():
    check = COMMANDS["check"].params
    unset = {"ignore": None, "select": None, "exclude": None}
    assert parse_options(["a", "--strict", "-f", "github", "b"], check) == (
        ["a", "b"], {"output_format": "github", "strict": True, **unset})
    assert parse_options(["a", "--format=text"], check) == (["a"], {"output_format": "text", "strict": False, **unset})
    assert parse_options(["a", "--ignore", "SC2", "--ignore=SC301,SC302", "--exclude", "old"], check) == (
        ["a"], {"output_format": "text", "strict": False, **unset, "ignore": ["SC2", "SC301,SC302"],
                "exclude": ["old"]})
    assert parse_options(["a", "--select"], check) is None  # a missing value: typer's to refuse
    assert parse_options(["a", "--strict=1"], check) is None  # typer's to refuse
