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

import os
from pathlib import Path

import pytest

from shapecalc.blocks.depth import collapse
from shapecalc.commands.pipeline import analyze_path
from shapecalc.render.summary import summary_text

CASES = Path(__file__).parent / "nested"
ROOT = Path(__file__).resolve().parents[2]


def keras_rows(model: object, expand: bool) -> list[list[str]]:
    """The rows of Keras's printed summary: cells of wrapped lines joined, indentation kept."""
    lines: list[str] = []
    columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "1000"  # rich then draws the whole line_length, wide enough to crop no name
    try:
        model.summary(expand_nested=expand, line_length=160,
                      print_fn=lambda text, line_break=True: lines.extend(text.split("\n")))
    finally:
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
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


def build_functional_outer_functional_inner(keras: object) -> object:
    layers = keras.layers
    x = keras.Input((16,), name="x")
    a = layers.Dense(16, name="a")(x)
    inner_in = keras.Input((16,), name="inner_in")
    hidden = layers.Dense(16, name="i2")(layers.Dense(8, name="i1")(inner_in))
    inner = keras.Model(inner_in, layers.Add(name="iadd")([inner_in, hidden]), name="inner")
    return keras.Model(x, layers.Add(name="add")([a, inner(a)]), name="outer")


def build_functional_two_inputs(keras: object) -> object:
    layers = keras.layers
    image, extra = keras.Input((8, 8, 3), name="image"), keras.Input((8, 8, 5), name="extra")
    stem = layers.Conv2D(4, 3, padding="same", name="stem")(image)
    f_a, f_b = keras.Input((8, 8, 4), name="f_a"), keras.Input((8, 8, 5), name="f_b")
    cat = layers.Concatenate(name="cat")([f_a, f_b])
    head = keras.Sequential([layers.Conv2D(6, 1, name="squeeze"), layers.BatchNormalization(name="bn")], name="head")
    fuse = keras.Model([f_a, f_b], layers.GlobalAveragePooling2D(name="pool")(head(cat)), name="fuse")
    return keras.Model([image, extra], layers.Dense(10)(fuse([stem, extra])), name="outer")


def build_functional_in_sequential(keras: object) -> object:
    """Made in file order, so the automatic names agree: the outer Input, then the inner model's layers."""
    layers = keras.layers
    outer_input = keras.Input((16,))
    dense = layers.Dense(16)
    inner_in = keras.Input((16,))
    inner = keras.Model(inner_in, layers.Activation("relu")(layers.Dense(4)(inner_in)))
    return keras.Sequential([outer_input, dense, inner, layers.Dense(2)], name="stack")


def build_functional_chain(keras: object) -> object:
    """Branches inside the nested model only: Keras's outer graph is a chain, printed without "Connected to"."""
    layers = keras.layers
    x = keras.Input((16,), name="x")
    inner_in = keras.Input((16,), name="inner_in")
    inner = keras.Model(inner_in, layers.Add(name="iadd")([inner_in, layers.Dense(16, name="i1")(inner_in)]),
                        name="inner")
    return keras.Model(x, layers.Dense(4, name="out")(inner(x)), name="chain")


KERAS_CASES = [("keras_functional_outer.yaml", build_functional_outer), ("keras_sequential_outer.yaml", build_sequential_outer),
               ("keras_functional_outer_functional_inner.yaml", build_functional_outer_functional_inner),
               ("keras_functional_two_inputs.yaml", build_functional_two_inputs),
               ("keras_functional_in_sequential.yaml", build_functional_in_sequential),
               ("keras_functional_chain.yaml", build_functional_chain)]


@pytest.mark.parametrize("expand", [False, True], ids=["collapsed", "expand_nested"])
@pytest.mark.parametrize(("case", "build"), KERAS_CASES, ids=[case for case, _ in KERAS_CASES])
def test_keras_lists_the_same_rows(case: str, build: object, expand: bool) -> None:
    pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    keras.utils.clear_session()
    model = build(keras)
    printed = keras_rows(model, expand)
    theirs = [cells[:3] for cells in printed]
    assert our_rows(CASES / case, expand) == theirs
    analysis = analyze_path(str(CASES / case)).analysis
    assert analysis is not None and analysis.totals.total == model.count_params()
    non_trainable = sum(int(weight.numpy().size) for weight in model.non_trainable_weights)
    assert analysis.totals.non_trainable == non_trainable
    from shapecalc.blocks.nested import keras_view

    shown = summary_text(keras_view(analysis, expand))
    assert ("Connected to" in shown.header) == (len(printed[0]) == 4)  # Keras's 4th column
    if len(printed[0]) == 4:
        assert [cells[3] for cells in shown.rows] == [cells[3] for cells in printed]


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


@pytest.mark.parametrize(("declared", "called_on"), [((16, 1), (16,)), ((16,), (16, 1)), ((4, 1), (4, 1))],
                         ids=["last-axis-added", "last-axis-squeezed", "equal"])
def test_a_last_axis_of_one_is_squeezed_or_added_as_keras_does(declared: tuple, called_on: tuple,
                                                               tmp_path: Path) -> None:
    """Functional._adjust_input_rank: the nested model's output rank follows its Input, not the tensor."""
    pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    keras.utils.clear_session()
    layers = keras.layers
    inner_in = keras.Input(declared, name="inner_in")
    inner = keras.Model(inner_in, layers.Activation("relu", name="act")(inner_in), name="inner")
    x = keras.Input(called_on, name="x")
    model = keras.Model(x, layers.Flatten(name="f")(inner(x)), name="outer")
    path = tmp_path / "squeeze.yaml"
    path.write_text(f"""model: outer
inputs: {{x: {list(called_on)}}}
layers:
  - Functional:
      name: inner
      layers: [{{Input: {{shape: {list(declared)}, name: inner_in}}}}, {{Activation: {{activation: relu, name: act}}}}]
  - Flatten: {{name: f}}
""")
    analysis = analyze_path(str(path)).analysis
    assert analysis is not None
    from shapecalc.blocks.nested import keras_view

    ours = [(row.name, list(row.main_shape)) for row in keras_view(analysis).rows]
    assert ours == [(layer.name, list(layer.output.shape)) for layer in model.layers]


def test_total_macs_do_not_count_a_nested_model_twice_when_expanded() -> None:
    """The model's row and its layers' rows show the same work: Dense 16x16 + 16x8 + 8x16 = 512 either way."""
    from shapecalc.blocks.nested import keras_view

    analysis = analyze_path(str(CASES / "keras_functional_outer_functional_inner.yaml")).analysis
    assert analysis is not None
    assert keras_view(analysis, expand=False).total_macs == keras_view(analysis, expand=True).total_macs == 512


def test_expanded_summary_is_the_golden() -> None:
    """`summarize --expand` piped, as recorded (rewrite it with `shapecalc summarize FILE --expand > GOLDEN`
    after a deliberate change): its rows are Keras's (test_keras_lists_the_same_rows), and the top-level
    rows' parameters add up to the total (the indented ones are inside a model's row)."""
    import re
    import subprocess
    import sys

    case = CASES / "keras_functional_two_inputs.yaml"
    done = subprocess.run([sys.executable, "-m", "shapecalc", "summarize", str(case.relative_to(ROOT)), "--expand"],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    golden = case.with_suffix(".expanded.txt").read_text(encoding="utf-8")
    assert done.stdout == golden
    top_level = [int(cells[2].replace(",", "")) for line in golden.splitlines() if line.startswith("│ ")
                 and not line.startswith("│    ") and len(cells := line.split("│")[1:-1]) == 4]
    total = int(re.search(r"Total params: ([\d,]+)", golden)[1].replace(",", ""))
    assert sum(top_level) == total == 266
