"""`shapecalc fit` on the shipped specs: rules from worked arithmetic, and every proposal re-run through the engine.

The original U-Net (specs/unet.yaml): every 3x3 conv is 'valid' (-2), and
the crops are fixed. Write p4 = x for the map entering the bottleneck; going
back up, each level is twice the one below plus the 4 pixels its two convs
took: e4 = 2x, p3 = 2x + 4, e3 = 4x + 8, p2 = 4x + 12, e2 = 8x + 24,
p1 = 8x + 28, e1 = 16x + 56, H = 16x + 60, every pooling exact. The way up
gives d4 = 2(x - 4) - 4 = 2x - 12, d3 = 4x - 28, d2 = 8x - 60,
out = 16x - 124 = H - 184; the crops then match at every x (e4 - 8 = 2x - 8
= up4, e3 - 32 = 4x - 24 = up3, ...). Every size must stay positive:
d3 = 4x - 28 >= 1 needs x >= 8, so H = 16·8 + 60 = 188 + 16k, and
572 = 188 + 16·24 gives 572 - 184 = 388, the paper's tile.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from shapecalc.checks.analyzed import spatial
from shapecalc.commands.fit import run
from shapecalc.commands.pipeline import analyze_path
from shapecalc.fit.search import fit

ROOT = Path(__file__).resolve().parents[2]


def report_of(path: str | Path, low: int | None = None, high: int | None = None, ratio=None):
    outcome = analyze_path(str(path))
    assert outcome.spec is not None and outcome.analysis is not None
    return fit(outcome.spec, outcome.analysis, low, high, ratio)


def with_input(path: Path, shape: list, tmp_path: Path) -> Path:
    """The model file with its one input changed (comments dropped), as a user would edit it."""
    data = yaml.safe_load(path.read_text())
    if "input" in data:
        data["input"] = shape
    else:
        (name,) = data["inputs"]
        data["inputs"][name] = shape
    data.pop("expect", None)
    changed = tmp_path / f"{path.stem}_{'x'.join(str(d) for d in shape)}.yaml"
    changed.write_text(yaml.safe_dump(data, sort_keys=False))
    return changed


def summarize_says(path: Path) -> tuple[list[str], tuple]:
    """The codes of the errors and SC201s that the whole pipeline (summarize's) gives, and the output's spatial sizes."""
    outcome = analyze_path(str(path))
    assert outcome.analysis is not None
    codes = [d.code for d in outcome.diagnostics if d.severity.value == "error" or d.code == "SC201"]
    output = outcome.analysis.row(outcome.analysis.output_names[0])
    layout = "channels_first" if outcome.analysis.framework == "pytorch" else "channels_last"
    return codes, spatial(output.main_shape, layout) if output is not None else ()


def test_original_unet_tiles_are_188_plus_16k() -> None:
    report = report_of(ROOT / "specs/unet.yaml")
    assert (report.low, report.high) == (1, 1144)  # twice the declared 572
    for axis in report.axes:
        assert axis.valid == [188 + 16 * k for k in range((1144 - 188) // 16 + 1)]
        assert axis.rule.text(axis.label) == f"{axis.label} = 188 + 16k (k ≥ 0)"
        assert (axis.relation.ratio, axis.relation.offset, axis.relation.required) == (1, -184, False)
        assert axis.declared_verdict is None and axis.nearest == (556, 588)
    assert report.proposal == (572, 572, 1) and report.proposal_problems == []


@pytest.mark.parametrize(("spec", "modulus", "declared", "proposal"), [
    ("specs/unet_same.yaml", 16, (256, 256, 3), (256, 256, 3)),  # four 2x2 poolings, 'same' convs: 2^4
    ("specs/pytorch/unet.yaml", 16, (3, 256, 256), (3, 256, 256)),
    ("specs/denoiser.yaml", 4, (28, 28, 1), (28, 28, 1)),  # two poolings: 28 = 4·7 tiles
    ("specs/denoiser_24.yaml", 8, (28, 28, 1), (32, 32, 1)),  # three: 28 -> 14 -> 7 -> 3 floors; 24 and 32 are 4 away
])
def test_encoder_decoders_take_multiples_of_their_total_stride_and_give_the_input_back(
        spec: str, modulus: int, declared: tuple, proposal: tuple) -> None:
    report = report_of(ROOT / spec)
    assert report.declared == declared
    for axis in report.axes:
        assert axis.valid == list(range(modulus, report.high + 1, modulus))
        assert axis.rule.text(axis.label) == f"{axis.label} ≡ 0 (mod {modulus})"
        assert (axis.relation.ratio, axis.relation.offset, axis.relation.required) == (1, 0, True)
    assert report.proposal == proposal and report.proposal_problems == []


def test_denoiser_24_says_where_28_floors() -> None:
    report = report_of(ROOT / "specs/denoiser_24.yaml")
    for axis in report.axes:
        assert axis.declared_verdict.layer == "max_pooling2d_2" and axis.declared_verdict.problem == "floors"
        assert axis.nearest == (24, 32)


SWEPT = [  # spec, range: each size's verdict from the sweep against the whole pipeline's
    ("specs/unet.yaml", (184, 206)),  # 188 and 204 work, their neighbours do not
    ("specs/unet_same.yaml", (10, 34)),
    ("specs/pytorch/unet.yaml", (14, 34)),
    ("specs/denoiser_24.yaml", (1, 40)),
    ("specs/vgg16.yaml", (28, 66)),  # Flatten -> Dense: the other axis held at its declared 224
    ("specs/resnet50.yaml", (1, 12)),  # ZeroPadding before strided windows: padding pixels are not lost
    ("specs/conv1d_sequence.yaml", (1, 40)),
    ("specs/conv3d_volume.yaml", (1, 30))]


@pytest.mark.parametrize(("spec", "bounds"), SWEPT, ids=[s for s, _ in SWEPT])
def test_every_size_of_the_sweep_is_what_summarize_says(spec: str, bounds: tuple[int, int], tmp_path: Path) -> None:
    """The sweep's own walk against `summarize` on the rewritten file, size by size, per axis."""
    path = ROOT / spec
    report = report_of(path, *bounds)
    declared = list(report.declared)
    for axis in report.axes:
        for size in range(bounds[0], bounds[1] + 1):
            shape = list(declared)
            for other in report.axes:
                if other is not axis:
                    shape[other.position] = other.declared if axis.others_known else None
            shape[axis.position] = size
            codes, output = summarize_says(with_input(path, shape, tmp_path))
            index = report.axes.index(axis)
            relation = axis.relation
            keeps = (relation is None or not relation.required
                     or (len(output) == len(report.axes) and output[index] == relation.ratio * size))
            assert (size in axis.valid) == (not codes and keeps), (axis.label, size, codes, output)


@pytest.mark.parametrize("spec", ["specs/unet.yaml", "specs/denoiser_24.yaml", "specs/pytorch/unet.yaml",
                                  "specs/conv3d_volume.yaml", "specs/vgg16.yaml"])
def test_proposed_inputs_summarize_clean(spec: str, tmp_path: Path) -> None:
    """The proposal and the nearest sizes of each axis, all axes at once, re-run as a user would."""
    path = ROOT / spec
    report = report_of(path)
    candidates = [report.proposal]
    for axis in report.axes:
        for size in axis.nearest:
            if size is not None:
                shape = list(report.proposal)
                shape[axis.position] = size
                candidates.append(tuple(shape))
    for shape in candidates:
        codes, output = summarize_says(with_input(path, list(shape), tmp_path))
        assert codes == [], (shape, codes)
        for index, axis in enumerate(report.axes):
            relation = axis.relation
            if relation is not None:
                assert output[index] == relation.ratio * shape[axis.position] + relation.offset


def test_unknown_sizes_use_the_default_range_and_say_so(tmp_path: Path, capsys) -> None:
    path = with_input(ROOT / "specs/denoiser_24.yaml", [None, None, 1], tmp_path)
    assert run(str(path), "json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["unknown_sizes"] is True and document["range"] == [1, 1024]
    assert [a["rule"]["text"] for a in document["axes"]] == ["H ≡ 0 (mod 8)", "W ≡ 0 (mod 8)"]
    assert [a["nearest"] for a in document["axes"]] == [{"below": None, "above": 8}] * 2
    assert document["proposal"] == [8, 8, 1] and document["proposal_problems"] == []
    assert run(str(path), "text") == 0
    assert "unknown (null)" in capsys.readouterr().out


def test_unknown_sizes_before_a_flatten_are_swept_square(tmp_path: Path) -> None:
    """VGG16 with [null, null, 3]: a Dense after Flatten needs both sizes, so the other axis takes the swept
    size; five 2x2 poolings make it multiples of 32."""
    report = report_of(with_input(ROOT / "specs/vgg16.yaml", [None, None, 3], tmp_path), 1, 200)
    assert [a.valid for a in report.axes] == [[32, 64, 96, 128, 160, 192]] * 2
    assert report.proposal == (32, 32, 3) and report.proposal_problems == []
