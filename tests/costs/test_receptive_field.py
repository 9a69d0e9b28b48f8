"""Receptive fields and effective strides, measured: backprop from one output unit in torch.

Every conv gets positive constant weights and the input is positive (float64),
so no gradient cancels and ReLU passes everything; a pooling window is
measured as a depthwise conv of the same geometry with positive weights
(max pooling would route the gradient to one pixel). The field is the extent
of the non-zero input gradient of the centre unit; the stride is how far
that extent moves for the next unit along each axis.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from shapecalc.commands.pipeline import analyze_path
from tests.differential.torch_reference import entry_parts, make_module

torch = pytest.importorskip("torch")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def measurable(module: Any) -> Any:
    """The module with positive weights; a pooling window as a depthwise conv of the same geometry."""
    nn = torch.nn
    pools = (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d, nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)
    if isinstance(module, pools):
        rank = int(type(module).__name__[-2])
        conv = (nn.Conv1d, nn.Conv2d, nn.Conv3d)[rank - 1]
        return _Depthwise(conv, module.kernel_size, module.stride, module.padding,
                          getattr(module, "dilation", 1), module.ceil_mode)
    for parameter in module.parameters(recurse=True):
        with torch.no_grad():
            parameter.fill_(0.5)
    return module.double().eval()


class _Depthwise(torch.nn.Module):
    """A pooling window as a conv over each channel with weights 1/taps; ceil_mode as padding on the right."""

    def __init__(self, conv: Any, kernel: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: bool):
        super().__init__()
        self.conv, self.kernel, self.stride, self.padding, self.dilation = conv, kernel, stride, padding, dilation
        self.ceil_mode = ceil_mode

    def forward(self, x: Any) -> Any:
        rank = x.dim() - 2
        kernel = _tuple(self.kernel, rank)
        weight = torch.ones((x.shape[1], 1, *kernel), dtype=x.dtype) / max(1, int(torch.tensor(kernel).prod()))
        padding = _tuple(self.padding, rank)
        x = torch.nn.functional.pad(x, [p for pad in reversed(padding) for p in (pad, pad + (2 if self.ceil_mode else 0))])
        functional = (torch.nn.functional.conv1d, torch.nn.functional.conv2d, torch.nn.functional.conv3d)[rank - 1]
        return functional(x, weight, stride=_tuple(self.stride, rank), dilation=_tuple(self.dilation, rank),
                          groups=x.shape[1])


def _tuple(value: Any, rank: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank


def measure(modules: list[Any], shape: list[int]) -> tuple[list[int], list[int]]:
    """(field, stride) per spatial axis of the last module's output, by backprop."""
    network = torch.nn.Sequential(*modules)
    extents = []
    probe = torch.ones((1, *shape), dtype=torch.float64)
    spatial = network(probe).shape[2:]
    for shift in [None, *range(len(spatial))]:
        x = torch.ones((1, *shape), dtype=torch.float64, requires_grad=True)
        y = network(x)
        unit = [size // 2 for size in spatial]
        if shift is not None:
            unit[shift] += 1
        y[(0, slice(None), *unit)].sum().backward()
        touched = (x.grad[0] != 0).any(dim=0)
        extents.append([(int(idx.min()), int(idx.max())) for idx in (torch.nonzero(touched)[:, axis]
                                                                     for axis in range(len(spatial)))])
    centre = extents[0]
    field = [high - low + 1 for low, high in centre]
    stride = [extents[axis + 1][axis][0] - centre[axis][0] for axis in range(len(spatial))]
    return field, stride


def rows_of(path: Path) -> dict[str, Any]:
    analysis = analyze_path(str(path)).analysis
    assert analysis is not None
    return {row.name: row for row in analysis.rows}


def test_chain_case_matches_backprop() -> None:
    path = HERE / "cases/receptive_chain.yaml"
    data = yaml.safe_load(path.read_text())
    rows = list(rows_of(path).values())
    modules, checked = [], 0
    for row, entry in zip(rows, data["layers"], strict=True):
        type_name, args = entry_parts(entry)
        modules.append(measurable(make_module(torch, type_name, {k: v for k, v in args.items() if k != "name"})[0]))
        if row.receptive_field is None:
            continue
        assert (row.receptive_field, row.effective_stride) == measure(modules, data["input"]), row.name
        checked += 1
    assert checked == 13
    assert [row.receptive_field for row in rows[-3:]] == [None, None, None]  # adaptive pool, flatten, linear


def vgg16_features() -> tuple[list[Any], dict[str, int]]:
    """torchvision's VGG16 features (3x3 convs, padding 1, 2x2 max pools) and where each block ends;
    2 channels wide instead of 64-512, as the geometry alone decides the field."""
    nn = torch.nn
    modules, ends, channels = [], {}, 3
    for block, convs in enumerate((2, 2, 3, 3, 3), start=1):
        for index in range(1, convs + 1):
            modules += [nn.Conv2d(channels, 2, 3, padding=1), nn.ReLU()]
            channels = 2
            ends[f"block{block}_conv{index}"] = len(modules)
        modules.append(nn.MaxPool2d(2))
        ends[f"block{block}_pool"] = len(modules)
    return [measurable(m) for m in modules], ends


def test_vgg16_textbook_values_measured() -> None:
    rows = rows_of(ROOT / "specs/vgg16.yaml")
    assert (rows["block5_conv3"].receptive_field, rows["block5_conv3"].effective_stride) == ([196, 196], [16, 16])
    assert (rows["block5_pool"].receptive_field, rows["block5_pool"].effective_stride) == ([212, 212], [32, 32])
    modules, ends = vgg16_features()
    for name in ("block5_conv3", "block5_pool", "block3_conv2"):
        field, stride = measure(modules[:ends[name]], [3, 320, 320])
        assert (rows[name].receptive_field, rows[name].effective_stride) == (field, stride), name
    assert rows["flatten"].receptive_field is None and rows["fc1"].effective_stride is None


GRAPH = """
framework: keras
inputs:
  image: [64, 64, 3]
layers:
  - Conv2D: {filters: 4, kernel_size: 3, name: a}
  - Conv2D: {filters: 4, kernel_size: 6, strides: 2, inputs: [image], name: wide}
  - Conv2D: {filters: 4, kernel_size: 3, strides: 2, name: narrow, inputs: [a]}
  - Add: {inputs: [wide, narrow], name: joined}
  - Concatenate: {inputs: [joined, joined], name: channels}
  - Concatenate: {axis: 1, inputs: [joined, joined], name: rows}
  - UpSampling2D: {inputs: [channels], name: up}
  - Conv2D: {filters: 4, kernel_size: 3, name: after}
outputs: [rows, after]
"""


def test_graph_takes_the_largest_path_and_null_propagates(tmp_path: Path) -> None:
    path = tmp_path / "graph.yaml"
    path.write_text(GRAPH)
    rows = rows_of(path)
    assert rows["image"].receptive_field == [1, 1]
    assert rows["narrow"].receptive_field == [5, 5]  # 3, then 3 at stride 1
    assert rows["joined"].receptive_field == [6, 6] and rows["joined"].effective_stride == [2, 2]
    assert rows["channels"].receptive_field == [6, 6]
    assert rows["rows"].receptive_field is None  # joined along a spatial axis
    assert rows["up"].receptive_field is None and rows["after"].receptive_field is None
