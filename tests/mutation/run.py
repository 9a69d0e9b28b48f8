"""Mutation run: put each named bug of mutants.py into a copy of the code and see the tests catch it.

Run from the repository root (not in CI; a few minutes per mutant on a busy machine):

    python tests/mutation/run.py                       # every mutant
    python tests/mutation/run.py shapes.window-rounds  # only these (names or name prefixes: `check.`)
    python tests/mutation/run.py --list                # the table, nothing run

The repository is copied to a temporary directory once; for each mutant one
module's text is replaced there (the original must occur exactly once, else
the row is reported stale), its tests run with `pytest -x`, and the module is
restored. A mutant is killed when the tests fail, survives when they pass.
First, each test selection runs once unmutated: a selection that fails
already would kill every mutant and prove nothing.

Exit status: 0 when every mutant is killed or listed as equivalent, 1 when
one survives, 2 when a row is stale or a selection fails unmutated.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from mutants import EQUIVALENT, MUTANTS, Mutant  # noqa: E402

COPIED = ["shapecalc", "tests", "specs", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml"]
TIMEOUT = 1800  # seconds per pytest run: a mutant that hangs the tests counts as killed


def copy_repository(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".keras-home")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, target / name)


def pytest(copy: Path, tests: tuple[str, ...]) -> tuple[int, float]:
    """(pytest's exit status, seconds) for `tests` run in the copy; 124 on a timeout."""
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1", "KERAS_BACKEND": "torch"}
    env.pop("CI", None)
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                              cwd=copy, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=TIMEOUT)
        status = done.returncode
    except subprocess.TimeoutExpired:
        status = 124
    return status, time.perf_counter() - start


def apply(copy: Path, mutant: Mutant) -> str | None:
    """Write the mutant into the copy; its original text, or None if the row no longer matches the code."""
    path = copy / mutant.module
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    if text.count(mutant.original) != 1:
        return None
    path.write_text(text.replace(mutant.original, mutant.mutated), encoding="utf-8")
    return text


def chosen(names: list[str]) -> list[Mutant]:
    if not names:
        return MUTANTS
    picked = [m for m in MUTANTS if any(m.name == n or (n.endswith(".") and m.name.startswith(n)) for n in names)]
    unknown = [n for n in names if not any(m.name == n or (n.endswith(".") and m.name.startswith(n)) for m in MUTANTS)]
    if unknown:
        sys.exit(f"unknown mutant(s): {', '.join(unknown)} (see --list)")
    return picked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="mutant names, or prefixes ending in '.'")
    parser.add_argument("--list", action="store_true", help="print the table and stop")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated run of each selection")
    options = parser.parse_args()
    mutants = chosen(options.names)
    if options.list:
        for mutant in mutants:
            print(f"{mutant.name:<48} {mutant.module:<45} {' '.join(mutant.tests)}")
        return 0
    survivors, stale = [], []
    with tempfile.TemporaryDirectory(prefix="shapecalc-mutants-") as scratch:
        copy = Path(scratch)
        copy_repository(copy)
        if not options.no_baseline:
            for tests in dict.fromkeys(m.tests for m in mutants):
                status, seconds = pytest(copy, tests)
                print(f"baseline {' '.join(tests)}: {'ok' if status == 0 else f'FAILS (exit {status})'} "
                      f"({seconds:.0f} s)", flush=True)
                if status != 0:
                    return 2
        for mutant in mutants:
            original = apply(copy, mutant)
            if original is None:
                stale.append(mutant.name)
                print(f"STALE     {mutant.name}: its text is not once in {mutant.module}", flush=True)
                continue
            try:
                status, seconds = pytest(copy, mutant.tests)
            finally:
                (copy / mutant.module).write_text(original, encoding="utf-8")
            if status == 0:
                verdict = "equivalent" if mutant.name in EQUIVALENT else "SURVIVED"
                if mutant.name not in EQUIVALENT:
                    survivors.append(mutant.name)
            else:
                verdict = "killed" if status != 124 else "killed (timeout)"
            print(f"{verdict:<9} {mutant.name} ({seconds:.0f} s)", flush=True)
    print(f"\n{len(mutants)} mutants: {len(mutants) - len(survivors) - len(stale)} killed or equivalent, "
          f"{len(survivors)} survived, {len(stale)} stale")
    for name in survivors:
        print(f"  survived: {name}")
    for name, reason in EQUIVALENT.items():
        if any(m.name == name for m in mutants):
            print(f"  equivalent: {name}: {reason}")
    if stale:
        return 2
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
