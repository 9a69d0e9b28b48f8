"""Accepting a diagnostic: `# shapecalc: ignore[...]` comments, --ignore/--select, `[tool.shapecalc]` configuration.

The model is the standard Keras CIFAR-10 CNN: 32 -> conv 3 -> 30 -> pool 2 -> 15
-> conv 3 -> 13 -> pool 2 -> 6, so the second pooling layer floors 13 -> 6
(one row and column never read: (13 - 2) mod 2 = 1), an SC201 warning.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CIFAR = """\
input: [32, 32, 3]
layers:
  - Conv2D: {{filters: 32, kernel_size: 3}}
  - MaxPooling2D: 2
  - Conv2D: {{filters: 64, kernel_size: 3}}
  - MaxPooling2D: 2{second}
  - Flatten
  - Dense: 10
{tail}"""

BROKEN = """\
input: [4, 4, 1]
layers:
  - MaxPooling2D: 3       # shapecalc: ignore
  - Conv2D: {filters: 8, kernel_size: 3}   # shapecalc: ignore[SC101]
"""


def shapecalc(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "shapecalc", *args], capture_output=True, text=True, cwd=cwd, env=env)


def model(folder: Path, second: str = "", tail: str = "", name: str = "model.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CIFAR.format(second=second, tail=tail), encoding="utf-8")
    return path


def codes(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line.split("[", 1)[1].split("]", 1)[0] for line in done.stdout.splitlines() if "[SC" in line]


def test_unsuppressed_cifar_cnn_fails_strict_with_sc201_at_the_second_pool(tmp_path: Path) -> None:
    done = shapecalc("check", "--strict", str(model(tmp_path)))
    assert (done.returncode, codes(done)) == (1, ["SC201"])
    assert ":6:5: warning[SC201]" in done.stdout and "13x13 -> 6x6" in done.stdout


@pytest.mark.parametrize("comment", ["  # shapecalc: ignore[SC201]", "  #shapecalc: ignore[SC2]",
                                     "  # shapecalc: ignore[ sc201 ]", "  # shapecalc: ignore"])
def test_inline_comment_on_the_layer_line_accepts_its_warning(tmp_path: Path, comment: str) -> None:
    done = shapecalc("check", "--strict", str(model(tmp_path, second=comment)))
    assert (done.returncode, done.stdout) == (0, "")


def test_inline_comment_for_another_code_accepts_nothing(tmp_path: Path) -> None:
    done = shapecalc("check", "--strict", str(model(tmp_path, second="  # shapecalc: ignore[SC301]")))
    assert done.returncode == 1
    assert sorted(codes(done)) == ["SC201", "SC220"]


def test_file_comment_anywhere_accepts_the_code_everywhere(tmp_path: Path) -> None:
    done = shapecalc("check", "--strict", str(model(tmp_path, tail="# shapecalc: ignore-file[SC201]\n")))
    assert (done.returncode, done.stdout) == (0, "")


def test_unused_suppression_is_reported_only_under_strict(tmp_path: Path) -> None:
    path = model(tmp_path, second="  # shapecalc: ignore[SC201]", tail="# shapecalc: ignore-file[SC302]\n")
    assert shapecalc("check", str(path)).stdout == ""
    strict = shapecalc("check", "--strict", str(path))
    assert strict.returncode == 1
    assert strict.stdout.strip() == f"{path}:9:1: warning[SC220] suppression of SC302 suppresses nothing here: remove it"


def test_errors_are_never_suppressed(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    done = shapecalc("check", str(path))
    # 4 -> pool 3 -> 1 (floors: (4 - 3) mod 3 = 1, accepted by the bare comment); conv 3 on 1: 1 - 3 + 1 = -1
    assert done.returncode == 1
    assert codes(done) == ["SC101"]


def test_summary_and_json_leave_suppressed_diagnostics_out(tmp_path: Path) -> None:
    path = model(tmp_path, second="  # shapecalc: ignore[SC201]")
    document = json.loads(shapecalc("summarize", "-f", "json", str(path)).stdout)
    assert document["diagnostics"] == []
    assert "SC201" not in shapecalc("summarize", str(path)).stdout


@pytest.mark.parametrize(("options", "expected"), [
    (["--ignore", "SC201"], []), (["--ignore=SC2"], []), (["--ignore", "SC3,SC201"], []),
    (["--ignore", "SC3", "--ignore", "SC201"], []), (["--select", "SC3"], []), (["--select", "SC201"], ["SC201"]),
    (["--select", "sc2"], ["SC201"]),
])
def test_command_line_ignore_and_select_take_codes_and_prefixes(tmp_path: Path, options: list[str],
                                                                expected: list[str]) -> None:
    done = shapecalc("check", "--strict", *options, str(model(tmp_path)))
    assert (codes(done), done.returncode) == (expected, 1 if expected else 0)


def test_an_option_value_that_is_no_code_is_a_usage_error(tmp_path: Path) -> None:
    done = shapecalc("check", "--ignore", "E501", str(model(tmp_path)))
    assert done.returncode == 2 and "'E501' is not a diagnostic code" in done.stderr


def test_nearest_pyproject_configures_its_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.shapecalc]\nignore = ["SC201"]\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")  # no section: passed over
    done = shapecalc("check", "--strict", str(model(tmp_path / "sub" / "models")))
    assert (done.returncode, done.stdout) == (0, "")


@pytest.mark.parametrize("text", ['[tool."shapecalc"]\nignore = ["SC201"]\n', 'tool.shapecalc.ignore = ["SC201"]\n', '[tool]\nshapecalc = {ignore = ["SC201"]}\n',
                                  '[tool]\nshapecalc.ignore = ["SC201"]\n', '[ tool . shapecalc ]\nignore = ["SC201"]\n'])
def test_every_toml_spelling_of_the_table_is_read(tmp_path: Path, text: str) -> None:
    """pyproject.toml is parsed only when some `shapecalc` is followed by `]`, `.` or `=`: every way TOML
    spells the table is."""
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    done = shapecalc("check", "--strict", str(model(tmp_path)))
    assert (done.returncode, done.stdout) == (0, "")


def test_a_pyproject_without_the_table_is_not_parsed(tmp_path: Path) -> None:
    """A project's pyproject.toml that names no shapecalc table is none of our business, even broken."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shapecalc"\n[project.scripts]\nshapecalc = "x:main"\n'
                                             '[tool.ruff]\nline-length = "unclosed\n', encoding="utf-8")
    done = shapecalc("check", str(model(tmp_path)))
    assert (done.returncode, done.stderr) == (0, "")


def test_configuration_strict_and_per_file_ignores(tmp_path: Path) -> None:
    (tmp_path / "shapecalc.toml").write_text(
        'strict = true\n[per-file-ignores]\n"legacy/*.yaml" = ["SC201"]\n', encoding="utf-8")
    legacy = model(tmp_path / "legacy")
    current = model(tmp_path / "current")
    assert shapecalc("check", str(legacy)).returncode == 0
    done = shapecalc("check", str(current))  # strict from the configuration: the warning fails
    assert (done.returncode, codes(done)) == (1, ["SC201"])


@pytest.mark.parametrize("text", ['[tool.shapecalc]\nignore = "SC201\n', '[tool.shapecalc]\nignor = ["SC201"]\n',
                                  '[tool.shapecalc]\nignore = ["W1"]\n', '[tool.shapecalc]\nstrict = "yes"\n'])
def test_a_broken_configuration_is_exit_2_naming_the_file(tmp_path: Path, text: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    done = shapecalc("check", str(model(tmp_path)))
    assert done.returncode == 2
    assert str(tmp_path / "pyproject.toml") in done.stderr and "Traceback" not in done.stderr


def test_dash_h_is_help_and_version_names_the_installed_location() -> None:
    assert "Usage:" in shapecalc("-h").stdout
    assert "Usage:" in shapecalc("summarize", "-h").stdout
    version = shapecalc("--version")
    import shapecalc as package

    assert version.returncode == 0
    assert version.stdout.strip() == f"shapecalc {package.__version__} from {Path(package.__file__).parent}"
