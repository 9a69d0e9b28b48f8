"""`summarize -` and `check -` read the model from standard input, as most command-line tools do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shapecalc(*args: str, text: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "shapecalc", *args], input=text, capture_output=True, text=True,
                          env=env, cwd=ROOT)


def test_check_dash_reads_standard_input_and_locates_problems_in_it() -> None:
    done = shapecalc("check", "-", text=(ROOT / "specs" / "denoiser_24.yaml").read_text(encoding="utf-8"))
    # the 24x24 denoiser: 28 -> 14 -> 7 -> 3 floors at the third pooling layer, written on line 17
    assert done.returncode == 0
    assert done.stdout.startswith("-:17:5: warning[SC201] max_pooling2d_2 floors 7x7 -> 3x3")


def test_summarize_dash_gives_the_json_of_the_text_it_was_given() -> None:
    text = "input: [28, 28, 1]\nlayers:\n  - Conv2D: {filters: 4, kernel_size: 3}\n"
    document = json.loads(shapecalc("summarize", "-f", "json", "-", text=text).stdout)
    # 28 - 3 + 1 = 26; params 3*3*1*4 + 4 = 40
    assert [(row["output_shape"], row["params"]) for row in document["layers"]] == [([None, 26, 26, 4], 40)]


def test_empty_standard_input_is_an_empty_file() -> None:
    done = shapecalc("check", "-", text="")
    assert (done.returncode, done.stdout.split(": ")[0]) == (2, "-:1:1")
