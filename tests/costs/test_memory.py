"""The memory estimate: worked arithmetic on small models, and torchinfo's own figures on real torch modules.

Where the definitions agree the numbers are equal: the parameter bytes, the
input (less the 64 bytes of the Python object torchinfo's `sys.getsizeof`
counts around the storage) and every leaf module's output bytes. Where they
differ the difference is written out: torchinfo's "Forward/backward pass
size" is 2 x the outputs of the leaf modules that have parameters (a
gradient for each), ours is 1 x the output of every layer (a forward pass).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from shapecalc.commands.pipeline import analyze_path
from shapecalc.model import Analysis
from shapecalc.render.json import document
from shapecalc.render.summary import summary_text

ROOT = Path(__file__).resolve().parents[2]
FLOAT32 = 4


def analysis_of(folder: Path, text: str) -> Analysis:
    path = folder / "model.yaml"
    path.write_text(text)
    analysis = analyze_path(str(path)).analysis
    assert analysis is not None
    return analysis


def test_denoiser_forward_pass_is_every_layer_output() -> None:
    """specs/denoiser_24.yaml, one sample, float32: the input 28*28*1, and each layer's output in order
    (Conv2D and its Activation hold one tensor each; pools halve H and W; upsamplings double them)."""
    analysis = analyze_path(str(ROOT / "specs/denoiser_24.yaml")).analysis
    assert analysis is not None and analysis.memory is not None
    values = [28 * 28 * 32, 28 * 28 * 32, 14 * 14 * 32,   # conv2d, activation, max_pooling2d
              14 * 14 * 16, 14 * 14 * 16, 7 * 7 * 16,     # conv2d_1, activation_1, max_pooling2d_1
              7 * 7 * 8, 7 * 7 * 8, 3 * 3 * 8,            # conv2d_2, activation_2, max_pooling2d_2 (7 -> 3)
              6 * 6 * 8, 6 * 6 * 16, 6 * 6 * 16,          # up_sampling2d, conv2d_3, activation_3
              12 * 12 * 16, 12 * 12 * 32, 12 * 12 * 32,   # up_sampling2d_1, conv2d_4, activation_4
              24 * 24 * 32, 24 * 24 * 1]                  # up_sampling2d_2, conv2d_5
    assert [row.output_bytes for row in analysis.rows] == [FLOAT32 * v for v in values]
    assert sum(values) == 96_328
    memory = analysis.memory
    assert (memory.input_bytes, memory.forward_bytes, memory.param_bytes) == (3_136, 385_312, 12_201 * 4)
    assert memory.total_bytes == 3_136 + 385_312 + 48_804 == 437_252
    assert summary_text(analysis).totals[-4:] == [
        "Input size (one sample, float32): 3.06 KB",  # 3136 / 1024
        "Forward pass size (all layer outputs): 376.28 KB",  # 385312 / 1024
        "Params size (float32): 47.66 KB",  # 48804 / 1024
        "Estimated total size (no gradients): 427.00 KB",  # 437252 / 1024
    ]
    json = document(analysis)
    assert (json["input_bytes"], json["forward_pass_bytes"], json["param_bytes"], json["estimated_total_bytes"]) == (
        3_136, 385_312, 48_804, 437_252)
    assert [layer["output_bytes"] for layer in json["layers"]] == [FLOAT32 * v for v in values]


def test_graph_counts_inputs_once_and_each_call_of_a_shared_layer(tmp_path: Path) -> None:
    """Two inputs of 8 and 6 features; `encoder` (Dense 4) called on both holds two outputs of 4;
    the InputLayer rows show their input's bytes but are the input, not part of the forward pass."""
    analysis = analysis_of(tmp_path, """
inputs: {left: [8], right: [8]}
layers:
  - Dense: {units: 4, name: encoder, inputs: [left]}
  - Reuse: {layer: encoder, inputs: [right], name: right_code}
  - Subtract: {inputs: [encoder, right_code], name: diff}
""")
    rows = {row.name: row.output_bytes for row in analysis.rows}
    assert rows == {"left": 8 * 4, "right": 8 * 4, "encoder": 2 * 4 * 4, "diff": 4 * 4}
    assert analysis.memory is not None
    assert analysis.memory.input_bytes == (8 + 8) * 4
    assert analysis.memory.forward_bytes == (2 * 4 + 4) * 4
    assert analysis.memory.param_bytes == (8 * 4 + 4) * 4


def test_several_outputs_count_the_first(tmp_path: Path) -> None:
    """An LSTM returning its sequence and two states counts the sequence, 7*20 values, as torchinfo
    measures the first tensor of a tuple; the states (20 each) are left out."""
    analysis = analysis_of(tmp_path, """
inputs: {x: [7, 10]}
layers:
  - LSTM: {units: 20, return_sequences: true, return_state: true, name: lstm, inputs: [x]}
  - Dense: {units: 5, inputs: ["lstm[0]"], name: head}
""")
    rows = {row.name: row for row in analysis.rows}
    assert len(rows["lstm"].output_shape) == 3
    assert rows["lstm"].output_bytes == 7 * 20 * 4
    assert analysis.memory is not None and analysis.memory.forward_bytes == (7 * 20 + 7 * 5) * 4


def test_batch_counts_one_sample(tmp_path: Path) -> None:
    """`batch: 32` shows 32 in the first axis; the figures stay those of one sample."""
    text = "input: [10, 3]\nlayers:\n  - Dense: 5\n"
    one = analysis_of(tmp_path, text).memory
    many = analysis_of(tmp_path, "batch: 32\n" + text).memory
    assert one == many
    assert one is not None and (one.input_bytes, one.forward_bytes) == (10 * 3 * 4, 10 * 5 * 4)


def test_an_unknown_size_makes_the_figures_unknown(tmp_path: Path) -> None:
    """A null height: every layer's output has an unknown size, so the input, the forward pass and the
    total are unknown (null), said so in the table; the parameters are still known."""
    analysis = analysis_of(tmp_path, """
input: [null, 32, 3]
layers:
  - Conv2D: {filters: 8, kernel_size: 3}
  - GlobalAveragePooling2D
  - Dense: 2
""")
    memory = analysis.memory
    assert memory is not None
    assert (memory.input_bytes, memory.forward_bytes, memory.total_bytes) == (None, None, None)
    assert memory.param_bytes == (3 * 3 * 3 * 8 + 8 + 8 * 2 + 2) * 4
    assert [row.output_bytes for row in analysis.rows] == [None, 8 * 4, 2 * 4]  # known once the size is pooled away
    assert summary_text(analysis).totals[-4:] == [
        "Input size (one sample, float32): unknown (None size)",
        "Forward pass size (all layer outputs): unknown (None size)",
        "Params size (float32): 968.00 B",  # 242 * 4
        "Estimated total size (no gradients): unknown (None size)",
    ]
    json = document(analysis)
    assert (json["input_bytes"], json["forward_pass_bytes"], json["estimated_total_bytes"]) == (None, None, None)


def test_depth_folds_output_bytes_and_keeps_the_totals() -> None:
    """--depth 1 folds ResNet-18's blocks into rows holding the sum of their layers' outputs."""
    from shapecalc.blocks.depth import collapse

    analysis = analyze_path(str(ROOT / "specs/pytorch/resnet18.yaml")).analysis
    assert analysis is not None
    folded = collapse(analysis, 1)
    assert len(folded.rows) < len(analysis.rows)
    assert sum(row.output_bytes for row in folded.rows) == sum(row.output_bytes for row in analysis.rows)
    assert folded.memory == analysis.memory


# --- torchinfo on real torch modules -------------------------------------------------------------------


def torchinfo_figures(model: Any, input_size: tuple[int, ...]) -> tuple[Any, dict[str, int]]:
    """torchinfo's statistics, and each leaf module's output bytes by path (`layer1.0.conv1` -> `layer1_0_conv1`;
    a module called twice keeps its first call)."""
    import torchinfo

    statistics = torchinfo.summary(model, input_size=input_size, verbose=0)
    leaves: dict[str, int] = {}
    for info in statistics.summary_list:
        if not info.is_leaf_layer:
            continue
        path, parent = [info.var_name], info.parent_info
        while parent is not None and parent.depth >= 1:
            path.insert(0, parent.var_name)
            parent = parent.parent_info
        leaves.setdefault("_".join(path), info.output_bytes)
    return statistics, leaves


def storage_overhead() -> int:
    """What `sys.getsizeof` adds to a storage's bytes: torchinfo's "Input size" counts it, 64 bytes here."""
    import torch

    return sys.getsizeof(torch.empty(0).untyped_storage())


def assert_agrees_with_torchinfo(analysis: Analysis, model: Any, input_size: tuple[int, ...]) -> tuple[Any, int]:
    """Equal where the definitions agree; returns torchinfo's statistics and our bytes of layers without
    parameters (the part of our forward pass torchinfo leaves out)."""
    statistics, leaves = torchinfo_figures(model, input_size)
    rows = {row.name: row for row in analysis.rows}
    assert leaves and set(leaves) <= set(rows)
    for name, output_bytes in leaves.items():
        assert rows[name].output_bytes == output_bytes, name
    memory = analysis.memory
    assert memory is not None
    assert memory.param_bytes == statistics.total_param_bytes
    assert memory.input_bytes == statistics.total_input - storage_overhead()
    with_params = sum(row.output_bytes for row in analysis.rows if row.params.total)
    assert statistics.total_output_bytes == 2 * with_params  # "Forward/backward pass size": x2 for gradients
    return statistics, sum(row.output_bytes for row in analysis.rows if not row.params.total and row.type != "InputLayer")


def test_resnet18_against_torchinfo() -> None:
    """ResNet-18 at 224x224: torchinfo's Input size (MB) 0.60, Forward/backward pass size (MB) 39.75,
    Params size (MB) 46.76, Estimated Total Size (MB) 87.11; ours 0.60, 32.92, 46.76, 80.28 (10^6 bytes).

    The layers without parameters that torchinfo leaves out, in values (x4 bytes): the stem's ReLU
    64*112*112 = 802,816 and max pool 64*56*56 = 200,704; each BasicBlock's ReLU, Add and final ReLU,
    3*C*S*S: 2 blocks each at 64*56*56, 128*28*28, 256*14*14, 512*7*7 = 2*3*(200,704 + 100,352 + 50,176 +
    25,088) = 2,257,920; the average pool and Flatten 512 each.
    """
    pytest.importorskip("torchinfo")
    from tests.blocks.test_resnet18 import SPEC, ResNet18

    analysis = analyze_path(SPEC).analysis
    assert analysis is not None and analysis.memory is not None
    statistics, without_params = assert_agrees_with_torchinfo(analysis, ResNet18(), (1, 3, 224, 224))
    assert without_params == 4 * (802_816 + 200_704 + 2_257_920 + 512 + 512) == 4 * 3_262_464
    assert statistics.total_param_bytes == 4 * 11_689_512 == 46_758_048
    assert statistics.total_input == 3 * 224 * 224 * 4 + 64 == 602_176
    assert statistics.total_output_bytes == 39_747_392  # 2 x 4 x 4,968,424 values of conv, BatchNorm and fc
    memory = analysis.memory
    assert memory.forward_bytes == 39_747_392 // 2 + 4 * 3_262_464 == 32_923_552
    torchinfo_total = statistics.total_input + statistics.total_output_bytes + statistics.total_param_bytes
    assert torchinfo_total == 87_107_616
    assert memory.total_bytes == torchinfo_total - 64 - 39_747_392 + 32_923_552 == 80_283_712


def test_small_cnn_against_torchinfo(tmp_path: Path) -> None:
    """Conv 3x3 (1 -> 8), ReLU, 2x2 max pool, conv 3x3 pad 1 (8 -> 16), BatchNorm, ReLU, Flatten, Linear on
    28x28: every module is a leaf, so every row's bytes are compared with torchinfo's.

    Outputs in values: 8*26*26 = 5,408 (conv1, relu1), 8*13*13 = 1,352 (pool), 16*13*13 = 2,704 (conv2, bn,
    relu2, flatten), 10 (fc). torchinfo's Forward/backward: 2 x 4 x (5,408 + 2,704 + 2,704 + 10) = 86,608;
    ours 4 x (2*5,408 + 1,352 + 4*2,704 + 10) = 91,976.
    """
    pytest.importorskip("torchinfo")
    from collections import OrderedDict

    from torch import nn

    model = nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, 8, 3)), ("relu1", nn.ReLU()), ("pool", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(8, 16, 3, padding=1)), ("bn", nn.BatchNorm2d(16)), ("relu2", nn.ReLU()),
        ("flatten", nn.Flatten()), ("fc", nn.Linear(16 * 13 * 13, 10)),
    ]))
    analysis = analysis_of(tmp_path, """
framework: pytorch
input: [1, 28, 28]
layers:
  - Conv2d: {name: conv1, in_channels: 1, out_channels: 8, kernel_size: 3}
  - ReLU: {name: relu1}
  - MaxPool2d: {name: pool, kernel_size: 2}
  - Conv2d: {name: conv2, in_channels: 8, out_channels: 16, kernel_size: 3, padding: 1}
  - BatchNorm2d: {name: bn, num_features: 16}
  - ReLU: {name: relu2}
  - Flatten: {name: flatten}
  - Linear: {name: fc, in_features: 2704, out_features: 10}
""")
    statistics, _ = assert_agrees_with_torchinfo(analysis, model, (1, 1, 28, 28))
    assert analysis.memory is not None
    assert statistics.total_output_bytes == 2 * 4 * (5_408 + 2_704 + 2_704 + 10) == 86_608
    assert analysis.memory.forward_bytes == 4 * (2 * 5_408 + 1_352 + 4 * 2_704 + 10) == 91_976
    assert analysis.memory.param_bytes == 4 * sum(p.numel() for p in model.parameters()) == 4 * (80 + 1_168 + 32 + 27_050)


def test_lstm_against_torchinfo(tmp_path: Path) -> None:
    """A 2-layer bidirectional LSTM (10 -> 20 per direction) over 7 steps, then Linear(40, 5) at every step.
    The LSTM returns (output, (h_n, c_n)): torchinfo measures the first tensor, 7*40 values, and so do we.
    Forward/backward: 2 x 4 x (280 + 35) = 2,520; ours 4 x (280 + 35) = 1,260, half, as every layer here
    has parameters."""
    pytest.importorskip("torchinfo")
    from torch import nn

    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(10, 20, num_layers=2, batch_first=True, bidirectional=True)
            self.head = nn.Linear(40, 5)

        def forward(self, x: Any) -> Any:
            out, _ = self.lstm(x)
            return self.head(out)

    analysis = analysis_of(tmp_path, """
framework: pytorch
input: [7, 10]
layers:
  - LSTM: {name: lstm, input_size: 10, hidden_size: 20, num_layers: 2, batch_first: true, bidirectional: true}
  - Linear: {name: head, in_features: 40, out_features: 5}
""")
    statistics, without_params = assert_agrees_with_torchinfo(analysis, Tagger(), (1, 7, 10))
    assert without_params == 0
    assert statistics.total_output_bytes == 2 * 4 * (7 * 40 + 7 * 5) == 2_520
    assert analysis.memory is not None
    assert analysis.memory.forward_bytes == 4 * (7 * 40 + 7 * 5) == 1_260
    assert analysis.memory.input_bytes == 4 * 7 * 10 == statistics.total_input - storage_overhead()


def test_no_estimate_after_an_error(tmp_path: Path) -> None:
    """A layer that cannot be computed leaves no model to run: the table has no memory lines, the JSON keeps
    the input's bytes (3*3*4*4 = 144) and has null for the rest, as for the totals."""
    analysis = analysis_of(tmp_path, "input: [3, 3, 4]\nlayers:\n  - Conv2D: {filters: 2, kernel_size: 5}\n"
                                     "  - Dense: 2\n")
    assert analysis.partial_totals
    assert not [line for line in summary_text(analysis).totals if "size" in line]
    json = document(analysis)
    assert (json["input_bytes"], json["forward_pass_bytes"], json["param_bytes"], json["estimated_total_bytes"]) == (
        144, None, None, None)
