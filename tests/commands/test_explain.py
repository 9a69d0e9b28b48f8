"""`shapecalc explain`: every layer's arithmetic written out with the numbers, plain when piped, coloured on a terminal.

Expected lines are worked by hand: Keras 'same' for k=3, s=1 on 28 pads
((28-1)*1 + 3 - 28) = 2 pixels, 1 each side; a 3x3 conv from 1 to 32 channels
has 3*3*1*32 weights + 32 biases = 320 (Keras's summary says 320).
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from shapecalc.cli import app

ROOT = Path(__file__).resolve().parents[2]
DENOISER = str(ROOT / "specs" / "denoiser_24.yaml")


def explain(*args: str):
    return CliRunner().invoke(app, ["explain", *args])


def test_every_layer_with_its_numbers() -> None:
    result = explain(DENOISER)
    assert result.exit_code == 0  # warnings only
    out = result.stdout
    assert "conv2d (Conv2D)  line 9:5" in out
    assert "  H: floor((28 + 1 + 1 - 3) / 1) + 1 = 28" in out
    assert "  params: 3*3*1*32 + 32 = 320" in out
    assert "  H: floor((7 - 2) / 2) + 1 = 3" in out  # max_pooling2d_2
    assert "  H: 3 * 2 = 6" in out  # up_sampling2d
    assert "Total params: 12,201" in out
    assert "\x1b[" not in out  # piped: no colour codes


def test_one_layer_with_its_diagnostic() -> None:
    result = explain(DENOISER, "--layer", "max_pooling2d_2")
    lines = result.stdout.splitlines()
    assert lines[2] == "max_pooling2d_2 (MaxPooling2D)  line 17:5"
    assert "  input   (None, 7, 7, 8)" in lines
    assert "  output  (None, 3, 3, 8)" in lines
    assert any("warning[SC201]" in line for line in lines)
    assert "conv2d (Conv2D)" not in result.stdout


def test_unknown_layer_exits_2_with_a_suggestion() -> None:
    result = explain(DENOISER, "--layer", "max_pooling2d_9")
    assert result.exit_code == 2
    assert "did you mean" in result.output


def test_failed_layer_shows_its_arithmetic_and_exit_1() -> None:
    result = explain(str(ROOT / "tests/diagnostics/cases/SC101_kernel_larger_than_input.yaml"))
    assert result.exit_code == 1
    assert "not computed" in result.stdout
    assert "floor((2 - 3) / 1) + 1 = 0" in result.stdout


def test_invalid_file_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("input: [28, 28, 1]\nlayers:\n  - Conv2d: {filters: 8}\n")
    result = explain(str(bad))
    assert result.exit_code == 2
    assert "SC002" in result.output and "Traceback" not in result.output


def run_on_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run shapecalc with stdout on a pseudo-terminal, as a user at a terminal would."""
    main, child = pty.openpty()
    base = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    process = subprocess.Popen([sys.executable, "-m", "shapecalc", *args], stdout=child, stderr=child,
                               env={**base, "TERM": "xterm-256color", **env}, cwd=ROOT)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=60)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_and_none_with_no_color() -> None:
    coloured = run_on_terminal(["explain", DENOISER, "--layer", "conv2d"], {})
    assert "\x1b[" in coloured
    plain = run_on_terminal(["explain", DENOISER, "--layer", "conv2d"], {"NO_COLOR": "1"})
    assert "\x1b[" not in plain
    assert "params: 3*3*1*32 + 32 = 320" in plain


def test_user_text_is_never_markup(tmp_path: Path) -> None:
    model = tmp_path / "markup.yaml"
    model.write_text("framework: pytorch\ninput: [4]\nlayers:\n"
                     "  - Linear: {in_features: 4, out_features: 2, name: '[bold red]x[/]'}\n")  # Keras refuses `/`
    shown = run_on_terminal(["explain", str(model)], {})
    assert "[bold red]x[/] (Linear)" in shown


def test_batchnorm_names_the_vectors_it_keeps() -> None:
    """specs/batchnorm_variants.yaml: center=false keeps gamma only, scale=false keeps beta only; each
    also keeps a moving mean and variance (Keras's BatchNormalization weights), 16 and 10 features."""
    spec = str(ROOT / "specs" / "batchnorm_variants.yaml")
    gamma_only = explain(spec, "--layer", "batch_normalization")
    assert "params: 1*16 (gamma) + 2*16 (moving_mean, moving_variance) = 48 (16 trainable, 32 non-trainable)" in (
        gamma_only.stdout)
    beta_only = explain(spec, "--layer", "batch_normalization_2")
    assert "params: 1*10 (beta) + 2*10 (moving_mean, moving_variance) = 30 (10 trainable, 20 non-trainable)" in (
        beta_only.stdout)
