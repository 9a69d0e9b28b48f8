"""Random recurrent, wrapper and attention models, each compared with a real Keras 3 build.

The YAML cases under cases/keras/ (rnn_*, wrap_*, attn_*) pin down each rule;
this draws combinations nobody wrote by hand (stacked and bidirectional RNNs
with random flags, ConvLSTM geometry, TimeDistributed inner layers, attention
widths) from fixed seeds, so a failure names a seed that reproduces it.
Keras and shapecalc must agree on every row (name, shape, trainable and
non-trainable params) or both refuse the model.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("torch")
pytest.importorskip("keras")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from shapecalc.render.json import document  # noqa: E402
from tests.differential.keras_reference import build  # noqa: E402

SEEDS = range(24)


def maybe(rng: random.Random, chance: float = 0.5) -> bool:
    return rng.random() < chance


def dense_rnn(rng: random.Random) -> tuple[str, dict[str, Any]]:
    kind = rng.choice(["SimpleRNN", "LSTM", "GRU"])
    args: dict[str, Any] = {"units": rng.randint(1, 6)}
    for flag in ("use_bias", "go_backwards"):
        if maybe(rng, 0.3):
            args[flag] = maybe(rng)
    if kind == "GRU" and maybe(rng):
        args["reset_after"] = maybe(rng)
    if maybe(rng, 0.2):
        args["trainable"] = False
    return kind, args


def sequence_model(rng: random.Random) -> dict[str, Any]:
    layers: list[Any] = []
    for _ in range(rng.randint(1, 3)):
        kind, args = dense_rnn(rng)
        args["return_sequences"] = True
        if maybe(rng, 0.4):
            args.pop("go_backwards", None)
            layers.append({"Bidirectional": {"layer": {kind: args},
                                             "merge_mode": rng.choice(["concat", "sum", "mul", "ave"])}})
        else:
            layers.append({kind: args})
    kind, args = dense_rnn(rng)
    layers.append({kind: args})
    return {"input": [rng.choice([None, rng.randint(1, 8)]), rng.randint(1, 6)], "layers": layers}


def conv_lstm_model(rng: random.Random) -> dict[str, Any]:
    rank = rng.choice([1, 2, 3])
    args: dict[str, Any] = {"filters": rng.randint(1, 4),
                            "kernel_size": rng.choice([1, 2, 3, [rng.randint(1, 3) for _ in range(rank)]])}
    if maybe(rng):
        args["padding"] = rng.choice(["valid", "same"])
    if maybe(rng, 0.4):
        args["strides"] = rng.choice([2, [rng.randint(1, 2) for _ in range(rank)]])
    elif maybe(rng, 0.3):
        args["dilation_rate"] = 2
    args["return_sequences"] = maybe(rng)
    shape = [rng.randint(1, 4), *[rng.randint(1, 7) for _ in range(rank)], rng.randint(1, 3)]
    return {"input": shape, "layers": [{f"ConvLSTM{rank}D": args}]}


def time_distributed_model(rng: random.Random) -> dict[str, Any]:
    inner = rng.choice([{"Conv2D": {"filters": 2, "kernel_size": rng.randint(1, 4), "strides": rng.randint(1, 2)}},
                        {"MaxPooling2D": {"pool_size": 2}}, {"Flatten": {}}, {"Dense": {"units": 3}}])
    layers: list[Any] = [{"TimeDistributed": {"layer": inner}}, {"TimeDistributed": {"layer": {"Flatten": {}}}},
                         {"LSTM": {"units": 2}}]
    return {"input": [rng.randint(1, 5), rng.randint(1, 8), rng.randint(1, 8), rng.randint(1, 3)], "layers": layers}


def attention_model(rng: random.Random) -> dict[str, Any]:
    args: dict[str, Any] = {"num_heads": rng.randint(1, 3), "key_dim": rng.randint(1, 5), "inputs": ["q", "v"]}
    if maybe(rng, 0.4):
        args["value_dim"] = rng.randint(1, 5)
    if maybe(rng, 0.3):
        args["use_bias"] = False
    if maybe(rng, 0.3):
        args["output_shape"] = rng.choice([rng.randint(1, 5), [2, 2]])
    layers: list[Any] = [{"MultiHeadAttention": args}, {"Dropout": 0.1}]
    if maybe(rng):
        layers.append({"Attention": {"inputs": ["q", "v"], "use_scale": maybe(rng)}})
    return {"inputs": {"q": [rng.randint(1, 6), rng.randint(1, 9)], "v": [rng.randint(1, 6), rng.randint(1, 9)]},
            "layers": layers}


MAKERS = [sequence_model, conv_lstm_model, time_distributed_model, attention_model]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: f"seed-{seed}")
def test_random_sequence_model_matches_keras(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    data = MAKERS[seed % len(MAKERS)](rng)
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(data))
    reference = build(yaml.safe_load(path.read_text()))
    outcome = analyze_path(str(path))
    if reference.failed_index is not None:
        assert outcome.exit_code() in (1, 2), f"Keras refused ({reference.error}), shapecalc accepted:\n{path.read_text()}"
        return
    assert outcome.analysis is not None, [d.message for d in outcome.diagnostics]
    ours = document(outcome.analysis)
    assert [d["message"] for d in ours["diagnostics"] if d["severity"] == "error"] == []
    mine = [(row["name"], row["output_shape"], row["trainable_params"], row["non_trainable_params"])
            for row in ours["layers"]]
    theirs = [(layer.name, layer.output_shape, layer.trainable_params, layer.non_trainable_params)
              for layer in reference.layers]
    assert mine == theirs, path.read_text()
