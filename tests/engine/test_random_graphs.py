"""Seeded random functional graphs, each built in Keras 3 and compared with shapecalc.

Dense layers, Reuse calls of them, and Add/Concatenate/Maximum merges, wired
to random earlier tensors, with several inputs and sometimes several
outputs: the rows (names, types, shapes, parameters) and their order, the
"Connected to" cells, whether that column is shown, and the totals must be
Keras's; where Keras refuses a graph (merging 8 with 16 features),
shapecalc must report an error too.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

pytest.importorskip("torch")
pytest.importorskip("keras")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from shapecalc.render.json import document  # noqa: E402
from shapecalc.render.summary import summary_text  # noqa: E402
from tests.differential.keras_reference import build  # noqa: E402

SEEDS = range(30)


def random_graph(seed: int) -> dict:
    rnd = random.Random(seed)
    inputs = {f"in{i}": [8] for i in range(rnd.randint(1, 3))}
    tensors = list(inputs)
    dense: list[str] = []
    layers = []
    for i in range(rnd.randint(2, 9)):
        draw = rnd.random()
        if draw < 0.45 or len(tensors) < 2:
            args = {"units": 8, "name": f"d{i}"}
            if rnd.random() < 0.7:
                args["inputs"] = [rnd.choice(tensors)]
            layers.append({"Dense": args})
            dense.append(args["name"])
        elif draw < 0.6 and dense:
            args = {"layer": rnd.choice(dense), "inputs": [rnd.choice(tensors)], "name": f"r{i}"}
            layers.append({"Reuse": args})
        else:
            kind = rnd.choice(["Add", "Concatenate", "Maximum"])
            args = {"inputs": [rnd.choice(tensors) for _ in range(rnd.randint(2, 3))], "name": f"m{i}"}
            layers.append({kind: args})
        tensors.append(args["name"])
    data: dict = {"inputs": inputs, "layers": layers}
    if rnd.random() < 0.5:
        made = tensors[len(inputs):]
        data["outputs"] = rnd.sample(made, k=min(len(made), rnd.randint(1, 2)))
    return data


@pytest.mark.parametrize("seed", SEEDS)
def test_random_graph_matches_keras(seed: int, tmp_path: Path) -> None:
    data = random_graph(seed)
    path = tmp_path / f"graph_{seed}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    reference = build(data)
    outcome = analyze_path(str(path))
    errors = [d for d in outcome.diagnostics if d.severity.value == "error"]
    if reference.failed_index is not None:
        assert errors, f"Keras refused ({reference.error}), shapecalc did not"
        return
    assert outcome.analysis is not None and not errors, [d.message for d in outcome.diagnostics]
    summary = summary_text(outcome.analysis)
    shown = "Connected to" in summary.header
    assert shown == reference.connected_column
    ours = [(layer["name"], layer["type"], layer["output_shape"], layer["params"], " ".join(row[3].split("\n")) if shown else "")
            for layer, row in zip(document(outcome.analysis)["layers"], summary.rows, strict=True)]
    theirs = [(layer.name, layer.type, layer.output_shape, layer.params, layer.connected if shown else "")
              for layer in reference.layers]
    assert ours == theirs
    assert outcome.analysis.totals.total == reference.total
