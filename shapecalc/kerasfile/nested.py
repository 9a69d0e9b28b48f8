"""A Sequential model saved inside a Keras model (ConvNeXt's stem) as our nested `Sequential:` entry.

Keras 3 writes a model used as a layer as its own config in the outer
model's `layers`: `{class_name: Sequential, config: {name, layers: [...]}}`,
called through the outer model's `inbound_nodes` like any layer. Our entry
holds its layers in order (blocks/expand.py writes them out in place; the
summary shows it as one row, `--expand` its rows). The InputLayer a built
Sequential records first is left out: it takes the shape of the call, which
a saved model already agreed with. Each layer keeps its own `trainable`:
Keras writes every layer of a frozen model frozen, and loading a config
whose model says `trainable: false` but whose layers do not leaves those
layers trainable (as `keras.models.model_from_json` does). A nested
functional model is not read yet (entries.py reports it).
"""

from __future__ import annotations

from typing import Any

from shapecalc.kerasfile.entries import Entry, Unreadable, describe, read_entry
from shapecalc.reading import DocPath

SEQUENTIAL = "Sequential"
INPUT_CLASS = "InputLayer"


def is_nested_sequential(layer: Any) -> bool:
    """A serialized layer that is a keras.Sequential (Keras writes module `keras`; older files the full path)."""
    if not isinstance(layer, dict) or layer.get("class_name") != SEQUENTIAL:
        return False
    module = layer.get("module")
    return module is None or module == "keras" or isinstance(module, str) and module.startswith("keras.")


def read_sequential(layer: dict[str, Any], json_path: DocPath) -> Entry:
    """Our `Sequential: {name, layers}` entry; raises Unreadable at the first inner layer we cannot read."""
    config = layer.get("config")
    base = json_path + ("config",)
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list) or not config["layers"]:
        raise Unreadable(f"{describe(layer)}: a nested Sequential holds `config: {{layers: [...]}}`", base, "SC009")
    entry = Entry(SEQUENTIAL, {"layers": []})
    name = layer.get("name") if isinstance(layer.get("name"), str) else config.get("name")
    if isinstance(name, str):
        entry.args["name"] = name
        entry.positions[("name",)] = base + ("name",) if "name" in config else json_path + ("name",)
    entry.positions[("layers",)] = base + ("layers",)
    for index, inner in enumerate(config["layers"]):
        inner_path = base + ("layers", index)
        if isinstance(inner, dict) and inner.get("class_name") == INPUT_CLASS:
            continue  # the shape of the call
        read = read_sequential(inner, inner_path) if is_nested_sequential(inner) else read_entry(inner, inner_path)
        ours = ("layers", len(entry.args["layers"]))
        entry.positions[ours] = inner_path
        entry.positions[(*ours, read.type_name)] = inner_path + ("class_name",)
        for path, where in read.positions.items():
            entry.positions[(*ours, read.type_name, *path)] = where
        entry.args["layers"].append({read.type_name: read.args})
    if not entry.args["layers"]:
        raise Unreadable(f"{describe(layer)}: a nested Sequential holds at least one layer", base + ("layers",),
                         "SC009")
    return entry

