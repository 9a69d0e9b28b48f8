"""`check` on many files forks workers; the result is the same as checking them one by one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(paths: list[str], jobs: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SHAPECALC_JOBS"}
    if jobs:
        env["SHAPECALC_JOBS"] = jobs
    return subprocess.run([sys.executable, "-m", "shapecalc", "check", *paths], capture_output=True, text=True,
                          cwd=ROOT, env=env)


def test_parallel_equals_serial(tmp_path):
    specs = sorted((ROOT / "specs").rglob("*.yaml"))
    paths = []
    for index in range(40):
        target = tmp_path / f"{index:02d}_{specs[index % len(specs)].name}"
        shutil.copy(specs[index % len(specs)], target)
        paths.append(str(target))
    broken = tmp_path / "broken.yaml"
    broken.write_text("input: [8]\nlayers:\n  - Dense: {units: 0}\n")
    paths.append(str(broken))
    parallel, serial = run_check(paths, None), run_check(paths, "1")
    assert (parallel.returncode, parallel.stdout) == (serial.returncode, serial.stdout)
    assert parallel.returncode == 2
    assert f"{broken}:3:" in parallel.stdout
    assert "Traceback" not in parallel.stderr
