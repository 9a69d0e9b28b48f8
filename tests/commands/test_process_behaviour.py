"""What users rely on from the shapecalc process itself, run as they run it (`python -m shapecalc ...`).

The JSON contract of SPEC §3 at command level, `--version`, a reader that
goes away (`| head`: exit 0, nothing on stderr), Ctrl-C (exit 130, one line,
no traceback), a narrow terminal (`COLUMNS=60`: piped, nothing changes; on a
terminal, every row within 60 columns) and file names that are not UTF-8 (written back byte for byte).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile.test_terminal import _read_terminal, plain

ROOT = Path(__file__).resolve().parents[2]
SHAPECALC = [sys.executable, "-m", "shapecalc"]

# SPEC §3, and the per-layer and top-level additions SPEC §6 names (costs, blocks): nothing else
TOP_KEYS = {"model", "framework", "layers", "total_params", "trainable_params", "non_trainable_params", "diagnostics"}
TOP_ADDITIONS = {"total_macs", "input_bytes", "forward_pass_bytes", "param_bytes", "estimated_total_bytes"}
LAYER_KEYS = {"name", "type", "output_shape", "params", "trainable_params", "non_trainable_params", "inputs"}
LAYER_ADDITIONS = {"macs", "receptive_field", "effective_stride", "block", "output_bytes"}
DIAGNOSTIC_KEYS = {"severity", "code", "layer", "message", "line", "column"}


def run(*args: str | bytes, **options) -> subprocess.CompletedProcess:
    return subprocess.run([*SHAPECALC, *args], capture_output=True, cwd=ROOT, timeout=120, **options)


def dense_stack(path: Path, layers: int) -> Path:
    path.write_text("input: [4]\nlayers:\n" + "  - Dense: 4\n" * layers)
    return path


@pytest.mark.parametrize("spec", ["specs/denoiser_24.yaml", "specs/unet.yaml"])
def test_json_document_has_exactly_the_spec_keys(spec: str) -> None:
    """denoiser_24: a sequential model with two warnings; unet: a graph (InputLayer rows, `inputs`)."""
    done = run("summarize", "--format", "json", spec, text=True)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)  # exactly one document: json.loads refuses anything after it
    assert TOP_KEYS <= document.keys() <= TOP_KEYS | TOP_ADDITIONS
    assert document["total_params"] == document["trainable_params"] + document["non_trainable_params"]
    for layer in document["layers"]:
        assert LAYER_KEYS <= layer.keys() <= LAYER_KEYS | LAYER_ADDITIONS, layer["name"]
        assert layer["output_shape"][0] is None  # the batch axis, unknown
        assert isinstance(layer["inputs"], list)
    assert sum(layer["params"] for layer in document["layers"]) == document["total_params"]
    for diagnostic in document["diagnostics"]:
        assert diagnostic.keys() == DIAGNOSTIC_KEYS
        assert diagnostic["severity"] in ("error", "warning", "info")
        assert diagnostic["line"] >= 1 and diagnostic["column"] >= 1


def test_json_diagnostics_of_the_denoiser() -> None:
    """28 -> 14 -> 7 -> 3 by three 2x2 pools (7 = 2*3 + 1: a row and a column lost), then 3*2*2*2 = 24;
    the sixth Conv2D (conv2d_5, line 25) makes the output that is smaller than the input."""
    document = json.loads(run("summarize", "--format", "json", "specs/denoiser_24.yaml", text=True).stdout)
    assert [(d["severity"], d["code"], d["layer"], d["line"], d["column"]) for d in document["diagnostics"]] == [
        ("warning", "SC201", "max_pooling2d_2", 17, 5), ("warning", "SC202", "conv2d_5", 25, 5)]
    assert document["layers"][-1]["output_shape"] == [None, 24, 24, 1]


def test_version() -> None:
    """The version pyproject.toml declares, first on the line (what follows says where it runs from)."""
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    done = run("--version", text=True)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"shapecalc {declared}") and done.stdout.count("\n") == 1


def test_a_reader_that_goes_away_is_not_an_error(tmp_path: Path) -> None:
    """`shapecalc summarize big.yaml | head -1`: far more than a pipe holds, and the reader stops."""
    path = dense_stack(tmp_path / "big.yaml", 3000)
    process = subprocess.Popen([*SHAPECALC, "summarize", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=ROOT)
    assert process.stdout.read(200).startswith(b'Model: "sequential"')
    process.stdout.close()
    stderr = process.stderr.read()
    assert (process.wait(timeout=120), stderr) == (0, b"")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see the process at work")
def test_ctrl_c_exits_130_with_one_line(tmp_path: Path) -> None:
    """The interrupt is sent once the process has spent a second of CPU (well past start-up, inside
    the analysis of 60,000 layers), so the test does not depend on how loaded the machine is."""
    path = dense_stack(tmp_path / "long.yaml", 60_000)
    process = subprocess.Popen([*SHAPECALC, "summarize", "--format", "json", str(path)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, cwd=ROOT)
    deadline = time.monotonic() + 120
    while process.poll() is None and cpu_seconds(process.pid) < 1.0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "finished before it could be interrupted: give it more layers"
    process.send_signal(signal.SIGINT)
    stderr = process.stderr.read().decode()
    assert (process.wait(timeout=60), stderr) == (130, "shapecalc: interrupted\n")


def test_columns_60_changes_nothing_when_piped() -> None:
    golden = (ROOT / "tests/golden/summaries/mlp_mnist.txt").read_text(encoding="utf-8")
    assert max(map(len, golden.splitlines())) > 60
    done = run("summarize", "specs/mlp_mnist.yaml", text=True, env={**os.environ, "COLUMNS": "60"})
    assert (done.returncode, done.stdout) == (0, golden)


def test_a_60_column_terminal_gets_every_row_within_its_width() -> None:
    """As Keras does, a table wider than the terminal has its columns shrunk and long cells wrapped: no line
    passes 60 columns, and every row, unwrapped, says what the piped golden says; the totals are whole."""
    from tests.golden.keras_print import _our_rows, as_shapecalc_draws

    golden = (ROOT / "tests/golden/summaries/mlp_mnist.txt").read_text(encoding="utf-8")
    code, output = _read_terminal([*SHAPECALC, "summarize", "specs/mlp_mnist.yaml"], columns=60)
    assert code == 0, output
    assert "\x1b[" in output, "summarize did not take the terminal path"
    shown = plain(output).replace("\r\n", "\n")
    assert max(len(line) for line in shown.splitlines()) <= 60
    assert _our_rows(as_shapecalc_draws(shown, golden)) == _our_rows(golden)
    totals = [line for line in golden.splitlines() if line.startswith(" ")]
    assert [line for line in shown.splitlines() if line.startswith(" ")] == totals


def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    """Linux file names are bytes: the name is read, and written back as the same bytes."""
    name = os.fsencode(tmp_path) + b"/bad_\xff_name.yaml"
    with open(name, "w") as handle:
        handle.write("input: [8]\nlayers:\n  - Dense: {units: 0}\n")
    done = run("check", name)
    assert done.returncode == 2, done.stderr
    assert done.stdout.startswith(name + b":3:")
    assert done.stderr == b""
    summary = run("summarize", name)
    assert summary.returncode == 2 and name in summary.stdout + summary.stderr
