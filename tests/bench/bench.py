"""Benchmark: shapecalc as whole processes against the import floor, Keras and torchinfo, and at scale.

Run:  python tests/bench/bench.py [--runs 7] [--skip-peers] [--skip-scale] [--check]

Every figure is the median of several cold runs after one warm-up. Budgets
(reported as pass/SHORT; with --check the exit status is 1 when any budget
measured is broken, so a script or a release checklist can stop on it):
  - `summarize` of ResNet-50 at most 1.5x `python -c "import typer, rich, pydantic, yaml"`;
  - `check` on 100 model files in one call at most 2x that floor;
  - 100,000 layers summarized to JSON in under 5 s, and 100k/10k time at most 12;
  - cold `summarize` of ResNet-50 at most 4x `python -c pass`, `check` of one small file at most 3.5x
    (ratios of medians over interleaved runs; `--start-up` measures only these).

The package's bytecode is compiled first, as `pip install` compiles it for
every user (see `compile_bytecode`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from generate import write  # noqa: E402

PY = sys.executable
SHAPECALC = [PY, "-m", "shapecalc"]


def compile_bytecode() -> None:
    """Write the package's bytecode (`__pycache__`), as `pip install` does for every user.

    An editable checkout run with PYTHONDONTWRITEBYTECODE set (some sandboxes and
    CI images set it) has none, and then every run compiles some 60 modules
    from source: about half of a cold start, which no installed user pays.
    Bytecode is still read with that variable set, so compiling once here
    measures what users run.
    """
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "shapecalc")], check=True, stdout=subprocess.DEVNULL)


def measure(command: list[str], runs: int) -> tuple[float, int]:
    """Median wall time (s) and the largest peak RSS (KiB) of `runs` runs after one warm-up."""
    times, peaks = [], []
    for attempt in range(runs + 1):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if attempt:
            times.append(elapsed)
            peaks.append(usage.ru_maxrss)
    return statistics.median(times), max(peaks)


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, check=False)
    return time.perf_counter() - start


def start_up_ratios(runs: int) -> dict[str, float]:
    """Cold start against `python -c pass`, as ratios of medians over interleaved runs.

    Each round times the floor and every command once, in turn, so that a
    busy machine slows them alike and the ratios stay meaningful.
    """
    commands = {
        "python -c pass": [PY, "-c", "pass"],
        "summarize resnet50.yaml": [*SHAPECALC, "summarize", str(ROOT / "specs" / "resnet50.yaml")],
        "check denoiser_24.yaml": [*SHAPECALC, "check", str(ROOT / "specs" / "denoiser_24.yaml")],
    }
    times: dict[str, list[float]] = {label: [] for label in commands}
    for round_number in range(runs + 1):
        for label, command in commands.items():
            elapsed = wall_time(command)
            if round_number:  # the first round warms the caches
                times[label].append(elapsed)
    medians = {label: statistics.median(values) for label, values in times.items()}
    bare = medians["python -c pass"]
    return {label: seconds / bare for label, seconds in medians.items()} | {"bare seconds": bare}


def budget(text: str, ok: bool, broken: list[str]) -> str:
    """`text` with its verdict; a broken budget is also added to `broken` (what --check reports)."""
    if not ok:
        broken.append(text)
    return f"{text} {'pass' if ok else 'SHORT'}"


def report_start_up(runs: int, broken: list[str]) -> None:
    ratios = start_up_ratios(runs)
    print(f"  python -c pass (median of {runs} interleaved): {ratios['bare seconds'] * 1000:.1f} ms")
    summarize, check = ratios["summarize resnet50.yaml"], ratios["check denoiser_24.yaml"]
    print("  " + budget(f"summarize ResNet-50 / python -c pass: {summarize:.2f}x (budget 4x)  ", summarize <= 4, broken))
    print("  " + budget(f"check one small file / python -c pass: {check:.2f}x (budget 3.5x)", check <= 3.5, broken))


def hundred_files(folder: Path) -> list[str]:
    specs = sorted((ROOT / "specs").rglob("*.yaml"))
    paths = []
    for index in range(100):
        source = specs[index % len(specs)]
        target = folder / f"{index:03d}_{source.name}"
        shutil.copy(source, target)
        paths.append(str(target))
    return paths


def installed(*modules: str) -> bool:
    """Whether modules can be imported, without importing them: this process must stay small, since a
    child's peak memory as the kernel reports it includes the parent it was forked from."""
    from importlib.util import find_spec

    return all(find_spec(module) is not None for module in modules)


def keras_command() -> list[str] | None:
    if not installed("keras", "torch"):
        return None
    code = "import keras; m = keras.applications.ResNet50(weights=None); m.summary()"
    return ["env", "KERAS_BACKEND=torch", PY, "-c", code]


def torchinfo_command() -> list[str] | None:
    if not installed("torch", "torchinfo"):
        return None
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); import torchinfo; from torch_resnet50 import resnet50; "
        "torchinfo.summary(resnet50(), input_size=(1, 3, 224, 224))"
    )
    return [PY, "-c", code]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-peers", action="store_true", help="do not time Keras and torchinfo")
    parser.add_argument("--skip-scale", action="store_true", help="do not time the 1k/10k/100k-layer models")
    parser.add_argument("--start-up", action="store_true", help="only the cold-start ratios against python -c pass")
    parser.add_argument("--check", action="store_true", help="exit 1 if a budget measured is broken")
    options = parser.parse_args()
    runs = options.runs
    broken: list[str] = []
    compile_bytecode()
    if options.start_up:
        print("cold start, interleaved runs")
        report_start_up(max(runs, 15), broken)
        return verdict_of(broken, options.check)
    resnet = ROOT / "specs" / "resnet50.yaml"
    results: list[tuple[str, float, int]] = []

    def record(label: str, command: list[str], count: int = runs) -> float:
        seconds, peak = measure(command, count)
        results.append((label, seconds, peak))
        print(f"  {label:<52} {seconds * 1000:9.1f} ms {peak / 1024:8.1f} MiB", flush=True)
        return seconds

    print(f"shapecalc benchmark, {date.today().isoformat()}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    bare = record("python -c pass", [PY, "-c", "pass"])
    floor = record("floor: import typer, rich, pydantic, yaml", [PY, "-c", "import typer, rich, pydantic, yaml"])
    summarize = record("shapecalc summarize resnet50.yaml (table)", [*SHAPECALC, "summarize", str(resnet)])
    record("shapecalc summarize resnet50.yaml --format json", [*SHAPECALC, "summarize", str(resnet), "--format", "json"])
    specs = [str(p) for p in sorted((ROOT / "specs").rglob("*.yaml"))]
    record(f"shapecalc check on the {len(specs)} shipped specs", [*SHAPECALC, "check", *specs])
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        check100 = record("shapecalc check on 100 model files", [*SHAPECALC, "check", *hundred_files(folder)])
        peers: dict[str, float] = {}
        if not options.skip_peers:
            for label, command in (("Keras 3: ResNet50() + summary()", keras_command()),
                                   ("torchinfo: ResNet-50 summary()", torchinfo_command())):
                if command is not None:
                    peers[label] = record(label, command, max(3, runs // 2))
        scale: dict[tuple[str, int], float] = {}
        if not options.skip_scale:
            for kind in ("sequential", "graph"):
                for layers in (1_000, 10_000, 100_000):
                    path = write(folder, kind, layers)
                    count = 3  # the median of three: one run of 100,000 layers moved by 0.5 s on this machine
                    scale[(kind, layers)] = record(f"summarize --format json, {kind} {layers:,} layers",
                                                   [*SHAPECALC, "summarize", str(path), "--format", "json"], count)

    print("\ncold start, interleaved runs")
    report_start_up(max(runs, 15), broken)
    print("\nratios and budgets")
    print("  " + budget(f"summarize ResNet-50 / floor import: {summarize / floor:.2f}x (budget 1.5x)",
                        summarize <= 1.5 * floor, broken))
    print("  " + budget(f"check 100 files / floor import:     {check100 / floor:.2f}x (budget 2x)  ",
                        check100 <= 2 * floor, broken))
    print(f"  floor import / python -c pass:      {floor / bare:.2f}x")
    for label, seconds in peers.items():
        print(f"  {label}: {seconds / summarize:.1f}x slower than shapecalc summarize")
    for kind in ("sequential", "graph"):
        if (kind, 100_000) in scale:
            big, mid = scale[(kind, 100_000)], scale[(kind, 10_000)]
            print("  " + budget(f"{kind} 100k layers: {big:.2f} s (budget 5 s)", big < 5, broken) + "; "
                  + budget(f"100k/10k = {big / mid:.1f} (budget 12)", big / mid <= 12, broken))
    return verdict_of(broken, options.check)


def verdict_of(broken: list[str], check: bool) -> int:
    """The exit status: 1 when --check is given and a budget is broken (listed on stderr)."""
    if check and broken:
        print(f"\n{len(broken)} budget(s) broken:", *broken, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
