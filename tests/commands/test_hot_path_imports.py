"""The hot path stays light: checking or summarizing a valid shipped spec imports none of the heavy modules.

A pre-commit hook pays every import on every commit. Full pydantic (about
100 ms) is for invalid files only, yaml for files outside the subset reader's
plain YAML, typer and Rich for the forms the fast path does not take. One
layer type the quick check could not compile (nn.Identity, which takes any
keyword) sent EfficientNet-B0 through pydantic, and a dotted key
(`ops.add:`) sent ConvNeXt and both MobileNetV3s through yaml: both doubled
those files' check time without changing a result. Measured with
`python -X importtime`, which names every module a process imports.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "specs").rglob("*.yaml"))
HEAVY = ("pydantic", "yaml", "typer", "rich", "click")


def imported(arguments: list[str]) -> set[str]:
    """The top-level names of every module `python -m shapecalc ARGUMENTS` imports (piped, one process)."""
    environment = {**os.environ, "SHAPECALC_JOBS": "1"}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "shapecalc", *arguments], cwd=ROOT,
                          capture_output=True, text=True, env=environment)
    assert done.returncode in (0, 1, 2), done.stderr[-2000:]  # 2: the file is invalid (SC0xx)
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in done.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def test_check_of_every_shipped_spec_imports_nothing_heavy() -> None:
    """`specs/residual_block_zh.yaml` included: names in Chinese are in the subset reader's plain YAML."""
    assert sorted(set(HEAVY) & imported(["check", *SPECS])) == []


@pytest.mark.parametrize("spec", ["specs/resnet50.yaml", "specs/convnext_tiny.yaml",
                                  "specs/pytorch/efficientnet_b0.yaml"])
def test_summarize_imports_nothing_heavy(spec: str) -> None:
    assert sorted(set(HEAVY) & imported(["summarize", spec])) == []


def test_the_measure_sees_an_import() -> None:
    """An invalid argument needs full pydantic: the measure must see it (else the tests above prove nothing)."""
    bad = ROOT / "tests" / "diagnostics" / "cases" / "SC004_invalid_value.yaml"
    assert "pydantic" in imported(["check", str(bad.relative_to(ROOT))])
