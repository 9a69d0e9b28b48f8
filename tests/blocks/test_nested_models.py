"""Models used as layers, against the frameworks themselves.

Keras: the model each file describes is built in Keras code (layers made in
file order, so the automatic names agree), and `model.summary()` and
`summary(expand_nested=True)` are read as Keras prints them: our table must
list the same rows (name, type, shape, parameters), the nested model as one
row or its rows indented under it. PyTorch: the same nn.Sequential nesting
built with torch.nn; every leaf module is a row named by its path, and
`--depth` folds rows as torchinfo's `depth` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shapecalc.blocks.depth import collapse
from shapecalc.commands.pipeline import analyze_path
from shapecalc.render.summary import summary_text

CASES = Path(__file__).parent / "nested"


def keras_rows(model: object, expand: bool) -> list[list[str]]:
    """The rows of Keras's printed summary: cells of wrapped lines joined, indentation kept."""
    lines: list[str] = []
    model.summary(expand_nested=expand, print_fn=lambda text, line_break=True: lines.extend(text.split("\n")))
    rows: list[list[str]] = []
    current: list[list[str]] | None = None
    for line in lines:
        if line.startswith("│"):
            cells = line.strip("│").split("│")
            if current is None:
                current = [[cells[0][1:].rstrip()]] + [[cell.strip()] for cell in cells[1:]]  # names keep their indent
            else:
                for parts, cell in zip(current, cells, strict=True):
                    if cell.strip():
                        parts.append(cell.strip())
        elif line.startswith(("├", "└")) and current is not None:
            rows.append([" ".join(parts) for parts in current])
            current = None
    return rows


def our_rows(path: Path, expand: bool) -> list[list[str]]:
    from shapecalc.blocks.nested import keras_view

    analysis = analyze_path(str(path)).analysis
    assert analysis is not None
    return [cells[:3] for cells in summary_text(keras_view(analysis, expand)).rows]


def build_functional_outer(keras: object) -> object:
    layers = keras.layers
    x = keras.Input((16,), name="x")
    a = layers.Dense(16, name="a")(x)
    head = keras.Sequential([layers.Dense(8, name="i1"), layers.Dense(16, name="i2")], name="head")
    return keras.Model(x, layers.Add(name="add")([a, head(a)]), name="outer")


def build_sequential_outer(keras: object) -> object:
    layers = keras.layers
    d0 = layers.Dense(16, name="d0")
    n1 = layers.Dense(8, name="n1")
    deep = keras.Sequential([layers.Dense(4, name="nn1")], name="deep")
    mid = keras.Sequential([n1, deep], name="mid")
    dense = layers.Dense(4)
    last = keras.Sequential([layers.Dense(3), layers.BatchNormalization()])
    return keras.Sequential([keras.Input((16,)), d0, mid, dense, last], name="stack")


KERAS_CASES = [("keras_functional_outer.yaml", build_functional_outer), ("keras_sequential_outer.yaml", build_sequential_outer)]


@pytest.mark.parametrize("expand", [False, True], ids=["collapsed", "expand_nested"])
@pytest.mark.parametrize(("case", "build"), KERAS_CASES, ids=[case for case, _ in KERAS_CASES])
def test_keras_lists_the_same_rows(case: str, build: object, expand: bool) -> None:
    pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    keras.utils.clear_session()
    model = build(keras)
    theirs = [cells[:3] for cells in keras_rows(model, expand)]
    assert our_rows(CASES / case, expand) == theirs
    analysis = analyze_path(str(CASES / case)).analysis
    assert analysis is not None and analysis.totals.total == model.count_params()


def test_the_json_lists_what_keras_lists(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "shapecalc", "summarize", str(CASES / "keras_functional_outer.yaml"),
                           "--format", "json"], capture_output=True, text=True, check=True)
    rows = json.loads(done.stdout)["layers"]
    assert [(row["name"], row["type"], row["params"]) for row in rows] == [
        ("x", "InputLayer", 0), ("a", "Dense", 272), ("head", "Sequential", 8 * 16 + 8 + 16 * 8 + 16), ("add", "Add", 0)]
    assert rows[3]["inputs"] == ["a", "head"]


def test_torch_nested_sequential_by_module_path() -> None:
    torch = pytest.importorskip("torch")
    pytest.importorskip("torchinfo")
    from torch import nn

    from tests.blocks.torch_modules import leaf_modules, torchinfo_rows

    class Nested(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
                                          nn.Sequential(nn.Conv2d(8, 16, 3, stride=2), nn.BatchNorm2d(16)))
            self.flatten = nn.Flatten()
            self.classifier = nn.Linear(3600, 10)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.classifier(self.flatten(self.features(x)))

    analysis = analyze_path(str(CASES / "torch_nested.yaml")).analysis
    assert analysis is not None
    ours = {row.name: ([1, *row.output_shape[1:]], row.params.total) for row in analysis.rows}
    assert ours == leaf_modules(Nested(), torch.zeros(1, 3, 32, 32))
    for depth in (1, 2):
        theirs = torchinfo_rows(Nested(), (1, 3, 32, 32), depth)
        folded = {row.name: (row.params.total, [1, *row.output_shape[1:]]) for row in collapse(analysis, depth).rows}
        assert folded == theirs, depth
