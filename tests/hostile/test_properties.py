"""Property tests: whatever a model file holds, shapecalc answers with 0, 1 or 2 and never a traceback.

Three kinds of generated files: the shipped specs and test cases damaged in
random ways (see mutations.py), random documents in the model file's own vocabulary, and
valid sequential models with random sizes. For every one, `summarize
--format json`, `summarize` (plain and Rich) and `check` run in-process
through the functions the console entry point calls, and:

- the exit code is 0, 1 or 2, the same for `summarize` and `check`;
- stdout holds exactly one JSON document, whatever the exit code;
- every diagnostic is one `path:line:col: severity[CODE] message` line
  pointing inside the file;
- every shape shown has positive sizes or None.

A few damaged files also go through a real process, to prove nothing
escapes `main()`.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shapecalc.commands import check, summarize
from shapecalc.layers.registry import KERAS, PYTORCH
from tests.hostile.mutations import REPLACEMENTS, mutate

ROOT = Path(__file__).parents[2]
# What gets damaged: the shipped specs and the differential and diagnostic cases, which between
# them reach every layer type, so damaged numbers reach every layer's arithmetic.
SEEDS = sorted((ROOT / "specs").rglob("*.yaml")) + sorted((ROOT / "tests" / "differential" / "cases").rglob("*.yaml")) \
    + sorted((ROOT / "tests" / "diagnostics" / "cases").glob("*.yaml"))
SPEC_TEXTS = [path.read_text(encoding="utf-8") for path in SEEDS]
CHECK_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): (error|warning|info)\[SC\d{3}\] [^\n]+$")
SECONDS = 2.0  # per file, in-process; the corpus test holds the real bound of one second

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties") / "model.yaml"


def write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogatepass"))  # a lone surrogate becomes bytes that are not UTF-8


def run(function, *args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = function(*args)
    return code, out.getvalue(), err.getvalue()


def assert_answers_sanely(path: Path, text: str) -> dict:
    """The properties every file must have; returns the JSON document."""
    start = time.process_time()
    code, out, err = run(summarize.run, str(path), "json")
    assert code in (0, 1, 2)
    assert err == ""
    document = json.loads(out)  # raises on anything but exactly one JSON document
    for layer in document["layers"]:
        shapes = layer["output_shape"]
        for shape in shapes if shapes and isinstance(shapes[0], list) else [shapes]:
            assert all(dim is None or (type(dim) is int and dim > 0) for dim in shape), layer
    lines = max(1, len(text.splitlines())) + 1
    for diagnostic in document["diagnostics"]:
        assert 1 <= diagnostic["line"] <= lines and diagnostic["column"] >= 1, diagnostic
        assert "\n" not in diagnostic["message"]
    if any(d["code"].startswith("SC0") for d in document["diagnostics"]):
        assert code == 2

    check_code, check_out, _ = run(check.run, [str(path)], False, "text")
    assert check_code == code
    for line in check_out.splitlines():
        assert CHECK_LINE.match(line), line
    assert len(check_out.splitlines()) == len(document["diagnostics"])

    table_code, table, table_err = run(summarize.run, str(path), "table")
    assert table_code == code and "Traceback" not in table + table_err
    assert time.process_time() - start < SECONDS
    return document


def render_rich(path: Path) -> None:
    """The terminal renderer too: user text there must not break Rich."""
    from shapecalc.commands.pipeline import analyze_path
    from shapecalc.render import rich_table

    outcome = analyze_path(str(path))
    if outcome.analysis is not None:
        rich_table.render(outcome.analysis, io.StringIO())


@SETTINGS
@given(spec=st.sampled_from(SPEC_TEXTS), rng=st.randoms(use_true_random=False))
def test_damaged_specs(model_path: Path, spec: str, rng: random.Random) -> None:
    text = mutate(spec, rng)
    write(model_path, text)
    assert_answers_sanely(model_path, text)
    render_rich(model_path)


# Random documents in the file's own vocabulary: right keys, wrong everything else.
SCALARS = st.one_of(
    st.integers(-(2**70), 2**70), st.integers(0, 64), st.floats(allow_nan=True), st.booleans(), st.none(),
    st.text(max_size=12), st.sampled_from(["same", "valid", "relu", "channels_first", "[b]x[/b]", "x" * 300]),
)
ARGUMENTS = st.sampled_from([
    "units", "filters", "kernel_size", "strides", "padding", "pool_size", "size", "rate", "name", "inputs",
    "trainable", "expect", "activation", "dilation_rate", "data_format", "in_channels", "out_channels",
    "stride", "dilation", "groups", "ceil_mode", "layer", "target_shape", "axis", "cropping", "type",
])
KEYS = ARGUMENTS | st.text(max_size=8)  # any text too: a key with a line break must not break a message
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=12)
LAYER_TYPES = st.sampled_from(sorted(set(KERAS) | set(PYTORCH)) + ["Dense2", "conv2d", ""])
ENTRIES = st.one_of(
    LAYER_TYPES,
    st.builds(lambda t, v: {t: v}, LAYER_TYPES, VALUES),
    st.builds(lambda t, args: {"type": t, **args}, LAYER_TYPES, st.dictionaries(KEYS, VALUES, max_size=4)),
    VALUES,
)
SHAPES = st.lists(st.one_of(st.integers(-2, 300), st.none(), st.just(2**40)), max_size=5)
DOCUMENTS = st.fixed_dictionaries(
    {"layers": st.lists(ENTRIES, max_size=8)},
    optional={
        "framework": st.sampled_from(["keras", "pytorch", "tensorflow", None]),
        "input": SHAPES | VALUES,
        "inputs": st.dictionaries(st.text(min_size=1, max_size=6), SHAPES, max_size=3),
        "batch": st.integers(-1, 2**50) | st.none(),
        "model": st.text(max_size=20),
        "outputs": st.lists(st.text(max_size=6), max_size=3),
        "expect": st.fixed_dictionaries({"output": SHAPES}),
    },
)


@SETTINGS
@given(document=DOCUMENTS, as_json=st.booleans())
def test_random_documents(model_path: Path, document: dict, as_json: bool) -> None:
    text = json.dumps(document) if as_json else yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    write(model_path, text)
    assert_answers_sanely(model_path, text)


# Valid sequential models with random sizes: every shape positive or None, errors only SC1xx.
SIZES = st.integers(1, 64)
KERAS_LAYERS = st.one_of(
    st.builds(lambda f, k, s, p: {"Conv2D": {"filters": f, "kernel_size": k, "strides": s, "padding": p}},
              SIZES, st.integers(1, 7), st.integers(1, 4), st.sampled_from(["valid", "same"])),
    st.builds(lambda k, s, p: {"MaxPooling2D": {"pool_size": k, "strides": s, "padding": p}},
              st.integers(1, 5), st.integers(1, 4) | st.none(), st.sampled_from(["valid", "same"])),
    st.builds(lambda k: {"AveragePooling2D": {"pool_size": k}}, st.integers(1, 4)),
    st.builds(lambda s: {"UpSampling2D": {"size": s}}, st.integers(1, 3)),
    st.just({"Activation": "relu"}),
    st.just({"Dropout": 0.25}),
)
HEADS = st.lists(st.one_of(st.just("Flatten"), st.builds(lambda u: {"Dense": u}, SIZES)), max_size=2)


@SETTINGS
@given(size=st.lists(st.integers(1, 96) | st.none(), min_size=2, max_size=2), channels=st.integers(1, 8),
       body=st.lists(KERAS_LAYERS, max_size=10), head=HEADS)
def test_valid_models_give_positive_shapes(model_path: Path, size: list, channels: int, body: list, head: list) -> None:
    document = {"framework": "keras", "input": [*size, channels], "layers": body + head or ["Flatten"]}
    text = yaml.safe_dump(document, sort_keys=False)
    write(model_path, text)
    result = assert_answers_sanely(model_path, text)
    assert all(not d["code"].startswith("SC0") for d in result["diagnostics"]), result["diagnostics"]


@pytest.mark.parametrize("seed", range(6))
def test_damaged_specs_through_a_real_process(seed: int, tmp_path: Path) -> None:
    """Nothing escapes `main()`: exit 0, 1 or 2, no traceback, one JSON document."""
    rng = random.Random(seed)
    path = tmp_path / "damaged.yaml"
    write(path, mutate(rng.choice(SPEC_TEXTS), rng))
    result = subprocess.run([sys.executable, "-m", "shapecalc", "summarize", "--format", "json", str(path)],
                            capture_output=True, timeout=60)
    assert result.returncode in (0, 1, 2)
    assert b"Traceback" not in result.stderr and b"internal error" not in result.stderr, result.stderr
    json.loads(result.stdout)


def test_replacement_values_are_yaml() -> None:
    """The mutation table itself: every replacement value parses as a YAML scalar or flow value."""
    for value in REPLACEMENTS:
        if value != "*nowhere":
            yaml.safe_load(f"a: {value}")
