"""Writes a model that keras.applications built as a shapecalc model file, from Keras's own records of it.

Independent of shapecalc: each operation of the built model becomes one
entry, its arguments taken from `layer.get_config()` (the file format uses
Keras's argument names), its `inputs:` from the model's nodes, its name the
name Keras gave it; graph operations (`x + 3.0`) become `ops.<function>`
entries with their constants in place; the custom layers keras.applications
defines are declared in `custom_layers:` as a user would declare them. What
the file format cannot say yet raises NotWritable with the reason, so the
list of models still out of reach is a fact the tests keep current.
"""

from __future__ import annotations

import re
from typing import Any

# Keras's configs carry these, but they change values or dtypes, never shapes or counts
VALUE_ONLY = ("name", "dtype", "trainable")

# The custom layers of keras.applications, declared as a file declares them (their code is in
# keras/src/applications: convnext.py LayerScale, inception_resnet_v2.py CustomScaleLayer)
DECLARATIONS = {
    "LayerScale": {"arguments": ["init_values", "projection_dim"], "output": "same",
                   "weights": {"gamma": ["projection_dim"]}},
    "CustomScaleLayer": {"arguments": ["scale"], "inputs": 2, "output": "broadcast"},
}


class NotWritable(Exception):
    """The model uses something the model file cannot express (yet)."""


def plain(value: Any) -> Any:
    """A config value as YAML data: tuples as lists, all the way down."""
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def snake(name: str) -> str:
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def model_file(model: Any) -> dict[str, Any]:
    """The model file of a built functional model: inputs, one entry per operation, outputs."""
    import keras

    relevant = {id(node) for nodes in model._nodes_by_depth.values() for node in nodes}
    inputs: dict[str, list] = {}
    entries: list[dict[str, Any]] = []
    declared: dict[str, Any] = {}
    for operation in model._operations:
        kind = type(operation).__name__
        if isinstance(operation, keras.layers.InputLayer):
            inputs[operation.name] = plain(list(operation.output.shape[1:]))
            continue
        if isinstance(operation, keras.Model) and not isinstance(operation, keras.Sequential):
            raise NotWritable(f"{operation.name} is a nested model ({kind} inside the model)")
        nodes = [node for node in operation._inbound_nodes if id(node) in relevant]
        if len(nodes) != 1:
            raise NotWritable(f"{operation.name} is called {len(nodes)} times")
        node = nodes[0]
        sources = [reference(tensor) for tensor in node.input_tensors]
        if type(operation).__module__.startswith("keras.src.ops"):
            entry = {"type": f"ops.{snake(kind)}", "name": operation.name}
            entry.update(constants(node))
        elif isinstance(operation, keras.Sequential):  # a model used as a layer: its layers written in place
            entry = {"type": "Sequential", "name": operation.name,
                     "layers": [layer_entry(layer, declared) for layer in operation.layers]}
        else:
            entry = layer_entry(operation, declared)
        entry["inputs"] = sources
        entries.append(entry)
    data: dict[str, Any] = {"model": model.name, "framework": "keras"}
    if declared:
        data["custom_layers"] = declared
    data["inputs"] = inputs
    data["layers"] = entries
    data["outputs"] = [reference(tensor) for tensor in model.outputs]
    return data


def layer_entry(layer: Any, declared: dict[str, Any]) -> dict[str, Any]:
    """A layer's entry by its class and config; keras.applications' custom layers are declared."""
    import keras

    kind = type(layer).__name__
    if kind in DECLARATIONS:
        declared[kind] = DECLARATIONS[kind]
    elif not hasattr(keras.layers, kind):
        raise NotWritable(f"{layer.name} is a {kind}, a custom layer with no declaration here")
    return {"type": kind, "name": layer.name, **arguments(layer)}


def reference(tensor: Any) -> str:
    """How `inputs:` names a tensor: the operation's name, with Keras's [call][tensor] when not the first."""
    history = tensor._keras_history
    name = history.operation.name
    if history.node_index == 0 and history.tensor_index == 0:
        return name
    return f"{name}[{history.node_index}][{history.tensor_index}]"


def arguments(layer: Any) -> dict[str, Any]:
    config = plain(layer.get_config())
    found = {key: value for key, value in config.items() if key not in VALUE_ONLY}
    if not layer.trainable:
        found["trainable"] = False
    return found


def constants(node: Any) -> dict[str, Any]:
    """An operation's constant operands by Keras's argument names x1, x2 (tensors come from inputs:)."""
    from keras import KerasTensor

    found = {}
    for index, value in enumerate(node.arguments.args):
        if not isinstance(value, KerasTensor):
            if not isinstance(value, (int, float)):
                raise NotWritable(f"{node.operation.name} has the operand {value!r}, not a tensor or a number")
            found[f"x{index + 1}"] = value
    return found


def keras_rows(model: Any) -> list[tuple]:
    """(name, type, output shape, params, "Connected to") per row of Keras's own summary of `model`."""
    from tests.differential.keras_reference import _connections, shape_of

    relevant = [node for nodes in model._nodes_by_depth.values() for node in nodes]
    return [(layer.name, type(layer).__name__, shape_of(layer.output),
             layer.count_params() if hasattr(layer, "count_params") else 0,  # an operation (x + 3.0) has no weights
             _connections(layer, relevant)) for layer in model._operations]


def weight_count(weights: list[Any]) -> int:
    """Values in these weights, from their shapes (on the meta device there are no values to read)."""
    total = 0
    for weight in weights:
        count = 1
        for size in weight.shape:
            count *= size
        total += count
    return total
