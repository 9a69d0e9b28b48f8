"""`check` on many files forks workers; the result is the same as checking them one by one.

The workers are forced (`SHAPECALC_JOBS=3`), so these tests fork on a one-core
runner too, and a driver counts the forks: "parallel equals serial" must not
hold merely because no worker ran. Files are dealt out as `check_all` deals
them: the first before any fork, then the rest in turn to the parent and each
worker, so `rest[1::3]` is the first worker's share.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JOBS = 3

# Runs the real command line, counting the forks; with DIE_ON set, a worker whose share holds a
# file of that name dies before reporting (after leaving a mark, so the test knows it did).
DRIVER = """
import os, sys
import shapecalc.commands.check as check
parent, forks, real_fork, real_check_files = os.getpid(), [], os.fork, check.check_files
def counting_fork():
    pid = real_fork()
    if pid:
        forks.append(pid)
    return pid
def dying_check_files(paths, strict, *rest):
    die_on = os.environ.get("DIE_ON")
    if die_on and os.getpid() != parent and any(p.endswith(die_on) for p in paths):
        open(os.environ["DIED_MARK"], "w").close()
        os._exit(9)
    return real_check_files(paths, strict, *rest)
os.fork, check.check_files = counting_fork, dying_check_files
sys.argv = ["shapecalc", *sys.argv[1:]]
from shapecalc.fastpath import main
try:
    main()
finally:
    sys.stderr.write(f"forks={len(forks)}\\n")
"""

CLEAN = "input: [8]\nlayers:\n  - Dense: 4\n"
# 7 -> 3 by a 2x2 pool drops a row and a column: SC201, a warning and nothing else
WARNING_ONLY = "input: [7, 7, 1]\nlayers:\n  - MaxPooling2D: {pool_size: 2}\n  - Flatten\n  - Dense: 2\n"
BROKEN = "input: [8]\nlayers:\n  - Dense: {units: 0}\n"


def run_check(args: list[str], jobs: str | None, **extra_env: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """(the finished process, how many workers it forked)."""
    env = {k: v for k, v in os.environ.items() if k != "SHAPECALC_JOBS"}
    env.update(extra_env)
    if jobs:
        env["SHAPECALC_JOBS"] = jobs
    done = subprocess.run([sys.executable, "-c", DRIVER, "check", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    forks_line = done.stderr.strip().splitlines()[-1]
    assert forks_line.startswith("forks="), done.stderr
    return done, int(forks_line.removeprefix("forks="))


def files(tmp_path: Path, texts: list[str]) -> list[str]:
    paths = []
    for index, text in enumerate(texts):
        path = tmp_path / f"{index:02d}.yaml"
        path.write_text(text)
        paths.append(str(path))
    return paths


def worker_position(worker: int, count: int) -> list[int]:
    """The indices in a list of `count` paths that `check_all` gives to `worker` (1-based) of JOBS."""
    return [index + 1 for index in range(count - 1) if index % JOBS == worker]


def test_parallel_equals_serial(tmp_path):
    specs = sorted((ROOT / "specs").rglob("*.yaml"))
    paths = []
    for index in range(40):
        target = tmp_path / f"{index:02d}_{specs[index % len(specs)].name}"
        shutil.copy(specs[index % len(specs)], target)
        paths.append(str(target))
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN)
    paths.append(str(broken))
    (parallel, forks), (serial, no_forks) = run_check(paths, str(JOBS)), run_check(paths, "1")
    assert (forks, no_forks) == (JOBS - 1, 0)
    assert (parallel.returncode, parallel.stdout) == (serial.returncode, serial.stdout)
    assert parallel.returncode == 2
    assert f"{broken}:3:" in parallel.stdout
    assert "Traceback" not in parallel.stderr


@pytest.mark.parametrize("strict, expected_code", [(False, 0), (True, 1)], ids=["plain", "strict"])
@pytest.mark.parametrize("output_format", ["text", "github"])
def test_a_warning_only_a_worker_sees(tmp_path, strict, expected_code, output_format):
    """The one warning of the run is in the first worker's share: its exit code and its line come
    from that worker, with --strict and the output format passed on to it."""
    texts = [CLEAN] * 9
    warned = worker_position(1, len(texts))[0]
    texts[warned] = WARNING_ONLY
    paths = files(tmp_path, texts)
    args = [*paths, "--format", output_format] + (["--strict"] if strict else [])
    (parallel, forks), (serial, _) = run_check(args, str(JOBS)), run_check(args, "1")
    assert forks == JOBS - 1
    assert parallel.returncode == expected_code
    assert (parallel.returncode, parallel.stdout) == (serial.returncode, serial.stdout)
    [line] = parallel.stdout.splitlines()
    if output_format == "github":
        assert line.startswith(f"::warning file={paths[warned]},line=3,col=5,title=shapecalc SC201::")
    else:
        assert line.startswith(f"{paths[warned]}:3:5: warning[SC201]")


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
def test_a_worker_that_dies_has_its_share_checked_again(tmp_path, strict):
    """A worker killed before it reports costs nothing: the parent checks its files itself."""
    texts = [CLEAN] * 9
    share = worker_position(2, len(texts))
    texts[share[0]] = WARNING_ONLY
    texts[share[1]] = BROKEN
    paths = files(tmp_path, texts)
    mark = tmp_path / "died"
    args = paths + (["--strict"] if strict else [])
    (parallel, forks) = run_check(args, str(JOBS), DIE_ON=Path(paths[share[1]]).name, DIED_MARK=str(mark))
    serial, _ = run_check(args, "1")
    assert forks == JOBS - 1 and mark.exists()
    assert (parallel.returncode, parallel.stdout) == (serial.returncode, serial.stdout)
    assert parallel.returncode == 2
    assert [line.split(":")[0] for line in parallel.stdout.splitlines()] == [paths[share[0]], paths[share[1]]]
    assert "Traceback" not in parallel.stderr
