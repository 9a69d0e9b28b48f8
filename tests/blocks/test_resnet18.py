"""specs/pytorch/resnet18.yaml against ResNet-18 written with torch.nn as torchvision writes it.

torchvision cannot be installed beside our torch pin, so the network is
written here from the paper and torchvision's resnet.py (BasicBlock,
_make_layer): module for module, the spec's rows must carry the module's path
(`layer2.0.downsample.0` -> `layer2_0_downsample_0`), its output shape (first
call) and its parameter count; `--depth` must fold rows as torchinfo's
`depth` does for the same network.
"""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("torchinfo")
from torch import nn  # noqa: E402

from shapecalc.blocks.depth import collapse  # noqa: E402
from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from tests.blocks.torch_modules import leaf_modules, torchinfo_rows  # noqa: E402

SPEC = str(Path(__file__).resolve().parents[2] / "specs/pytorch/resnet18.yaml")


class BasicBlock(nn.Module):
    def __init__(self, inplanes: int, planes: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(out + shortcut)


class ResNet18(nn.Module):
    def __init__(self, classes: int = 1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = nn.Sequential(BasicBlock(64, 64), BasicBlock(64, 64))
        self.layer2 = nn.Sequential(BasicBlock(64, 128, 2), BasicBlock(128, 128))
        self.layer3 = nn.Sequential(BasicBlock(128, 256, 2), BasicBlock(256, 256))
        self.layer4 = nn.Sequential(BasicBlock(256, 512, 2), BasicBlock(512, 512))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def test_every_module_is_a_row_with_its_shape_and_parameters() -> None:
    model = ResNet18()
    analysis = analyze_path(SPEC).analysis
    assert analysis is not None
    rows = {row.name: row for row in analysis.rows}
    for name, (shape, params) in leaf_modules(model, torch.zeros(1, 3, 224, 224)).items():
        assert (rows[name].params.total, [1, *rows[name].output_shape[1:]]) == (params, shape), name
    assert analysis.totals.total == sum(p.numel() for p in model.parameters()) == 11_689_512


@pytest.mark.parametrize("depth", [1, 2])
def test_depth_folds_as_torchinfo(depth: int) -> None:
    theirs = torchinfo_rows(ResNet18(), (1, 3, 224, 224), depth)
    analysis = analyze_path(SPEC).analysis
    assert analysis is not None
    ours = {row.name: (row.params.total, [1, *row.output_shape[1:]]) for row in collapse(analysis, depth).rows}
    assert {name: ours[name] for name in theirs} == theirs
