"""Formula tables for the Keras recurrent, wrapper and attention layers.

Each row is worked arithmetic (written in its comment); Keras 3 gave the
same numbers when these layers were built (see the rnn_*, wrap_* and attn_*
YAML cases under tests/differential/cases/keras/, which check them against a
real Keras build on every run).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shapecalc.arguments.types import ArgumentError
from shapecalc.layers.base import Layer, Params, Why
from shapecalc.layers.registry import lookup
from shapecalc.model import InvalidModel
from shapecalc.reading import parse_text
from shapecalc.shapes import ShapeError
from shapecalc.validate import load_model

N = None

# (id, type, args, input shapes with batch, output shape(s), (trainable, non-trainable))
SHAPES: list[tuple[str, str, dict[str, Any], list[tuple], Any, tuple[int, int]]] = [
    ("simple-rnn-sequences", "SimpleRNN", {"units": 16, "return_sequences": True}, [(N, 10, 8)], (N, 10, 16),
     (400, 0)),  # 16*(8 + 16) + 16
    ("lstm-last-step", "LSTM", {"units": 12}, [(N, 10, 16)], (N, 12), (1392, 0)),  # 4*(12*(16 + 12) + 12)
    ("lstm-no-bias", "LSTM", {"units": 3, "use_bias": False}, [(N, 5, 4)], (N, 3), (84, 0)),  # 4*(3*(4 + 3))
    ("gru-reset-after", "GRU", {"units": 7}, [(N, 10, 12)], (N, 7), (441, 0)),  # 3*(7*(12 + 7) + 2*7)
    ("gru-reset-before", "GRU", {"units": 7, "reset_after": False}, [(N, 10, 8)], (N, 7), (336, 0)),  # 3*(7*15 + 7)
    ("gru-no-bias", "GRU", {"units": 4, "use_bias": False}, [(N, 5, 6)], (N, 4), (120, 0)),  # 3*(4*(6 + 4))
    ("rnn-unknown-time", "LSTM", {"units": 8, "return_sequences": True}, [(N, N, 12)], (N, N, 8),
     (672, 0)),  # 4*(8*20 + 8)
    ("rnn-batch-kept", "SimpleRNN", {"units": 3, "stateful": True}, [(2, 5, 4)], (2, 3), (24, 0)),  # 3*7 + 3
    ("lstm-return-state", "LSTM", {"units": 5, "return_sequences": True, "return_state": True}, [(N, 9, 6)],
     [(N, 9, 5), (N, 5), (N, 5)], (240, 0)),  # 4*(5*11 + 5)
    ("gru-return-state", "GRU", {"units": 4, "return_state": True}, [(N, 9, 6)], [(N, 4), (N, 4)],
     (144, 0)),  # 3*(4*(6 + 4) + 2*4)
    ("lstm-initial-states", "LSTM", {"units": 4}, [(N, 7, 3), (N, 4), (N, 4)], (N, 4), (128, 0)),  # 4*(4*7 + 4)
    ("convlstm2d-same", "ConvLSTM2D", {"filters": 4, "kernel_size": 3, "padding": "same", "return_sequences": True},
     [(N, 10, 8, 8, 3)], (N, 10, 8, 8, 4), (1024, 0)),  # 4*(9*3*4 + 9*4*4 + 4)
    ("convlstm2d-strided", "ConvLSTM2D", {"filters": 2, "kernel_size": 3, "strides": 2}, [(N, 10, 8, 8, 4)],
     (N, 3, 3, 2), (440, 0)),  # floor((8 - 3)/2) + 1 = 3; 4*(9*4*2 + 9*2*2 + 2)
    ("convlstm2d-channels-first", "ConvLSTM2D",
     {"filters": 3, "kernel_size": 3, "data_format": "channels_first", "padding": "same", "strides": 2},
     [(N, 5, 3, 8, 9)], (N, 3, 4, 5), (660, 0)),  # ceil(8/2), ceil(9/2); 4*(9*3*3 + 9*3*3 + 3)
    ("convlstm1d-dilated", "ConvLSTM1D", {"filters": 4, "kernel_size": 3, "dilation_rate": 2, "return_sequences": True},
     [(N, 10, 8, 3)], (N, 10, 4, 4), (352, 0)),  # 8 - 2*(3 - 1) = 4; 4*(3*3*4 + 3*4*4 + 4)
    ("convlstm3d", "ConvLSTM3D", {"filters": 4, "kernel_size": 3}, [(N, 10, 8, 8, 8, 3)], (N, 6, 6, 6, 4),
     (3040, 0)),  # 4*(27*3*4 + 27*4*4 + 4)
    ("mha-self", "MultiHeadAttention", {"num_heads": 2, "key_dim": 8}, [(N, 10, 16), (N, 10, 16)], (N, 10, 16),
     (1088, 0)),  # 3*(16*16 + 16) + (16*16 + 16)
    ("mha-cross-gate-2d-output", "MultiHeadAttention",
     {"num_heads": 3, "key_dim": 4, "value_dim": 7, "output_shape": [2, 3], "use_gate": True},
     [(N, 10, 16), (N, 12, 6), (N, 12, 5)], (N, 10, 2, 3),
     (912, 0)),  # q 16*12+12, k 5*12+12, v 6*21+21, gate 16*21+21, out 21*6+6
    ("mha-no-bias", "MultiHeadAttention", {"num_heads": 3, "key_dim": 4, "use_bias": False, "output_shape": 9},
     [(N, 10, 16), (N, 12, 6)], (N, 10, 9), (444, 0)),  # 16*12 + 6*12 + 6*12 + 12*9
    ("mha-image", "MultiHeadAttention", {"num_heads": 2, "key_dim": 4, "attention_axes": [1, 2]},
     [(N, 5, 6, 8), (N, 5, 6, 8)], (N, 5, 6, 8), (288, 0)),  # 3*(8*8 + 8) + (8*8 + 8)
    ("grouped-query", "GroupQueryAttention", {"head_dim": 8, "num_query_heads": 8, "num_key_value_heads": 2},
     [(N, 10, 32), (N, 12, 32)], (N, 10, 32), (5248, 0)),  # q 32*64+64, k 32*16+16, v 32*16+16, out 64*32+32
    ("grouped-query-gate-no-bias", "GroupQueryAttention",
     {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 4, "use_gate": True, "use_bias": False},
     [(N, 10, 32), (N, 12, 32), (N, 12, 24)], (N, 10, 32), (2432, 0)),  # 32*16 + 24*16 + 32*16 + 32*16 + 16*32
    ("attention-scaled-concat", "Attention", {"use_scale": True, "score_mode": "concat"},
     [(N, 10, 16), (N, 12, 6)], (N, 10, 6), (2, 0)),
    ("attention-plain", "Attention", {}, [(N, 10, 16), (N, 12, 16)], (N, 10, 16), (0, 0)),
    ("additive-attention", "AdditiveAttention", {}, [(N, 10, 16), (N, 12, 5), (N, 12, 16)], (N, 10, 5), (16, 0)),
    ("additive-attention-no-scale", "AdditiveAttention", {"use_scale": False}, [(N, 10, 16), (N, 12, 16)],
     (N, 10, 16), (0, 0)),
]

# (id, type, args, input shapes, diagnostic code): Keras raises when it meets these inputs.
SHAPE_ERRORS: list[tuple[str, str, dict[str, Any], list[tuple], str]] = [
    ("lstm-rank-2", "LSTM", {"units": 4}, [(N, 8)], "SC102"),
    ("cell-alone", "LSTMCell", {"units": 4}, [(N, 5, 3)], "SC102"),  # a cell is not a layer
    ("lstm-rank-4", "LSTM", {"units": 4}, [(N, 5, 4, 3)], "SC102"),
    ("lstm-unknown-features", "LSTM", {"units": 4}, [(N, 5, N)], "SC102"),
    ("stateful-without-batch", "GRU", {"units": 4, "stateful": True}, [(N, 5, 3)], "SC102"),
    ("convlstm-rank", "ConvLSTM2D", {"filters": 3, "kernel_size": 3}, [(N, 5, 8, 3)], "SC102"),
    ("convlstm-unknown-spatial", "ConvLSTM2D", {"filters": 3, "kernel_size": 3}, [(N, 5, N, 8, 3)], "SC102"),
    ("convlstm-too-small", "ConvLSTM2D", {"filters": 3, "kernel_size": 3}, [(N, 5, 2, 8, 3)], "SC101"),  # 2 - 3 + 1 = 0
    ("mha-key-value-disagree", "MultiHeadAttention", {"num_heads": 2, "key_dim": 4},
     [(N, 5, 8), (N, 6, 8), (N, 7, 8)], "SC103"),
    ("mha-attention-axis-out-of-range", "MultiHeadAttention", {"num_heads": 2, "key_dim": 4, "attention_axes": 4},
     [(N, 5, 8), (N, 5, 8)], "SC102"),  # the projected query (batch, 5, heads, key_dim) has axes 0..3
    ("grouped-query-widths-disagree", "GroupQueryAttention",
     {"head_dim": 8, "num_query_heads": 4, "num_key_value_heads": 2}, [(N, 10, 32), (N, 12, 16)], "SC103"),
]

# (id, type, args): Keras refuses these when it makes the layer (exit 2).
REFUSED: list[tuple[str, str, dict[str, Any]]] = [
    ("units-zero", "SimpleRNN", {"units": 0}),
    ("units-missing", "LSTM", {}),
    ("unknown-activation", "GRU", {"units": 3, "activation": "tanhh"}),
    ("unknown-recurrent-activation", "LSTM", {"units": 3, "recurrent_activation": "sigmoidd"}),
    ("convlstm-strides-and-dilation", "ConvLSTM2D", {"filters": 3, "kernel_size": 3, "strides": 2, "dilation_rate": 2}),
    ("convlstm-kernel-list-length", "ConvLSTM2D", {"filters": 3, "kernel_size": [3, 3, 3]}),
    ("mha-zero-heads", "MultiHeadAttention", {"num_heads": 0, "key_dim": 4}),
    ("mha-missing-key-dim", "MultiHeadAttention", {"num_heads": 2}),
    ("attention-score-mode", "Attention", {"score_mode": "additive"}),
    ("grouped-query-heads-not-divisible", "GroupQueryAttention",
     {"head_dim": 8, "num_query_heads": 6, "num_key_value_heads": 4}),
]


def build(type_name: str, args: dict[str, Any]) -> Layer:
    cls = lookup("keras", type_name)
    assert cls is not None, type_name
    return cls.build(dict(args))


@pytest.mark.parametrize(("type_name", "args", "given", "output", "params"),
                         [row[1:] for row in SHAPES], ids=[row[0] for row in SHAPES])
def test_shape_and_params(type_name, args, given, output, params) -> None:
    layer = build(type_name, args)
    why = Why()
    assert layer.output_shape(given, why) == output
    assert layer.params(given, why) == Params(*params)


@pytest.mark.parametrize(("type_name", "args", "given", "code"),
                         [row[1:] for row in SHAPE_ERRORS], ids=[row[0] for row in SHAPE_ERRORS])
def test_shape_error(type_name, args, given, code) -> None:
    layer = build(type_name, args)
    with pytest.raises(ShapeError) as raised:
        layer.output_shape(given, Why())
        layer.params(given, Why())
    assert raised.value.code == code


@pytest.mark.parametrize(("type_name", "args"), [row[1:] for row in REFUSED], ids=[row[0] for row in REFUSED])
def test_refused_at_construction(type_name, args) -> None:
    with pytest.raises((ArgumentError, ValidationError)):
        build(type_name, args)


# Wrappers hold a validated layer entry, so they are built through the file reader.
# (id, layer entry as YAML, input shape without batch, output shape(s), (trainable, non-trainable))
WRAPPED: list[tuple[str, str, list, Any, tuple[int, int]]] = [
    ("bidirectional-concat", "Bidirectional: {layer: {LSTM: {units: 5, return_sequences: true}}}",
     [10, 8], (N, 10, 10), (560, 0)),  # 2 * 4*(5*13 + 5)
    ("bidirectional-sum", "Bidirectional: {layer: {GRU: 4}, merge_mode: sum}",
     [10, 10], (N, 4), (384, 0)),  # 2 * 3*(4*14 + 2*4)
    ("bidirectional-backward-layer",
     "Bidirectional: {layer: {LSTM: {units: 5, return_sequences: true}}, "
     "backward_layer: {GRU: {units: 5, return_sequences: true, go_backwards: true}}}",
     [10, 8], (N, 10, 10), (505, 0)),  # 4*(5*13 + 5) + 3*(5*13 + 2*5)
    ("bidirectional-none-with-states", "Bidirectional: {layer: {GRU: {units: 4, return_state: true, "
     "return_sequences: true}}, merge_mode: null}",
     [5, 3], [(N, 5, 4), (N, 5, 4), (N, 4), (N, 4)], (216, 0)),  # 2 * 3*(4*7 + 2*4)
    ("bidirectional-frozen-inner", "Bidirectional: {layer: {LSTM: {units: 3, trainable: false}}}",
     [7, 4], (N, 6), (0, 192)),  # 2 * 4*(3*7 + 3)
    ("rnn-one-cell", "RNN: {cell: {LSTMCell: 4}, return_sequences: true}", [7, 6], (N, 7, 4),
     (176, 0)),  # 4*(4*(6 + 4) + 4)
    ("rnn-stacked-cells", "RNN: {cell: [{SimpleRNNCell: 3}, {LSTMCell: {units: 5, unit_forget_bias: false}}]}",
     [7, 6], (N, 5), (210, 0)),  # 3*(6 + 3) + 3 = 30; 4*(5*(3 + 5) + 5) = 180 (input: the first cell's 3 units)
    ("rnn-stacked-states", "RNN: {cell: [{GRUCell: {units: 3, reset_after: false}}, {GRUCell: 2}], return_state: true}",
     [7, 5], [(N, 2), (N, 3), (N, 2)], (123, 0)),  # 3*(3*(5 + 3) + 3) = 81; 3*(2*(3 + 2) + 2*2) = 42
    ("rnn-frozen-cell", "RNN: {cell: [{GRUCell: 3}, {GRUCell: {units: 2, trainable: false}}]}",
     [7, 6], (N, 2), (99, 42)),  # 3*(3*9 + 2*3) = 99; 3*(2*5 + 2*2) = 42 frozen
    ("time-distributed-conv", "TimeDistributed: {layer: {Conv2D: {filters: 4, kernel_size: 3}}}",
     [10, 8, 8, 3], (N, 10, 6, 6, 4), (112, 0)),  # 3*3*3*4 + 4
    ("time-distributed-dense", "TimeDistributed: {layer: {Dense: 5}}", [10, 72], (N, 10, 5), (365, 0)),  # 72*5 + 5
    ("time-distributed-lstm", "TimeDistributed: {layer: {LSTM: 3}}", [5, 4, 3], (N, 5, 3), (84, 0)),  # 4*(3*6 + 3)
]


def analyze_entry(entry: str, shape: list) -> Any:
    from shapecalc.engine import analyze

    return analyze(load_model(parse_text(f"input: {shape}\nlayers:\n  - {entry}\n", "case.yaml")))


@pytest.mark.parametrize(("entry", "shape", "output", "params"), [row[1:] for row in WRAPPED],
                         ids=[row[0] for row in WRAPPED])
def test_wrapper_shape_and_params(entry, shape, output, params) -> None:
    analysis = analyze_entry(entry, shape)
    assert [d.message for d in analysis.diagnostics if d.severity.value == "error"] == []
    (row,) = analysis.rows
    assert (row.output_shape, row.params) == (output, Params(*params))


# (id, model file, expected (code, line, column)) for wrapper entries the reader refuses: the position is
# the key at fault inside the wrapped entry, or the `layer:` key when the entry itself is wrong.
WRAPPER_REFUSALS: list[tuple[str, str, tuple[str, int, int]]] = [
    ("inner-unknown-argument", "input: [5, 3]\nlayers:\n  - Bidirectional: {layer: {LSTM: {unit: 4}}}\n",
     ("SC003", 3, 36)),
    ("inner-unknown-type", "input: [5, 3]\nlayers:\n  - TimeDistributed:\n      layer: {Dense2: 4}\n",
     ("SC002", 4, 7)),
    ("inner-bad-value", "input: [5, 3]\nlayers:\n  - TimeDistributed:\n      layer:\n        Dense: {units: -1}\n",
     ("SC004", 5, 17)),
    ("inner-inputs", "input: [5, 3]\nlayers:\n  - TimeDistributed: {layer: {Dense: {units: 2, inputs: [x]}}}\n",
     ("SC004", 3, 49)),
    ("not-recurrent", "input: [5, 3]\nlayers:\n  - Bidirectional: {layer: {Dense: 2}}\n", ("SC004", 3, 21)),
    ("layer-not-an-entry", "input: [5, 3]\nlayers:\n  - Bidirectional: {layer: 5}\n", ("SC009", 3, 21)),
    ("layer-missing", "input: [5, 3]\nlayers:\n  - TimeDistributed: {}\n", ("SC004", 3, 5)),
]


@pytest.mark.parametrize(("text", "expected"), [row[1:] for row in WRAPPER_REFUSALS],
                         ids=[row[0] for row in WRAPPER_REFUSALS])
def test_wrapper_refusals_are_located(text, expected) -> None:
    with pytest.raises(InvalidModel) as raised:
        load_model(parse_text(text, "case.yaml"))
    found = [(d.code, d.line, d.column) for d in raised.value.diagnostics]
    assert expected in found, found


def test_wrapped_layers_take_auto_names_first() -> None:
    text = (
        "input: [10, 8]\nlayers:\n"
        "  - Bidirectional: {layer: {LSTM: {units: 2, return_sequences: true}}}\n"
        "  - TimeDistributed: {layer: {Dense: 2}}\n"
        "  - LSTM: 2\n"
        "  - Dense: 2\n"
    )
    from shapecalc.engine import analyze

    analysis = analyze(load_model(parse_text(text, "case.yaml")))
    assert [row.name for row in analysis.rows] == ["bidirectional", "time_distributed", "lstm_1", "dense_1"]


def test_multi_head_attention_takes_softmax_and_dropout_names() -> None:
    from shapecalc.engine import analyze

    text = (
        "inputs: {x: [4, 8]}\nlayers:\n"
        "  - MultiHeadAttention: {num_heads: 2, key_dim: 4, inputs: [x, x]}\n"
        "  - Dropout: 0.1\n"
        "  - Softmax: {}\n"
    )
    analysis = analyze(load_model(parse_text(text, "case.yaml")))
    assert [row.name for row in analysis.rows][1:] == ["multi_head_attention", "dropout_1", "softmax_1"]


FAMILY_MODULES = ("keras.recurrent", "keras.wrappers", "keras.attention")


def test_every_layer_of_the_family_has_a_table_row() -> None:
    from shapecalc.layers.registry import KERAS

    family = {name for name, target in KERAS.items() if target.partition(":")[0] in FAMILY_MODULES}
    covered = {row[1] for row in SHAPES} | {name for name in family if any(f"{name}:" in row[1] for row in WRAPPED)}
    assert sorted(family - covered) == []


def test_every_layer_of_the_family_has_a_differential_case() -> None:
    cases = Path(__file__).resolve().parents[2] / "differential" / "cases" / "keras"
    text = "\n".join(path.read_text() for path in cases.glob("*.yaml"))
    from shapecalc.layers.registry import KERAS

    family = [name for name, target in KERAS.items() if target.partition(":")[0] in FAMILY_MODULES]
    assert [name for name in family if f"{name}:" not in text] == []
