"""`summarize --depth N`: rows folded into block instances, each with its output shape and its layers' parameters.

The folded rows of specs/resnet50.yaml are checked against keras.applications.ResNet50 itself: an
instance's parameters are the sum of `count_params()` over the Keras layers its name prefixes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from shapecalc.blocks.depth import collapse
from shapecalc.cli import app
from shapecalc.commands.pipeline import analyze_path

ROOT = Path(__file__).resolve().parents[2]
RESNET = str(ROOT / "specs/resnet50.yaml")


def test_depth_one_folds_each_stage_into_one_row() -> None:
    analysis = analyze_path(RESNET).analysis
    assert analysis is not None
    rows = {row.name: row for row in collapse(analysis, 1).rows}
    # conv2_block1 (projection): 0_conv 64*256+256 + 0_bn 4*256 + 1_conv 64*64+64 + 1_bn 4*64
    #   + 2_conv 9*64*64+64 + 2_bn 4*64 + 3_conv 64*256+256 + 3_bn 4*256 = 76,928;
    # each identity block: 256*64+64 + 256 + 36,928 + 256 + 16,640 + 1,024 = 71,552
    assert rows["conv2"].params.total == 76_928 + 2 * 71_552
    assert rows["conv2"].type == "stage"
    assert list(rows["conv2"].output_shape) == [None, 56, 56, 256]
    assert [(name, call, tensor) for name, call, tensor in rows["conv3"].connections] == [("conv2", 0, 0)]
    assert rows["avg_pool"].connections == [("conv5", 0, 0)]
    assert [row.name for row in collapse(analysis, 1).rows][-7:-2] == ["pool1_pool", "conv2", "conv3", "conv4", "conv5"]
    assert collapse(analysis, 1).totals == analysis.totals


def test_folded_rows_sum_what_keras_counts() -> None:
    pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    keras.utils.clear_session()
    model = keras.applications.ResNet50(weights=None)
    analysis = analyze_path(RESNET).analysis
    assert analysis is not None
    for depth in (1, 2):
        folded = [row for row in collapse(analysis, depth).rows if row.spec is None and row.type != "InputLayer"]
        assert len(folded) == (4 if depth == 1 else 16)
        for row in folded:
            theirs = sum(layer.count_params() for layer in model.layers if layer.name.startswith(row.name + "_"))
            assert row.params.total == theirs, row.name
            last = [layer for layer in model.layers if layer.name.startswith(row.name + "_")][-1]
            assert [None, *row.output_shape[1:]] == [None, *last.output.shape[1:]], row.name


def test_depth_below_the_deepest_block_is_the_flat_table() -> None:
    analysis = analyze_path(RESNET).analysis
    assert analysis is not None
    assert [row.name for row in collapse(analysis, 3).rows] == [row.name for row in analysis.rows]


def test_the_command_line_option() -> None:
    result = CliRunner().invoke(app, ["summarize", RESNET, "--depth", "2"])
    assert result.exit_code == 0
    assert "conv4_block6 (identity)" in result.output and "conv4_block6_out" not in result.output
    refused = CliRunner().invoke(app, ["summarize", RESNET, "--depth", "0"])
    assert refused.exit_code == 2
