"""SC202's accounting: whole pixels only, and every fix it offers works when the model is re-run with it.

Each fix in the message is applied to the file (another input size, a
padding layer at the end, a changed argument) and the model is analysed
again: its output must then have the input's spatial size. A fix that
leaves the output another wrong size (padding='same' giving 32 for 28) is
not offered.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from shapecalc.commands.pipeline import analyze_path

CASES = Path(__file__).parent / "cases"


def sc202(path: Path) -> list[str]:
    return [d.message for d in analyze_path(str(path)).diagnostics if d.code == "SC202"]


def output_spatial(data: dict, tmp_path: Path, layout: str) -> tuple:
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    outcome = analyze_path(str(path))
    assert outcome.analysis is not None and outcome.exit_code() == 0, [d.message for d in outcome.diagnostics]
    shape = outcome.analysis.rows[-1].main_shape
    return tuple(shape[2:]) if layout == "channels_first" else tuple(shape[1:-1])


def fixes_of(message: str) -> list[str]:
    return message.split(". Fix: ", 1)[1].split("; or ")


def apply(data: dict, fix: str) -> list[dict]:
    """The model file(s) a fix text describes."""
    if fix.startswith("an input of "):
        return [{**data, "input": yaml.safe_load(size)} for size in re.findall(r"\[[^\]]*\]", fix)]
    found = re.fullmatch(r"a (\w+)\((.+)\) at the end .*", fix)
    assert found, f"a fix this test cannot apply: {fix!r}"
    argument = yaml.safe_load(found[2].replace("(", "[").replace(")", "]"))
    key = "cropping" if found[1].startswith("Cropping") else "padding"
    return [{**data, "layers": [*data["layers"], {found[1]: {key: argument}}]}]


def test_every_offered_fix_restores_the_input_size(tmp_path):
    for name, layout in [("SC202_denoiser_24", "channels_last"), ("SC202_torch_denoiser_24", "channels_first")]:
        path = CASES / f"{name}.yaml"
        data = yaml.safe_load(path.read_text())
        (message,) = sc202(path)
        fixes = fixes_of(message)
        assert len(fixes) == 2, fixes  # the input sizes, and the padding at the end
        for fix in fixes:
            for variant in apply(data, fix):
                wanted = tuple(variant["input"][:-1] if layout == "channels_last" else variant["input"][1:])
                assert output_spatial(variant, tmp_path, layout) == wanted, fix


def test_a_tiling_change_that_leaves_another_wrong_size_is_not_offered():
    # padding='same' makes 7 -> 4, and three UpSampling2D(2) give 32: not the input's 28
    (message,) = sc202(CASES / "SC202_denoiser_24.yaml")
    assert "padding='same'" not in message
    (message,) = sc202(CASES / "SC202_torch_denoiser_24.yaml")
    assert "ceil_mode" not in message


def test_no_fractional_pixels(tmp_path):
    # 9 -> MaxPooling2D(2) -> 4 drops 1 pixel of stride 2; UpSampling2D(3) -> 12: a share of 1/2 * 3 = 1.5 pixels,
    # which no pixel count can be: the flooring does not account for 9 -> 12, and SC202 claims nothing
    path = tmp_path / "model.yaml"
    path.write_text("input: [9, 9, 1]\nlayers:\n  - MaxPooling2D: 2\n  - UpSampling2D: 3\n")
    assert sc202(path) == []


def test_quiet_after_a_permute():
    for name in ("SC202_quiet_after_permute_torch_m5", "SC202_quiet_after_permute_keras_m5"):
        assert sc202(CASES / f"{name}.yaml") == []
