"""Where the golden summaries live, how one is produced, and how a summary table is read back into numbers."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = Path(__file__).resolve().parent / "summaries"


def spec_files() -> list[Path]:
    """Every shipped spec: each one has a golden, so a new spec cannot go unrecorded."""
    return sorted((ROOT / "specs").rglob("*.yaml"))


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def golden_path(spec: Path) -> Path:
    return GOLDEN_DIR / (spec.relative_to(ROOT / "specs").with_suffix("").as_posix().replace("/", "__") + ".txt")


def summary_of(spec: Path) -> str:
    """What `shapecalc summarize SPEC` prints when piped, run from the repository root."""
    from shapecalc.commands.pipeline import accepted, analyze_path
    from shapecalc.commands.summarize import keras_view
    from shapecalc.render.text import diagnostic_line, render

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        outcome, _ = accepted(analyze_path(relative(spec)))  # as the CLI: `# shapecalc: ignore` comments apply
    finally:
        os.chdir(here)
    if outcome.analysis is None:
        return "".join(diagnostic_line(problem) + "\n" for problem in outcome.problems)
    return render(keras_view(outcome.analysis, expand=False))  # a nested Keras model is one row, as printed


@dataclass(frozen=True)
class TableRow:
    name: str
    type: str
    shape: str
    params: int


@dataclass(frozen=True)
class Table:
    rows: list[TableRow]
    totals: dict[str, int]  # "Total", "Trainable", "Non-trainable" -> count
    total_lines: dict[str, str]  # the same keys -> the whole line as printed


ROW = re.compile(r"^│ (?P<name>\S+) \((?P<type>[^)]+)\)\*?\s*│ (?P<shape>.+?)\s*│\s*(?P<params>[\d,]+) │")
TOTAL = re.compile(r"^ (?P<kind>Total|Trainable|Non-trainable) params: (?P<count>[\d,]+) \(.*\)$")


def read_table(text: str) -> Table:
    """The rows and totals of a box-drawn summary, as Keras's `model.summary()` lays them out."""
    rows, totals, lines = [], {}, {}
    for line in text.splitlines():
        if match := ROW.match(line):
            rows.append(TableRow(match["name"], match["type"], match["shape"], int(match["params"].replace(",", ""))))
        elif match := TOTAL.match(line):
            totals[match["kind"]] = int(match["count"].replace(",", ""))
            lines[match["kind"]] = line
    return Table(rows, totals, lines)
