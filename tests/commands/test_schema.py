"""`shapecalc schema`: a valid JSON Schema 2020-12 that accepts every shipped spec and rejects misspelt arguments.

Checked with the `jsonschema` package, not with our own reader: what an
editor (yaml-language-server) or `check-jsonschema` would say of the file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from shapecalc.commands.schema import model_file_schema

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "specs").rglob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = model_file_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator: jsonschema.Draft202012Validator, document: dict) -> list[str]:
    return [error.message for error in validator.iter_errors(document)]


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_spec_is_valid(validator: jsonschema.Draft202012Validator, path: Path) -> None:
    assert errors(validator, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(("document", "why"), [
    ({"input": [28, 28, 1], "layers": [{"Conv2D": {"filtres": 8, "kernel_size": 3}}]}, "misspelt Keras argument"),
    ({"input": [28, 28, 1], "layers": [{"Conv2D": {"filters": 8, "kernel_size": 3, "padding": "full"}}]},
     "a padding Keras does not have"),
    ({"input": [28, 28, 1], "layers": [{"Conv2D": {"filters": 0, "kernel_size": 3}}]}, "zero filters"),
    ({"framework": "pytorch", "input": [3, 8, 8], "layers": [{"Conv2d": {"in_channel": 3, "out_channels": 4,
                                                                          "kernel_size": 3}}]},
     "misspelt torch argument"),
    ({"framework": "torch", "input": [3], "layers": [{"Linear": {"in_features": 3, "units": 4}}]},
     "a Keras argument on a torch layer"),
    ({"framework": "jax", "input": [3], "layers": ["Flatten"]}, "an unknown framework"),
    ({"input": [3]}, "no layers"),
])
def test_mistakes_are_rejected(validator: jsonschema.Draft202012Validator, document: dict, why: str) -> None:
    assert errors(validator, document), why


def test_the_same_type_name_follows_the_files_framework(validator: jsonschema.Draft202012Validator) -> None:
    keras_embedding = {"Embedding": {"input_dim": 10, "output_dim": 4}}
    torch_embedding = {"Embedding": {"num_embeddings": 10, "embedding_dim": 4}}
    assert errors(validator, {"input": [5], "layers": [keras_embedding]}) == []
    assert errors(validator, {"framework": "pytorch", "input": [5], "layers": [torch_embedding]}) == []
    assert errors(validator, {"framework": "pytorch", "input": [5], "layers": [keras_embedding]})


def test_command_prints_the_schema_for_one_framework() -> None:
    done = subprocess.run([sys.executable, "-m", "shapecalc", "schema", "--framework", "pytorch"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    schema = json.loads(done.stdout)
    assert done.returncode == 0 and schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "pytorch.Conv2d" in schema["$defs"] and "keras.Conv2D" not in schema["$defs"]


TORCH_FILE = {"framework": "pytorch", "input": [3, 8, 8]}


@pytest.mark.parametrize("entry", [
    {"Conv2d": [3, 16, 3]},
    {"nn.Conv2d": [3, 16, 3, 1, 1]},
    {"Conv2d": {"args": [3, 16, 3], "padding": 1}},
    {"MaxPool2d": [3, 2]},  # the kernel size, as ever
    {"MaxPool2d": {"args": [3, 2, 1]}},
    {"Linear": [192, 10, False]},
    {"type": "Conv2d", "args": [3, 4, 1], "name": "c"},
])
def test_positional_forms_are_accepted(validator: jsonschema.Draft202012Validator, entry: dict) -> None:
    assert errors(validator, {**TORCH_FILE, "layers": [entry]}) == []


@pytest.mark.parametrize(("entry", "why"), [
    ({"Conv2d": [3, 16, 3, 1, 0, 1, 1, True, "zeros", None, None, 7]}, "more values than Conv2d's 11 parameters"),
    ({"Conv2d": [3, 16, "3"]}, "a kernel size written as text"),
    ({"Conv2d": {"args": 3}}, "args that is not a list"),
    ({"Sigmoid": [1]}, "a value for a module that takes none"),
])
def test_positional_mistakes_are_rejected(validator: jsonschema.Draft202012Validator, entry: dict, why: str) -> None:
    assert errors(validator, {**TORCH_FILE, "layers": [entry]}), why


def test_keras_positional_forms(validator: jsonschema.Draft202012Validator) -> None:
    good = [{"Conv2D": [32, 3]}, {"Dense": [10, "softmax"]}, {"Reshape": [2, 2, 8]}, {"MaxPooling2D": [2, 2]}]
    assert errors(validator, {"input": [6, 6, 1], "layers": good}) == []
    assert errors(validator, {"input": [6, 6, 1], "layers": [{"Dense": [10, "softmax", "yes"]}]}), "use_bias as text"
