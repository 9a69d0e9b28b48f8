"""One serialized Keras layer (`{module, class_name, config, ...}`) as one layer entry of our model file.

Keras 3 writes each layer as its class and `get_config()`: the constructor's
own arguments, which are the argument names our vocabulary already uses. So
an entry is mostly the config itself, less what never changes a shape or a
parameter count (the dtype policy, `trainable`, which becomes the common key)
and with Keras's serialized objects (initializers, regularizers, constraints)
written compactly. What a layer's config holds that we do not model is left
in, so the schema refuses it, located, rather than dropped in silence; only
the keys listed in VALUE_ONLY are dropped, because they change values and masks,
never shapes or weights.

Which of our types a class is: a class of `keras.layers` by its class name;
an operation of `keras.src.ops.numpy` (`x + 3.0` is `Add`) as `ops.<function>`;
any other class Keras itself writes from inside `keras.` by its class name if
our vocabulary has it (`CustomScaleLayer`, `LayerScale`). A class from
outside Keras is the user's own, even when its name is one of Keras's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shapecalc.reading import DocPath

# Config keys that change values or masks, never shapes or weights: dropped at any value
# (the dtype policy always; the others where our class does not take them).
DTYPE = "dtype"
VALUE_ONLY = frozenset({"zero_output_for_mask", "unroll", "seed", "activity_regularizer"})
# Config keys that may only hold their default, which we model; any other value is refused by name.
ONLY_DEFAULT: dict[str, Any] = {"quantization_config": None}
# Classes (besides keras.layers) written by Keras's own code; keys are (module prefix, class name).
SERIALIZED_OBJECT_KEYS = ("module", "class_name", "config", "registered_name")
MODEL_CLASSES = ("Functional", "Sequential", "Model")
OPERATIONS_MODULE = "keras.src.ops"


@dataclass
class Entry:
    """A layer entry for our file, and where each of its parts was written in the JSON."""

    type_name: str
    args: dict[str, Any]
    positions: dict[DocPath, DocPath] = field(default_factory=dict)  # our path (relative to args) -> JSON path


class Unreadable(Exception):
    """A serialized layer we cannot take: its class is not in our vocabulary, or its form is wrong."""

    def __init__(self, message: str, json_path: DocPath, code: str = "SC002"):
        super().__init__(message)
        self.message = message
        self.json_path = json_path
        self.code = code


def describe(layer: Any) -> str:
    """`class_name` and name of a serialized layer, for messages: `CustomBlock 'block_3'`."""
    if not isinstance(layer, dict):
        return "entry"
    config = layer.get("config") if isinstance(layer.get("config"), dict) else {}
    name = layer.get("name", config.get("name"))
    class_name = layer.get("class_name")
    shown = class_name if isinstance(class_name, str) else "entry"
    return f"{shown} {name!r}" if isinstance(name, str) else shown


def our_type(layer: dict[str, Any], json_path: DocPath) -> str:
    """Our type name for a serialized layer's class, or Unreadable saying why not."""
    from shapecalc.layers.base import snake_case
    from shapecalc.layers.registry import lookup

    module, class_name = layer.get("module"), layer.get("class_name")
    if not isinstance(class_name, str) or not class_name:
        raise Unreadable("a serialized layer needs a `class_name` (text)", json_path + ("class_name",), "SC009")
    if module is not None and not isinstance(module, str):
        raise Unreadable("`module` must be text", json_path + ("module",), "SC009")
    module = module or "keras.layers"
    where = json_path + ("class_name",)
    if module != "keras" and not module.startswith("keras."):
        raise Unreadable(f"{describe(layer)} is a custom layer (class {class_name} from module {module!r}), "
                         "not in shapecalc's Keras vocabulary", where)
    if class_name in MODEL_CLASSES:
        raise Unreadable(f"{describe(layer)} is a model nested as a layer; nested models cannot be read yet", where)
    if module.startswith(OPERATIONS_MODULE):
        written = f"ops.{snake_case(class_name)}"
        if lookup("keras", written) is not None:
            return written
        raise Unreadable(f"{describe(layer)} is the Keras operation {module}.{class_name} "
                         f"({written}), not in shapecalc's Keras vocabulary yet", where)
    if lookup("keras", class_name) is not None and class_name != "Reuse":
        return class_name
    raise Unreadable(f"{describe(layer)}: Keras class {module}.{class_name} is not in shapecalc's Keras vocabulary",
                     where)


def read_entry(layer: Any, json_path: DocPath) -> Entry:
    """Our entry for one serialized layer (a wrapper's inner layers included); raises Unreadable."""
    if not isinstance(layer, dict):
        raise Unreadable("a serialized layer is a mapping with `class_name` and `config`", json_path, "SC009")
    type_name = our_type(layer, json_path)
    config = layer.get("config", {})
    if not isinstance(config, dict):
        raise Unreadable(f"{describe(layer)}: `config` must be a mapping", json_path + ("config",), "SC009")
    entry = Entry(type_name, {})
    base = json_path + ("config",)
    if isinstance(layer.get("name"), str) or isinstance(config.get("name"), str):
        entry.args["name"] = layer.get("name") if isinstance(layer.get("name"), str) else config["name"]
        entry.positions[("name",)] = base + ("name",) if "name" in config else json_path + ("name",)
    from shapecalc.layers.registry import lookup

    accepted = {info.alias or name for name, info in lookup("keras", type_name).model_fields.items()}
    for key, value in config.items():
        if key in ("name", "trainable", DTYPE) or key in VALUE_ONLY and key not in accepted:
            continue
        if key in ONLY_DEFAULT:
            if value != ONLY_DEFAULT[key]:
                raise Unreadable(f"{describe(layer)}: `{key}: {_short(value)}` is not modelled by shapecalc "
                                 f"(only {ONLY_DEFAULT[key]!r}); its weights would differ", base + (key,), "SC004")
            continue
        entry.args[key] = _argument(type_name, key, value, base + (key,), entry)
        entry.positions[(key,)] = base + (key,)
    if config.get("trainable") is False:
        entry.args["trainable"] = False
        entry.positions[("trainable",)] = base + ("trainable",)
    return entry


def _argument(type_name: str, key: str, value: Any, json_path: DocPath, entry: Entry) -> Any:
    """One config value in our form: a nested layer as an entry, a serialized object compactly."""
    from shapecalc.layers.registry import lookup

    cls = lookup("keras", type_name)
    if cls is not None and key in cls.nested_entries:
        if isinstance(value, list):
            return [_nested(inner, json_path + (i,), (key, i), entry) for i, inner in enumerate(value)]
        if isinstance(value, dict) and value.get("class_name") == "StackedRNNCells":  # RNN(cell=[...]) as Keras saves it
            cells = (value.get("config") or {}).get("cells")
            if isinstance(cells, list):
                cells_path = json_path + ("config", "cells")
                return [_nested(inner, cells_path + (i,), (key, i), entry) for i, inner in enumerate(cells)]
        if value is not None:
            return _nested(value, json_path, (key,), entry)
    return compact(value)


def _nested(layer: Any, json_path: DocPath, ours: DocPath, outer: Entry) -> dict[str, Any]:
    inner = read_entry(layer, json_path)
    outer.positions[ours] = json_path
    outer.positions[ours + (inner.type_name,)] = json_path + ("class_name",)
    for path, where in inner.positions.items():
        outer.positions[ours + (inner.type_name, *path)] = where
    return {inner.type_name: inner.args}


def compact(value: Any) -> Any:
    """A serialized Keras object (`{module, class_name, config, registered_name}`) as Keras also reads it,
    shorter: its name alone when its config holds only defaults (`glorot_uniform`), else
    `{class_name, config}` without null entries. Other values are returned as they are."""
    from shapecalc.layers.base import snake_case

    if isinstance(value, list):
        return [compact(item) for item in value]
    if not isinstance(value, dict) or "class_name" not in value or not set(value) <= set(SERIALIZED_OBJECT_KEYS):
        return value
    class_name, config = value.get("class_name"), value.get("config")
    if not isinstance(class_name, str) or value.get("registered_name") not in (None, class_name):
        return value
    if config is None or isinstance(config, dict) and all(item is None for item in config.values()):
        return snake_case(class_name)
    if isinstance(config, dict):
        return {"class_name": class_name, "config": {k: compact(v) for k, v in config.items() if v is not None}}
    return {"class_name": class_name, "config": config}


def _short(value: Any) -> str:
    import reprlib

    return reprlib.Repr().repr(value)[:60]
