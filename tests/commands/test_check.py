"""`shapecalc check FILE...`: one sorted line per problem, every file checked, the worst exit code wins.

Run through a real subprocess (`python -m shapecalc`), as pre-commit and CI
run it. Positions are those of the diagnostic case files, worked out in
their headers (tests/diagnostics/cases).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = "tests/diagnostics/cases"
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|info)\[(?P<code>SC\d{3})\] .+$")


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shapecalc", "check", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def parsed(stdout: str) -> list[tuple[str, int, int, str, str]]:
    rows = []
    for text in stdout.splitlines():
        match = LINE.match(text)
        assert match, f"not a check line: {text!r}"
        rows.append((match["path"], int(match["line"]), int(match["col"]), match["severity"], match["code"]))
    return rows


def test_clean_file_is_silent_and_exits_0() -> None:
    done = check(f"{CASES}/clean_denoiser_28.yaml")
    assert (done.returncode, done.stdout) == (0, "")


def test_warnings_exit_0_and_fail_with_strict() -> None:
    path = f"{CASES}/SC202_denoiser_24.yaml"
    assert parsed(check(path).stdout) == [(path, 15, 5, "warning", "SC201"), (path, 20, 5, "warning", "SC202")]
    assert check(path).returncode == 0
    assert check("--strict", path).returncode == 1


def test_info_never_fails_even_with_strict() -> None:
    done = check("--strict", f"{CASES}/SC302_stride_beyond_window.yaml")
    assert done.returncode == 0
    assert parsed(done.stdout)[0][3:] == ("info", "SC302")


def test_all_files_checked_sorted_and_worst_exit_code_wins() -> None:
    files = [f"{CASES}/SC201_pool_7_to_3.yaml", f"{CASES}/SC102_wrong_rank.yaml", f"{CASES}/SC001_yaml_syntax.yaml",
             "no/such/model.yaml", f"{CASES}/clean_resnet_stem.yaml"]
    done = check(*files)
    assert done.returncode == 2  # an unreadable file is the worst
    rows = parsed(done.stdout)
    assert rows == sorted(rows, key=lambda r: (r[0], r[1], r[2], r[4]))
    assert {(r[0], r[4]) for r in rows} == {
        ("no/such/model.yaml", "SC001"),
        (f"{CASES}/SC001_yaml_syntax.yaml", "SC001"),
        (f"{CASES}/SC102_wrong_rank.yaml", "SC102"),
        (f"{CASES}/SC201_pool_7_to_3.yaml", "SC201"),
    }
    assert "Traceback" not in done.stderr


def test_shape_error_exits_1() -> None:
    assert check(f"{CASES}/SC102_wrong_rank.yaml", f"{CASES}/clean_denoiser_28.yaml").returncode == 1


def test_github_annotations() -> None:
    done = check("--format", "github", f"{CASES}/SC201_pool_7_to_3.yaml", f"{CASES}/SC302_stride_beyond_window.yaml",
                 f"{CASES}/SC102_wrong_rank.yaml")
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"::error file={CASES}/SC102_wrong_rank.yaml,line=6,col=5,title=shapecalc SC102::Conv2D expects")
    assert lines[1].startswith(f"::warning file={CASES}/SC201_pool_7_to_3.yaml,line=7,col=5,title=shapecalc SC201::")
    assert lines[2].startswith(f"::notice file={CASES}/SC302_stride_beyond_window.yaml,line=5,col=5,title=shapecalc SC302::")
    assert done.returncode == 1


def test_no_files_is_a_usage_error() -> None:
    done = check()
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_github_escapes_paths_and_messages(tmp_path: Path) -> None:
    odd = tmp_path / "a,b:c.yaml"
    odd.write_text("input: [7, 7, 1]\nlayers:\n  - MaxPooling2D: {pool_size: 2}\n")
    done = check("--format", "github", str(odd))
    (line,) = done.stdout.splitlines()
    assert line.startswith("::warning file=" + str(tmp_path).replace(":", "%3A") + "/a%2Cb%3Ac.yaml,line=3,col=5,")


def test_problems_come_in_file_order(tmp_path) -> None:
    """Sorted by line, then column: the argument error at 3:13 comes before the unknown type at 4:5."""
    import subprocess
    import sys

    path = tmp_path / "two.yaml"
    path.write_text("input: [8]\nlayers:\n  - Dense: {units: 0}\n  - Densse: 4\n")
    done = subprocess.run([sys.executable, "-m", "shapecalc", "check", str(path)], capture_output=True, text=True)
    assert [line.split(": ")[0] for line in done.stdout.splitlines()] == [f"{path}:3:13", f"{path}:4:5"]
