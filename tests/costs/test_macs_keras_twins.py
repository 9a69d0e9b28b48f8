"""Keras layers count as their PyTorch twins: shapecalc's MACs for a Keras layer equal fvcore's for the torch module.

Each row: a Keras layer on a channels-last input, and the torch module doing
the same work on the channels-first input (fvcore with the extensions of
`fvcore_reference`, batch 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("fvcore")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from tests.costs.fvcore_reference import fvcore_macs  # noqa: E402

TWINS: list[tuple[str, dict[str, Any], list[int], str, list[int]]] = [
    ("conv2d", {"Conv2D": {"filters": 8, "kernel_size": 3}}, [11, 9, 4], "nn.Conv2d(4, 8, 3)", [4, 11, 9]),
    ("conv2d_same_strided", {"Conv2D": {"filters": 6, "kernel_size": 3, "strides": 2, "padding": "same"}}, [10, 10, 4],
     "nn.Conv2d(4, 6, 3, stride=2, padding=1)", [4, 10, 10]),
    ("conv2d_groups", {"Conv2D": {"filters": 6, "kernel_size": [3, 1], "groups": 2}}, [8, 8, 4],
     "nn.Conv2d(4, 6, (3, 1), groups=2)", [4, 8, 8]),
    ("conv1d", {"Conv1D": {"filters": 5, "kernel_size": 3, "dilation_rate": 2}}, [20, 3], "nn.Conv1d(3, 5, 3, dilation=2)", [3, 20]),
    ("conv3d", {"Conv3D": {"filters": 2, "kernel_size": 2}}, [4, 5, 6, 3], "nn.Conv3d(3, 2, 2)", [3, 4, 5, 6]),
    ("depthwise", {"DepthwiseConv2D": {"kernel_size": 3, "depth_multiplier": 2}}, [9, 9, 3],
     "nn.Conv2d(3, 6, 3, groups=3)", [3, 9, 9]),
    ("separable", {"SeparableConv2D": {"filters": 7, "kernel_size": 3, "depth_multiplier": 2}}, [9, 9, 3],
     "nn.Sequential(nn.Conv2d(3, 6, 3, groups=3), nn.Conv2d(6, 7, 1))", [3, 9, 9]),
    ("conv2d_transpose", {"Conv2DTranspose": {"filters": 4, "kernel_size": 3, "strides": 2}}, [5, 6, 3],
     "nn.ConvTranspose2d(3, 4, 3, stride=2)", [3, 5, 6]),
    ("dense", {"Dense": 7}, [5, 6], "nn.Linear(6, 7)", [5, 6]),
    ("einsum_dense", {"EinsumDense": {"equation": "abc,cd->abd", "output_shape": [5, 7]}}, [5, 6],
     "Einsum('abc,cd->abd', (6, 7))", [5, 6]),
    ("batch_norm", {"BatchNormalization": {}}, [6, 6, 4], "nn.BatchNorm2d(4)", [4, 6, 6]),
    ("layer_norm", {"LayerNormalization": {}}, [5, 6], "nn.LayerNorm(6)", [5, 6]),
    ("layer_norm_plain", {"LayerNormalization": {"center": False, "scale": False}}, [5, 6],
     "nn.LayerNorm(6, elementwise_affine=False)", [5, 6]),
    ("group_norm", {"GroupNormalization": {"groups": 2}}, [6, 6, 4], "nn.GroupNorm(2, 4)", [4, 6, 6]),
    ("upsampling_nearest", {"UpSampling2D": 2}, [5, 4, 3], "nn.Upsample(scale_factor=2)", [3, 5, 4]),
    ("upsampling_bilinear", {"UpSampling2D": {"size": 2, "interpolation": "bilinear"}}, [5, 4, 3],
     "nn.Upsample(scale_factor=2, mode='bilinear')", [3, 5, 4]),
    ("upsampling_1d", {"UpSampling1D": 2}, [5, 3], "nn.Upsample(scale_factor=2)", [3, 5]),
    ("global_average_2d", {"GlobalAveragePooling2D": {}}, [7, 5, 3], "nn.AdaptiveAvgPool2d(1)", [3, 7, 5]),
    ("global_average_1d", {"GlobalAveragePooling1D": {}}, [7, 3], "nn.AdaptiveAvgPool1d(1)", [3, 7]),
    ("max_pooling", {"MaxPooling2D": 2}, [8, 8, 3], "nn.MaxPool2d(2)", [3, 8, 8]),
    ("lstm", {"LSTM": {"units": 5, "return_sequences": True}}, [7, 3], "nn.LSTM(3, 5, batch_first=True)", [7, 3]),
    ("gru", {"GRU": 4}, [7, 3], "nn.GRU(3, 4, batch_first=True)", [7, 3]),
    ("simple_rnn", {"SimpleRNN": 4}, [7, 3], "nn.RNN(3, 4, batch_first=True)", [7, 3]),
    ("bidirectional", {"Bidirectional": {"layer": {"LSTM": 5}}}, [7, 3],
     "nn.LSTM(3, 5, batch_first=True, bidirectional=True)", [7, 3]),
    ("time_distributed", {"TimeDistributed": {"layer": {"Dense": 4}}}, [7, 3], "nn.Linear(3, 4)", [7, 3]),
    ("resizing_bilinear", {"Resizing": {"height": 8, "width": 6}}, [4, 3, 2],
     "nn.Upsample(size=(8, 6), mode='bilinear')", [2, 4, 3]),
]


def keras_macs(tmp_path: Path, entry: dict[str, Any], shape: list[int]) -> int | None:
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump({"input": shape, "layers": [entry]}))
    analysis = analyze_path(str(path)).analysis
    assert analysis is not None and not analysis.diagnostics, path.read_text()
    return analysis.rows[-1].macs


def torch_module(expression: str) -> Any:
    import torch
    from torch import nn

    class Einsum(nn.Module):
        def __init__(self, equation: str, kernel: tuple[int, ...]):
            super().__init__()
            self.equation, self.kernel = equation, nn.Parameter(torch.zeros(kernel))

        def forward(self, x: Any) -> Any:
            return torch.einsum(self.equation, x, self.kernel)

    return eval(expression, {"nn": nn, "Einsum": Einsum})  # noqa: S307 - a constant of this file


@pytest.mark.parametrize(("keras_entry", "keras_shape", "torch_expression", "torch_shape"),
                         [twin[1:] for twin in TWINS], ids=[twin[0] for twin in TWINS])
def test_keras_counts_as_torch_twin(tmp_path: Path, keras_entry: dict[str, Any], keras_shape: list[int],
                                    torch_expression: str, torch_shape: list[int]) -> None:
    import torch

    expected = fvcore_macs(torch_module(torch_expression), (torch.zeros(1, *torch_shape),))
    assert keras_macs(tmp_path, keras_entry, keras_shape) == expected
