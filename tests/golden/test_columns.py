"""`summarize --columns`: golden tables for a choice of columns, their cells by worked arithmetic, and refusals.

The goldens (tests/golden/columns/*.txt, rewritten by `--update-goldens`) are
held to more than themselves: Keras's own columns asked for by name give the
Keras-checked default golden byte for byte, each cell checked below is worked
out by hand, and the numeric columns of every golden agree with the JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden.goldens import ROOT, golden_path
from tests.hostile.test_terminal import _read_terminal, plain

COLUMN_GOLDENS = Path(__file__).resolve().parent / "columns"
SHAPECALC = [sys.executable, "-m", "shapecalc"]
DENOISER = "specs/denoiser_24.yaml"
UNET = "specs/unet.yaml"

CASES = {  # golden name -> (spec, --columns)
    "denoiser_24__costs": (DENOISER, "output_shape,params,macs,receptive_field,kernel_size,params_percent,trainable"),
    "unet__reordered": (UNET, "trainable,connected_to,macs,effective_stride,output_bytes"),
    "pytorch__resnet18__depth1": ("specs/pytorch/resnet18.yaml", "input_shape,output_shape,macs,params_percent"),
}


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SHAPECALC, *args], capture_output=True, text=True, cwd=cwd, env=_plain_env(), timeout=120)


def _plain_env() -> dict[str, str]:
    import os

    return {**os.environ, "NO_COLOR": "1"}


def table(spec: str, columns: str, *extra: str) -> str:
    done = run("summarize", spec, "--columns", columns, *extra)
    assert done.returncode == 0, done.stderr
    return done.stdout


def cells(text: str) -> dict[str, list[str]]:
    """Each row of a drawn table by its name: the cells after "Layer (type)"."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("│ "):
            parts = [part.strip() for part in line.strip("│").split("│")]
            rows[parts[0].partition(" (")[0]] = parts[1:]
    return rows


@pytest.mark.parametrize("name", list(CASES))
def test_columns_golden(name: str, update_goldens: bool) -> None:
    spec, columns = CASES[name]
    extra = ("--depth", "1") if name.endswith("depth1") else ()
    produced = table(spec, columns, *extra)
    path = COLUMN_GOLDENS / f"{name}.txt"
    if update_goldens:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(produced, encoding="utf-8")
    assert produced == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("spec", "columns"), [(DENOISER, "output_shape,params"),
                                               (UNET, "output_shape,params,connected_to")])
def test_keras_columns_by_name_give_the_default_table(spec: str, columns: str) -> None:
    """Asked for by name, Keras's columns give exactly the default golden (checked against Keras itself)."""
    assert table(spec, columns) == golden_path(ROOT / spec).read_text(encoding="utf-8")


def test_denoiser_cells_by_worked_arithmetic() -> None:
    """conv2d: 28*28*32 outputs x 1 channel x 3*3 = 225,792 MACs; sees 3x3; 320 of 12,201 params = 2.62%.
    max_pooling2d: a 2x2 window of stride 2 widens 3 to 3 + (2-1)*1 = 4. conv2d_1: 14*14*16 x 32 x 9 =
    903,168 MACs; sees 4 + (3-1)*2 = 8; 4,624 / 12,201 = 37.90%. activation: no params, so '-' twice."""
    rows = cells(table(DENOISER, "macs,receptive_field,kernel_size,params_percent,trainable"))
    assert rows["conv2d"] == ["225,792", "3x3", "3x3", "2.62%", "True"]
    assert rows["activation"] == ["0", "3x3", "-", "-", "-"]
    assert rows["max_pooling2d"] == ["0", "4x4", "2x2", "-", "-"]
    assert rows["conv2d_1"] == ["903,168", "8x8", "3x3", "37.90%", "True"]


def test_trainable_words(tmp_path: Path) -> None:
    """torchinfo's words: a frozen Dense is False; a Keras BatchNormalization, whose moving mean and variance
    are non-trainable weights, is Partial (2*4 trainable, 2*4 not); a layer without params is '-'."""
    spec = tmp_path / "frozen.yaml"
    spec.write_text("input: [4]\nlayers:\n  - Dense: {units: 4, trainable: false}\n  - BatchNormalization\n"
                    "  - Activation: relu\n  - Dense: 2\n")
    rows = cells(table(str(spec), "trainable,params"))
    assert rows == {"dense": ["False", "20"], "batch_normalization": ["Partial", "16"],
                    "activation": ["-", "0"], "dense_1": ["True", "10"]}


@pytest.mark.parametrize("name", [name for name in CASES if not name.endswith("depth1")])  # folded rows: below
def test_numeric_columns_agree_with_the_json(name: str) -> None:
    spec, columns = CASES[name]
    document = json.loads(run("summarize", spec, "-f", "json").stdout)
    names = columns.split(",")
    rows = cells((COLUMN_GOLDENS / f"{name}.txt").read_text(encoding="utf-8"))
    assert len(rows) == len(document["layers"])
    for layer in document["layers"]:
        shown = dict(zip(names, rows[layer["name"]], strict=True))
        if "macs" in shown:
            assert int(shown["macs"].replace(",", "")) == layer["macs"]
        if "params" in shown:
            assert int(shown["params"].replace(",", "")) == layer["params"]
        if "params_percent" in shown and layer["params"]:
            assert shown["params_percent"] == f"{layer['params'] / document['total_params']:.2%}"
        for key in ("receptive_field", "effective_stride"):
            if key in shown:
                assert shown[key] == ("-" if layer[key] is None else "x".join(map(str, layer[key])))


def test_resnet18_folded_rows_hold_their_layers_costs() -> None:
    """--depth 1 folds each stage into one row; its MACs are its layers' (the JSON's) added up, and the
    MACs column still adds up to the total."""
    document = json.loads(run("summarize", "specs/pytorch/resnet18.yaml", "-f", "json").stdout)
    rows = cells((COLUMN_GOLDENS / "pytorch__resnet18__depth1.txt").read_text(encoding="utf-8"))
    layer2 = sum(layer["macs"] for layer in document["layers"] if layer["name"].startswith("layer2_"))
    assert int(rows["layer2"][2].replace(",", "")) == layer2
    assert sum(int(row[2].replace(",", "")) for row in rows.values()) == document["total_macs"]


@pytest.mark.parametrize("value", ["output_shape,flops", "Layer", "params,,bogus"])
def test_an_unknown_column_is_refused_with_the_valid_names(value: str) -> None:
    from shapecalc.render.columns import COLUMNS

    for output in ("table", "json"):
        done = run("summarize", DENOISER, "--columns", value, "-f", output)
        assert done.returncode == 2
        assert done.stdout == ""
        bad = [name for name in value.lower().split(",") if name and name not in COLUMNS][0]
        assert done.stderr == (f"shapecalc: --columns {bad!r} is not a column; valid columns: "
                               f"{', '.join(COLUMNS)}\n")
        assert "Traceback" not in done.stderr


def test_no_column_named_is_refused() -> None:
    done = run("summarize", DENOISER, "--columns", ",")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "shapecalc: --columns names no column\n")


def test_json_carries_every_figure_whatever_the_columns() -> None:
    assert run("summarize", DENOISER, "-f", "json", "--columns", "macs").stdout == run(
        "summarize", DENOISER, "-f", "json").stdout


def test_configuration_chooses_columns_and_the_command_line_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.shapecalc]\ncolumns = ["macs", "params"]\n')
    spec = tmp_path / "model.yaml"
    spec.write_text("input: [8]\nlayers:\n  - Dense: 4\n")
    assert "┃ Layer (type)                ┃ MACs ┃ Param # ┃" in table(str(spec), "macs,params")
    configured = run("summarize", str(spec)).stdout
    assert configured == table(str(spec), "macs,params")
    assert cells(configured) == {"dense": ["32", "36"]}  # 8 x 4 MACs; 8*4 + 4 params
    assert cells(table(str(spec), "trainable")) == {"dense": ["True"]}


def test_configuration_with_an_unknown_column_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.shapecalc]\ncolumns = ["flops"]\n')
    spec = tmp_path / "model.yaml"
    spec.write_text("input: [8]\nlayers:\n  - Dense: 4\n")
    done = run("summarize", str(spec))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"{config}: `columns`: 'flops' is not a column; valid columns: output_shape, ")
    config.write_text("[tool.shapecalc]\ncolumns = 3\n")
    done = run("summarize", str(spec))
    assert (done.returncode, done.stderr) == (2, f"{config}: `columns` must be a list of column names such as "
                                                 "[\"output_shape\", \"macs\"]\n")


def test_a_60_column_terminal_fits_chosen_columns() -> None:
    """Rich shrinks and wraps the chosen columns as it does Keras's: no line of the table or the totals passes
    60 columns (the diagnostics after them are long lines, wrapped by the terminal itself)."""
    code, output = _read_terminal([*SHAPECALC, "summarize", DENOISER, "--columns", "output_shape,macs,receptive_field,"
                                   "trainable"], columns=60)
    assert code == 0, output
    assert "\x1b[" in output, "summarize did not take the terminal path"
    shown = plain(output).replace("\r\n", "\n")
    summary = shown.partition("\n\n")[0]
    assert "Total MACs" in summary
    assert max(len(line) for line in summary.splitlines()) <= 60
    assert "Receptiv" in summary and "(None, 28," in summary


def test_readme_lists_every_column_and_shows_the_golden() -> None:
    """The README's column table names every column, in order; its example is the golden's first rows."""
    from shapecalc.render.columns import COLUMNS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.partition("## Costs in the table: `--columns`")[2].partition("\n## ")[0]
    listed = [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")]
    assert listed == list(COLUMNS)
    example = section.partition("```console\n")[2].partition("```")[0].splitlines()
    golden = (COLUMN_GOLDENS / "denoiser_24__costs.txt").read_text(encoding="utf-8").splitlines()
    assert example[0] == f"$ shapecalc summarize {DENOISER} --columns {CASES['denoiser_24__costs'][1]}"
    assert example[1:-1] == golden[1:len(example) - 1] and example[-1] == "..."
