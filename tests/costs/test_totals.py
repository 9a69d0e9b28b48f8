"""Whole-model MAC totals: torchvision's ResNet-50 layout written as a model file gives fvcore's 4,111,512,576,
and the summary's last total line says it as papers do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from shapecalc.commands.pipeline import analyze_path
from shapecalc.render.summary import readable_count

ROOT = Path(__file__).resolve().parents[2]


def resnet50_file(folder: Path) -> Path:
    """tests/bench/torch_resnet50.py's network as a `framework: pytorch` graph (same layers, same order)."""
    layers: list[dict[str, Any]] = [
        {"Conv2d": {"name": "stem", "in_channels": 3, "out_channels": 64, "kernel_size": 7, "stride": 2, "padding": 3,
                    "bias": False}},
        {"BatchNorm2d": 64}, {"ReLU": {}}, {"MaxPool2d": {"kernel_size": 3, "stride": 2, "padding": 1, "name": "pool"}},
    ]
    previous, inplanes = "pool", 64
    for stage, (planes, blocks, stride) in enumerate(((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2))):
        for index in range(blocks):
            step, name = (stride if index == 0 else 1), f"s{stage}b{index}"
            shortcut = previous
            if step != 1 or inplanes != planes * 4:
                layers += [{"Conv2d": {"in_channels": inplanes, "out_channels": planes * 4, "kernel_size": 1,
                                       "stride": step, "bias": False, "inputs": [previous]}},
                           {"BatchNorm2d": {"num_features": planes * 4, "name": f"{name}_down"}}]
                shortcut = f"{name}_down"
            layers += [
                {"Conv2d": {"in_channels": inplanes, "out_channels": planes, "kernel_size": 1, "bias": False,
                            "inputs": [previous]}},
                {"BatchNorm2d": planes}, {"ReLU": {}},
                {"Conv2d": {"in_channels": planes, "out_channels": planes, "kernel_size": 3, "stride": step,
                            "padding": 1, "bias": False}},
                {"BatchNorm2d": planes}, {"ReLU": {}},
                {"Conv2d": {"in_channels": planes, "out_channels": planes * 4, "kernel_size": 1, "bias": False}},
                {"BatchNorm2d": {"num_features": planes * 4, "name": f"{name}_bn3"}},
                {"Add": {"inputs": [f"{name}_bn3", shortcut]}},
                {"ReLU": {"name": f"{name}_out"}},
            ]
            previous, inplanes = f"{name}_out", planes * 4
    layers += [{"AdaptiveAvgPool2d": 1}, {"Flatten": {}}, {"Linear": {"in_features": 2048, "out_features": 1000}}]
    path = folder / "resnet50.yaml"
    path.write_text(yaml.safe_dump({"framework": "pytorch", "inputs": {"image": [3, 224, 224]}, "layers": layers}))
    return path


def test_resnet50_total_is_fvcores(tmp_path: Path) -> None:
    analysis = analyze_path(str(resnet50_file(tmp_path))).analysis
    assert analysis is not None and not [d for d in analysis.diagnostics if d.severity.value == "error"]
    assert analysis.totals.total == 25_557_032
    assert analysis.total_macs == 4_111_512_576


def test_resnet50_total_against_fvcore_itself() -> None:
    pytest.importorskip("fvcore")
    import torch

    sys.path.insert(0, str(ROOT / "tests/bench"))
    from torch_resnet50 import resnet50

    from tests.costs.fvcore_reference import fvcore_macs

    assert fvcore_macs(resnet50(), (torch.zeros(1, 3, 224, 224),), extensions=False) == 4_111_512_576


def test_summary_prints_total_macs(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "shapecalc", "summarize", str(resnet50_file(tmp_path))],
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert " Total MACs: 4.11 G\n" in result.stdout


@pytest.mark.parametrize(("count", "text"), [(4_111_512_576, "4.11 G"), (235_520, "235.52 K"), (16, "16"),
                                             (999, "999"), (1000, "1.00 K"), (2_500_000_000_000, "2.50 T")])
def test_readable_count(count: int, text: str) -> None:
    assert readable_count(count) == text


def test_unknown_size_gives_null_total(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("input: [null, 3]\nlayers:\n  - LSTM: 4\n  - Dense: 2\n")
    analysis = analyze_path(str(path)).analysis
    assert analysis is not None
    assert [row.macs for row in analysis.rows] == [None, 8]
    assert analysis.total_macs is None


def test_folded_block_rows_carry_their_layers_macs() -> None:
    from shapecalc.blocks.depth import collapse

    analysis = analyze_path(str(ROOT / "specs/pytorch/resnet18.yaml")).analysis
    assert analysis is not None
    folded = collapse(analysis, 1)
    assert len(folded.rows) < len(analysis.rows)
    assert sum(row.macs for row in folded.rows) == folded.total_macs == analysis.total_macs == 1_819_065_856
