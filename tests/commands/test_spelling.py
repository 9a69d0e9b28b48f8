"""Forms copied from code: module prefixes on type names and other names of a framework read as ours.

Each row is checked against the framework itself: the dotted name is looked
up in the framework's own namespace (`nn.Conv2d` is torch.nn.Conv2d,
`tf.keras.layers.Dense` and `layers.Dense` are keras.layers.Dense), built
with the same arguments and run, and its output shape and parameter count
must equal our summary of the file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

TORCH_ROWS = [  # (framework as written, type as written, args, input without batch)
    ("torch", "nn.Conv2d", {"in_channels": 3, "out_channels": 16, "kernel_size": 3}, [3, 32, 32]),
    ("PyTorch", "torch.nn.Conv2d", {"in_channels": 3, "out_channels": 8, "kernel_size": 5, "stride": 2}, [3, 28, 28]),
    ("pytorch", "nn.Linear", {"in_features": 20, "out_features": 7}, [20]),
    ("torch", "torch.nn.ReLU", {}, [5]),
]
KERAS_ROWS = [
    ("tf.keras", "keras.layers.ReLU", {}, [4, 4, 2]),
    ("tensorflow", "tf.keras.layers.Conv2D", {"filters": 6, "kernel_size": 3}, [10, 10, 3]),
    ("keras", "layers.Dense", {"units": 9}, [12]),
    ("Keras", "layers.MaxPooling2D", {"pool_size": 2}, [9, 9, 1]),
]


def summarize(tmp_path: Path, framework: str, type_name: str, args: dict, shape: list[int]) -> dict:
    path = tmp_path / "model.yaml"
    entry = {type_name: args} if args else type_name
    path.write_text(json.dumps({"framework": framework, "input": shape, "batch": 2, "layers": [entry]}),
                    encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "shapecalc", "summarize", "-f", "json", str(path)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(("framework", "type_name", "args", "shape"), TORCH_ROWS, ids=lambda v: str(v))
def test_torch_forms_read_as_torch_reads_them(tmp_path: Path, framework: str, type_name: str, args: dict,
                                              shape: list[int]) -> None:
    import torch
    from torch import nn

    module = eval(type_name, {"torch": torch, "nn": nn})(**args)  # the framework's own reading of the name
    out = module(torch.zeros(2, *shape))
    document = summarize(tmp_path, framework, type_name, args, shape)
    assert document["framework"] == "pytorch"
    row = document["layers"][-1]
    assert row["type"] == type_name.rsplit(".", 1)[1]
    assert (row["output_shape"], row["params"]) == (list(out.shape), sum(p.numel() for p in module.parameters()))


@pytest.mark.parametrize(("framework", "type_name", "args", "shape"), KERAS_ROWS, ids=lambda v: str(v))
def test_keras_forms_read_as_keras_reads_them(tmp_path: Path, framework: str, type_name: str, args: dict,
                                              shape: list[int]) -> None:
    import keras

    namespace = {"keras": keras, "layers": keras.layers, "tf": type("tf", (), {"keras": keras})}
    layer = eval(type_name, namespace)(**args)
    out = layer(keras.Input(shape=tuple(shape), batch_size=2))
    document = summarize(tmp_path, framework, type_name, args, shape)
    assert document["framework"] == "keras"
    row = document["layers"][-1]
    assert (row["output_shape"], row["params"]) == (list(out.shape), layer.count_params())


def test_an_unknown_framework_name_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text("framework: jax\ninput: [3]\nlayers: [Flatten]\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "shapecalc", "check", str(path)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2 and ":1:1: error[SC004]" in done.stdout and "received 'jax'" in done.stdout


def test_keras_ops_prefix_reads_as_keras_builds_it(tmp_path: Path) -> None:
    """`keras.ops.add` is our `ops.add` (both spellings in one file): Keras's own model of the same calls
    names each operation's row, gives its class and shape, as our summary does."""
    import keras

    keras.backend.clear_session()  # a fresh session's automatic names, as our summary gives them
    a, b = keras.Input(shape=(4, 4, 2), batch_size=2, name="a"), keras.Input(shape=(4, 4, 2), batch_size=2, name="b")
    x = keras.ops.subtract(1.0, keras.ops.abs(keras.ops.multiply(keras.ops.add(a, 3.0), b)))
    model = keras.Model([a, b], x)
    theirs = {op.name: (type(op).__name__, list(op.output.shape)) for op in model._operations}  # as its summary lists them
    path = tmp_path / "model.yaml"
    path.write_text("""inputs: {a: [4, 4, 2], b: [4, 4, 2]}
batch: 2
layers:
  - keras.ops.add: {x2: 3.0, inputs: a}
  - keras.ops.multiply: {inputs: [add, b]}
  - ops.abs
  - keras.ops.subtract: {x1: 1.0}
""", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "shapecalc", "summarize", "-f", "json", str(path)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    ours = {row["name"]: (row["type"], row["output_shape"]) for row in json.loads(done.stdout)["layers"]}
    assert ours == theirs
