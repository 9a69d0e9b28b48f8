"""Positional arguments (`Conv2d: [3, 16, 3]`, `Conv2d: {args: [3, 16, 3], padding: 1}`) read as the framework reads the call.

Three kinds of evidence:
- the declared order of every registered torch.nn / keras.layers class equals the positional
  parameters of the real class's `__init__` (`inspect.signature`);
- differential rows: the real layer built from the same call (`cls(*values, **keywords)`) and run
  gives the output shape and parameter count of our summary of the file;
- a list that was the primary argument before (`MaxPool2d: [3, 2]`, `Reshape: [3, 4]`) still is,
  checked against the framework built with that argument by keyword; and calls Python refuses
  are refused at the value at fault.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest

from shapecalc.commands.pipeline import analyze_path
from shapecalc.layers.positional import ORDERS, list_fills_primary, positional_order
from shapecalc.layers.registry import TABLES, lookup
from shapecalc.model import LayerKeys
from shapecalc.render.json import document

# Parameters the frameworks take positionally that shapecalc does not read (a file naming them gets SC003).
NOT_READ = {
    ("keras", "Bidirectional"): {"weights"},
    ("keras", "Embedding"): {"weights"},
    ("keras", "EinsumDense"): {"gptq_unpacked_column_size"},
    ("keras", "InputLayer"): {"sparse", "ragged", "batch_shape", "input_tensor", "optional"},  # a nested model's
    # Input takes `shape` (and `batch_size`); the others are refused by name
    ("pytorch", "Embedding"): {"_weight", "_freeze"},
    ("pytorch", "Transformer"): {"custom_encoder", "custom_decoder"},
    ("pytorch", "Hardtanh"): {"min_value", "max_value"},  # deprecated spellings
    ("pytorch", "RNN"): {"proj_size"},  # RNNBase's; torch refuses a projection for RNN and GRU
    ("pytorch", "GRU"): {"proj_size"},
}


def framework_classes() -> list[tuple[str, str, type]]:
    """(framework, registry name, real class) for every registry name that is a torch.nn Module or a Keras layer."""
    import keras
    import torch

    found = []
    for framework, namespace, base in (("keras", keras.layers, keras.layers.Layer), ("pytorch", torch.nn, torch.nn.Module)):
        for name in TABLES[framework]:
            real = getattr(namespace, name, None)
            if inspect.isclass(real) and issubclass(real, base):
                found.append((framework, name, real))
    return found


def real_positional(real: type) -> tuple[str, ...]:
    """The parameters a call can give positionally, from the class's own signature.

    torch's RNN, LSTM and GRU take `*args` and pass them to RNNBase after the mode (RNN first
    moving a fourth value to `nonlinearity`); a torch module without its own `__init__` takes
    none (Module.__init__ refuses them); torch's Identity ignores whatever it is given, and
    shapecalc refuses it instead (the one difference, asserted here).
    """
    import torch

    if real in (torch.nn.RNN, torch.nn.LSTM, torch.nn.GRU):
        after_mode = real_positional(torch.nn.RNNBase)[1:]
        return after_mode[:3] + ("nonlinearity",) + after_mode[3:] if real is torch.nn.RNN else after_mode
    names = []
    for parameter in list(inspect.signature(real.__init__).parameters.values())[1:]:
        if parameter.kind not in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            break
        names.append(parameter.name)
    return tuple(names)


CLASSES = framework_classes()


@pytest.mark.parametrize(("framework", "name", "real"), CLASSES, ids=[f"{f}.{n}" for f, n, _ in CLASSES])
def test_declared_order_is_the_framework_signature(framework: str, name: str, real: type) -> None:
    assert positional_order(framework, name) == real_positional(real)


def test_every_framework_class_has_an_order_and_nothing_else_does() -> None:
    classes = {(framework, name) for framework, name, _ in CLASSES}
    declared = {(framework, name) for framework, table in ORDERS.items() for name in table}
    assert declared == classes
    assert len(classes) > 230


@pytest.mark.parametrize(("framework", "name", "real"), CLASSES, ids=[f"{f}.{n}" for f, n, _ in CLASSES])
def test_every_positional_parameter_is_read(framework: str, name: str, real: type) -> None:
    cls = lookup(framework, name)
    written = {field.alias or field_name for field_name, field in cls.model_fields.items()} | set(LayerKeys.model_fields)
    unread = set(positional_order(framework, name)) - written
    assert unread == NOT_READ.get((framework, name), set())


def summarize(tmp_path: Path, framework: str, entry: Any, shape: list[int]) -> dict:
    path = tmp_path / "model.yaml"
    path.write_text(json.dumps({"framework": framework, "input": shape, "batch": 2, "layers": [entry]}), encoding="utf-8")
    outcome = analyze_path(str(path))
    assert outcome.analysis is not None, [(d.line, d.column, d.message) for d in outcome.diagnostics]
    return document(outcome.analysis)["layers"][-1]


def call(type_name: str, values: list[Any], shape: list[int], **keywords: Any) -> tuple:
    """A row: the file writes `Type: [...]` (`Type: {args: [...], ...}` with keywords); the framework
    gets `cls(*values, **keywords)`."""
    entry = {type_name: {"args": values, **keywords} if keywords else values}
    return type_name, entry, tuple(values), keywords, shape


def call_args(type_name: str, values: list[Any], shape: list[int]) -> tuple:
    """A row written `Type: {args: [...]}`: the form for a layer whose list is its primary argument."""
    return type_name, {type_name: {"args": values}}, tuple(values), {}, shape


def primary(type_name: str, value: list[Any], argument: str, shape: list[int]) -> tuple:
    """A row whose list is the primary argument, as before positional lists: the framework gets it by keyword."""
    return type_name, {type_name: value}, (), {argument: tuple(value)}, shape


TORCH_ROWS = [
    call("Conv2d", [3, 16, 3], [3, 32, 32]),
    call("Conv2d", [3, 8, 5, 2, 1], [3, 28, 28]),
    call("Conv2d", [4, 8, 3], [4, 10, 10], padding=1, groups=2),
    call("Conv1d", [2, 4, 3, 1, 0, 2], [2, 20]),
    call("Conv3d", [1, 2, 3, 2, 1, 1, 1, False], [1, 8, 8, 8]),
    call("ConvTranspose2d", [4, 2, 3, 2, 1, 1], [4, 7, 7]),
    call("ConvTranspose1d", [4, 2, 3, 1, 0, 0, 2], [4, 9]),
    call("LazyConv2d", [6, 3], [3, 9, 9]),
    call("Linear", [20, 7], [20]),
    call("Linear", [20, 7, False], [20]),
    call("LazyLinear", [5], [12]),
    call("BatchNorm2d", [8, 1e-3, 0.1, False], [8, 4, 4]),
    call("InstanceNorm1d", [4, 1e-5, 0.1, True], [4, 9]),
    call("GroupNorm", [2, 8], [8, 5, 5]),
    call("LocalResponseNorm", [2], [4, 5, 5]),
    call_args("MaxPool2d", [3, 2, 1], [3, 32, 32]),
    call("MaxPool1d", [2], [3, 9], ceil_mode=True),
    call_args("AvgPool1d", [3, 2, 1, True], [4, 10]),
    call_args("AvgPool2d", [3, 2, 1, False, False], [2, 9, 9]),
    call("LPPool2d", [2, 3, 2], [3, 9, 9]),
    call_args("AdaptiveMaxPool2d", [[2, 3]], [3, 9, 9]),
    call_args("Upsample", [None, 2, "nearest"], [3, 4, 4]),
    call_args("Upsample", [[6, 8]], [3, 4, 4]),
    call("Flatten", [2], [3, 4, 5]),
    call("Unflatten", [1, [2, 6]], [12, 5]),
    call("PixelShuffle", [2], [8, 3, 3]),
    call("Fold", [[4, 5], 2], [12, 12]),
    call("Unfold", [2, 1, 0, 1], [3, 4, 4]),
    call("LeakyReLU", [0.2], [5]),
    call("ELU", [1.0, False], [5]),
    call("Softmax", [1], [5]),
    call("Hardtanh", [-2.0, 2.0], [5]),
    call("Threshold", [0.1, 20.0], [5]),
    call("PReLU", [3], [3, 4, 4]),
    call("GELU", ["tanh"], [5]),
    call("Dropout2d", [0.2, False], [3, 4, 4]),
    call("RNN", [10, 20, 2, "relu"], [5, 10]),
    call("LSTM", [10, 20, 2, True, True], [5, 10]),
    call("GRU", [8, 16, 1, True, False, 0.0, True], [5, 8]),
    call("LSTMCell", [10, 20], [10]),
    call("RNNCell", [10, 20, True, "relu"], [10]),
    call("TransformerEncoderLayer", [16, 4, 32, 0.0], [5, 16], batch_first=True),
    call_args("ConstantPad1d", [[1, 2], 0.5], [3, 6]),
    primary("MaxPool2d", [3, 2], "kernel_size", [3, 12, 12]),
    primary("AdaptiveAvgPool2d", [5, 7], "output_size", [3, 12, 12]),
    primary("Upsample", [2, 3], "scale_factor", [3, 4, 4]),
    primary("LayerNorm", [4, 5], "normalized_shape", [3, 4, 5]),
    primary("ZeroPad2d", [1, 2, 3, 4], "padding", [3, 5, 5]),
    primary("ReflectionPad2d", [1, 1, 2, 2], "padding", [3, 5, 5]),
]


def torch_shapes(output: Any) -> list:
    """A module's output shape, or the flat list of them for a tuple (SPEC §6)."""
    if isinstance(output, tuple):
        flat: list = []
        for part in output:
            inner = torch_shapes(part)
            flat.extend(inner if isinstance(part, tuple) else [inner])
        return flat
    return list(output.shape)


@pytest.mark.parametrize(("type_name", "entry", "values", "keywords", "shape"), TORCH_ROWS,
                         ids=[json.dumps(row[1]) for row in TORCH_ROWS])
def test_torch_reads_the_call_as_torch_does(tmp_path: Path, type_name: str, entry: Any, values: tuple,
                                            keywords: dict, shape: list[int]) -> None:
    import torch

    module = getattr(torch.nn, type_name)(*values, **keywords)
    out = module(torch.zeros(2, *shape))
    row = summarize(tmp_path, "pytorch", entry, shape)
    theirs = torch_shapes(out)
    if isinstance(out, tuple) and not isinstance(row["output_shape"][0], list):
        theirs = theirs[0]  # a recurrent row that shows its first output only: the reading of the call is the point
    assert row["output_shape"] == theirs
    assert row["params"] == sum(p.numel() for p in module.parameters())


KERAS_ROWS = [
    call("Conv2D", [32, 3], [28, 28, 1]),
    call("Conv2D", [8, 3, 2, "same"], [9, 9, 3]),
    call("Conv2D", [8, 3], [9, 9, 3], padding="same", use_bias=False),
    call("Conv2D", [16, 3, 1, "same", None, 1, 1, "relu", False], [8, 8, 3]),
    call("Conv1D", [4, 5, 2], [20, 3]),
    call("Conv3D", [2, 3], [6, 6, 6, 1]),
    call("Conv2DTranspose", [4, 3, 2, "same"], [5, 5, 2]),
    call("Conv3DTranspose", [2, 3, 2, "valid", None, 1], [3, 3, 3, 1]),
    call("DepthwiseConv2D", [3, 1, "valid", 2], [8, 8, 3]),
    call("SeparableConv2D", [8, 3, 1, "same"], [8, 8, 3]),
    call_args("MaxPooling2D", [3, 2, "same"], [9, 9, 1]),
    call_args("AveragePooling1D", [2, 1], [9, 2]),
    call("GlobalAveragePooling2D", [None, True], [4, 4, 3]),
    call("UpSampling1D", [3], [4, 2]),
    call("Dense", [64], [32]),
    call("Dense", [10, "softmax", False], [20]),
    call("Activation", ["relu"], [5]),
    call("Flatten", [None], [3, 4]),
    call("LSTM", [16, "tanh", "sigmoid", True], [7, 4]),
    call("GRU", [8], [5, 3], return_sequences=True),
    call("SimpleRNN", [4], [5, 3]),
    call("ConvLSTM2D", [4, 3], [3, 6, 6, 2]),
    call("RepeatVector", [3], [5]),
    call("ReLU", [6.0, 0.1, 0.0], [5]),
    call("LeakyReLU", [0.3], [5]),
    call("Dropout", [0.5], [5]),
    call("SpatialDropout2D", [0.2], [4, 4, 3]),
    call("GaussianNoise", [0.1], [5]),
    call("BatchNormalization", [-1, 0.9, 0.001, False], [5, 4]),
    call("LayerNormalization", [-1, 1e-5, True, False], [5, 4]),
    call("GroupNormalization", [2], [4, 4, 8]),
    call("Resizing", [16, 12], [8, 8, 3]),
    call("CenterCrop", [4, 6], [8, 8, 3]),
    call("EinsumDense", ["ab,bc->ac", 16], [8]),
    call("TimeDistributed", [{"Dense": 4}], [3, 5]),
    primary("MaxPooling2D", [3, 2], "pool_size", [9, 9, 1]),
    primary("UpSampling2D", [2, 3], "size", [4, 4, 1]),
    primary("Reshape", [3, 4], "target_shape", [12]),
    primary("Permute", [2, 1], "dims", [3, 4]),
    primary("Cropping2D", [[1, 1], [2, 0]], "cropping", [6, 6, 1]),
    primary("ZeroPadding2D", [[1, 2], [3, 4]], "padding", [5, 5, 1]),
]


@pytest.mark.parametrize(("type_name", "entry", "values", "keywords", "shape"), KERAS_ROWS,
                         ids=[json.dumps(row[1]) for row in KERAS_ROWS])
def test_keras_reads_the_call_as_keras_does(tmp_path: Path, type_name: str, entry: Any, values: tuple,
                                            keywords: dict, shape: list[int]) -> None:
    import keras

    if type_name == "TimeDistributed":
        values = (keras.layers.Dense(4),)
    layer = getattr(keras.layers, type_name)(*values, **keywords)
    out = layer(keras.Input(shape=tuple(shape), batch_size=2))
    row = summarize(tmp_path, "keras", entry, shape)
    assert (row["output_shape"], row["params"]) == (list(out.shape), layer.count_params())


def test_the_rule_for_lists_is_the_primary_arguments_type() -> None:
    """A list is the primary argument exactly where that argument takes a list; both meanings exist."""
    assert list_fills_primary(lookup("pytorch", "MaxPool2d")) and list_fills_primary(lookup("keras", "Reshape"))
    assert not list_fills_primary(lookup("keras", "Dense")) and not list_fills_primary(lookup("pytorch", "Conv2d"))
    assert not list_fills_primary(lookup("keras", "UpSampling1D"))  # its size is one integer


BAD_CALLS = [  # (framework, entry text, `line:col` of the value (or key) at fault, words of the message)
    ("pytorch", "  - Conv2d: [3, 16, 3, 1, 0, 1, 1, true, zeros, null, null, 9]",
     "4:61", "takes at most 11 positional arguments"),
    ("pytorch", "  - Conv2d: {args: [3, 16, 3], kernel_size: 5}",
     "4:32", "got multiple values for argument `kernel_size`"),
    ("pytorch", "  - Sigmoid: [1]", "4:15", "takes no positional arguments but 1 was given"),
    ("pytorch", "  - Conv2d: [3, 16, '3']", "4:21", "`kernel_size`"),
    ("pytorch", "  - Chunk: {args: [2]}", "4:13", "keyword arguments only"),
    ("pytorch", "  - Linear: {args: 3}", "4:14", "list of positional arguments"),
    ("keras", "  - Dense: [10, relu, true, glorot_uniform, zeros, null, null, null, null, null, null, null, null, 1]",
     "4:100", "takes at most 13 positional arguments"),
    ("keras", "  - {type: MaxPooling2D, args: [3, 2], strides: 1}", "4:40", "multiple values for argument `strides`"),
    ("keras", "  - Bidirectional: [{LSTM: 4}, sum, [1]]", "4:37", "unknown argument `weights`"),
]


@pytest.mark.parametrize(("framework", "line", "where", "words"), BAD_CALLS, ids=[row[1].strip() for row in BAD_CALLS])
def test_a_call_python_refuses_is_refused_where_written(tmp_path: Path, framework: str, line: str, where: str,
                                                       words: str) -> None:
    path = tmp_path / "model.yaml"
    path.write_text(f"framework: {framework}\ninput: [3, 8, 8]\nlayers:\n{line}\n", encoding="utf-8")
    outcome = analyze_path(str(path))
    assert outcome.exit_code() == 2
    (problem,) = outcome.diagnostics
    assert (f"{problem.line}:{problem.column}", problem.code) == (where, "SC003" if "unknown" in words else "SC004")
    assert words in problem.message


def test_a_positional_list_inside_a_block_keeps_its_meaning(tmp_path: Path) -> None:
    """Blocks rewrite entries to add names and inputs: a positional list must stay positional."""
    path = tmp_path / "model.yaml"
    path.write_text("""framework: pytorch
input: [3, 16, 16]
blocks:
  stage:
    params: {cin: 3, cout: 8}
    layers:
      - nn.Conv2d: [cin, cout, 3, 1, 1]
      - MaxPool2d: [2, 2]
layers:
  - stage: {cin: 3, cout: 8}
  - stage: {cin: 8, cout: 4}
  - Conv2d: {args: [4, 2, 1], inputs: stage_1}
""", encoding="utf-8")
    outcome = analyze_path(str(path))
    assert outcome.analysis is not None, [d.message for d in outcome.diagnostics]
    rows = document(outcome.analysis)["layers"]
    # 3x3 convolutions padded by 1 keep 16, the 2x2 pools halve it: 16 -> 8 -> 4; the last 1x1 conv maps 4 -> 2 channels
    assert [row["output_shape"] for row in rows if row["type"] != "InputLayer"][-1] == [None, 2, 4, 4]
    assert sum(row["params"] for row in rows) == (3 * 8 * 9 + 8) + (8 * 4 * 9 + 4) + (4 * 2 + 2)
