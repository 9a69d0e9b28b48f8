"""Builds a model file's network in real Keras 3 (torch backend) and reads back what Keras says.

Deliberately independent of shapecalc's own reader: the file's raw YAML is
walked here with its three entry forms, and each entry becomes
`getattr(keras.layers, type)(**args)`, so a bug in shapecalc's schema cannot
hide in both sides of a comparison.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")

COMMON = ("name", "inputs", "trainable", "expect")


@dataclass
class KerasLayer:
    name: str
    type: str
    output_shape: Any
    params: int
    trainable_params: int
    non_trainable_params: int
    connected: str = "-"  # the summary's "Connected to" cell, from Keras's own node records


@dataclass
class KerasReference:
    layers: list[KerasLayer] = field(default_factory=list)
    total: int = 0
    trainable: int = 0
    non_trainable: int = 0
    failed_at: str | None = None  # the name of the layer Keras refused, if it refused one
    failed_index: int | None = None
    error: str | None = None
    connected_column: bool = False  # whether Keras's summary shows "Connected to"
    model: Any = field(default=None, repr=False)  # the built keras.Model, for its own printed summary


def entry_parts(entry: Any) -> tuple[str, dict[str, Any]]:
    """(type, args) of a layer entry in any of the three forms, with primary scalars expanded."""
    if isinstance(entry, str):
        return entry, {}
    if "type" in entry:
        args = dict(entry)
        return args.pop("type"), args
    ((type_name, value),) = entry.items()
    if value is None:
        return type_name, {}
    if isinstance(value, dict):
        return type_name, dict(value)
    if type_name == "Reuse":
        return type_name, {"layer": value}
    # The scalar form is the layer's first positional argument, as in `Dense(10)` or
    # `MaxPooling2D(2)`: pass it positionally, so Keras itself says which argument it is.
    return type_name, {POSITIONAL: value}


POSITIONAL = "__positional__"


def make_layer(keras: Any, type_name: str, args: dict[str, Any]) -> Any:
    args = dict(args)
    if type_name.startswith(OPS):
        return make_operation(type_name, args)
    positional = [args.pop(POSITIONAL)] if POSITIONAL in args else []
    for key in ("layer", "backward_layer", "cell"):  # wrapped entries; RNN's cell: an entry or a list of them
        if isinstance(args.get(key), (dict, str)):
            args[key] = make_inner(keras, args[key])
        elif key == "cell" and isinstance(args.get(key), list):
            args[key] = [make_inner(keras, entry) for entry in args[key]]
    trainable = args.pop("trainable", True)
    cls = declared_class(type_name) or keras_own_class(type_name) or getattr(keras.layers, type_name)
    layer = cls(*positional, **args)
    if not trainable:  # setting True would also unfreeze a wrapper's frozen inner layer
        layer.trainable = False
    return layer


OPS = "ops."


def make_operation(type_name: str, args: dict[str, Any]) -> Any:
    """`ops.add: {x2: 3.0}` as the operation `x + 3.0` makes: keras.src.ops.numpy.Add, made now (its
    auto name is taken here, in file order), called later on the tensors with the constants in place."""
    from keras.src.ops import numpy as keras_numpy

    function = type_name[len(OPS):]
    class_name = {"abs": "Absolute"}.get(function) or "".join(part.title() for part in function.split("_"))
    operation = getattr(keras_numpy, class_name)(name=args.pop("name", None))
    operation.file_constants = [args.get("x1"), args.get("x2", args.get(POSITIONAL))]
    return operation


def call_operation(operation: Any, sources: list[Any]) -> Any:
    """Call an operation as code would: each constant in its place, the tensors in order in the other
    places, any tensor left over after them (Keras refuses a wrong count itself)."""
    import inspect

    arity = len(inspect.signature(operation.call).parameters)
    tensors = list(sources)
    operands = [value if value is not None else tensors.pop(0)
                for value in operation.file_constants[:arity] if value is not None or tensors]
    return operation(*operands, *tensors)


DECLARED: set[str] = set()  # the custom layers the file being built declares (custom_layers:)


def declared_class(type_name: str) -> Any:
    """The real class behind a custom layer the file declares (tests/differential/custom_layers.py)."""
    if type_name not in DECLARED:
        return None
    from tests.differential.custom_layers import keras_classes

    return keras_classes()[type_name]


# Keras's own classes from outside keras.layers that the vocabulary has without a declaration
KERAS_OWN = {"CustomScaleLayer": "keras.src.applications.inception_resnet_v2",
             "LayerScale": "keras.src.applications.convnext"}


def keras_own_class(type_name: str) -> Any:
    if type_name not in KERAS_OWN:
        return None
    import importlib

    return getattr(importlib.import_module(KERAS_OWN[type_name]), type_name)


def make_inner(keras: Any, entry: Any) -> Any:
    inner_type, inner_args = entry_parts(entry)
    inner_args = {k: v for k, v in inner_args.items() if k not in ("inputs", "expect")}
    return make_layer(keras, inner_type, inner_args)


def shape_of(tensor: Any) -> Any:
    if isinstance(tensor, (list, tuple)):
        return [list(t.shape) for t in tensor]
    return list(tensor.shape)


def leading_input(data: dict[str, Any]) -> dict[str, Any]:
    """A file that starts its layers with `Input: {shape: ...}` rewritten with `input:`/`inputs:`,
    as `keras.Input(shape, batch_size=..., name=...)` would be written in code."""
    layers = data.get("layers") or []
    if "input" in data or "inputs" in data or not layers or not isinstance(layers[0], dict):
        return data
    first = dict(layers[0])
    type_name = first.pop("type") if "type" in first else next(iter(first))
    if type_name not in ("Input", "InputLayer"):
        return data
    args = first if "type" in layers[0] else first[type_name]
    args = {"shape": args} if isinstance(args, list) else dict(args)
    rewritten = {**data, "layers": layers[1:], "_offset": 1}
    if args.get("batch_size") is not None and data.get("batch") is None:
        rewritten["batch"] = args["batch_size"]
    if args.get("name"):
        rewritten["inputs"] = {args["name"]: args["shape"]}
    else:
        rewritten["input"] = args["shape"]
    return rewritten


def build(data: dict[str, Any]) -> KerasReference:
    """Build the file's model in Keras in a fresh session and read names, shapes and counts."""
    data = leading_input(data)
    reference = _build(data)
    if reference.failed_index is not None:
        reference.failed_index += data.get("_offset", 0)
    return reference


def _build(data: dict[str, Any]) -> KerasReference:
    import keras

    keras.utils.clear_session()
    DECLARED.clear()
    DECLARED.update(data.get("custom_layers") or {})
    reference = KerasReference()
    batch = data.get("batch")
    functional = "inputs" in data or "outputs" in data or any(
        entry_parts(e)[0] == "Reuse" or entry_parts(e)[0].startswith(OPS) for e in data["layers"]) or any(
        isinstance(e, dict) and isinstance(next(iter(e.values())), dict) and "inputs" in next(iter(e.values()))
        or isinstance(e, dict) and "inputs" in e
        for e in data["layers"]
    )
    if functional:
        model = _functional(keras, data, batch, reference)
    else:
        model = _sequential(keras, data, batch, reference)
    if model is None:
        return reference
    reference.model = model
    relevant = [node for nodes in getattr(model, "_nodes_by_depth", {}).values() for node in nodes]
    reference.connected_column = functional and not _sequential_like(model, relevant)
    for layer in model.layers if not functional else model._operations:
        trainable = sum(int(_size(w)) for w in getattr(layer, "trainable_weights", []))  # an operation has none
        non_trainable = sum(int(_size(w)) for w in getattr(layer, "non_trainable_weights", []))
        out = layer._inbound_nodes[-1].outputs if functional else layer.output  # the summary shows the last call
        if isinstance(out, (list, tuple)) and len(out) == 1:
            out = out[0]
        reference.layers.append(KerasLayer(layer.name, type(layer).__name__, shape_of(out),
                                           layer.count_params() if hasattr(layer, "count_params") else 0,
                                           trainable, non_trainable,
                                           _connections(layer, relevant)))
    reference.trainable = sum(int(_size(w)) for w in model.trainable_weights)
    reference.non_trainable = sum(int(_size(w)) for w in model.non_trainable_weights)
    reference.total = reference.trainable + reference.non_trainable
    return reference


def _sequential(keras: Any, data: dict[str, Any], batch: Any, reference: KerasReference) -> Any:
    """Add layers one by one, so a refusal is pinned to the layer Keras refused."""
    model = keras.Sequential([keras.Input(tuple(data["input"]), batch_size=batch)], name=data.get("model"))
    for index, entry in enumerate(data["layers"]):
        type_name, args = entry_parts(entry)
        args.pop("expect", None)
        try:
            layer = make_layer(keras, type_name, args)
        except Exception as error:  # Keras refused the arguments
            reference.failed_index, reference.error = index, f"{type(error).__name__}: {error}"
            return None
        try:
            model.add(layer)
        except Exception as error:
            reference.failed_at, reference.failed_index = layer.name, index
            reference.error = f"{type(error).__name__}: {error}"
            return None
    return model


def _functional(keras: Any, data: dict[str, Any], batch: Any, reference: KerasReference) -> Any:
    """Call each layer on the tensors its `inputs:` name (the previous layer by default).

    `Reuse: {layer: x, name: y}` calls layer `x` again (a shared layer) and
    names that call's output `y`. References: `name`, `name[t]` (output t),
    `name[n][t]` (output t of call n).
    """
    if "inputs" in data:
        inputs = [keras.Input(tuple(s), batch_size=batch, name=n) for n, s in data["inputs"].items()]
        outputs_of = {n: [t] for n, t in zip(data["inputs"], inputs, strict=True)}
    else:
        inputs = [keras.Input(tuple(data["input"]), batch_size=batch)]
        outputs_of = {"input_layer": inputs}
    made: dict[str, Any] = {}
    calls: dict[str, list[list[Any]]] = {}
    pending = []  # (index, layer, type, alias, source names or None for the previous entry)
    keys: dict[int, tuple[str, list[str]]] = {}  # entry index -> (its output's key, its source names)
    previous_key = next(iter(outputs_of))
    for index, entry in enumerate(data["layers"]):  # construct in file order: Keras names layers here
        type_name, args = entry_parts(entry)
        names = args.pop("inputs", None)
        args.pop("expect", None)
        if type_name == "Reuse":
            layer, alias = args["layer"], args.get("name")
        else:
            try:
                layer = make_layer(keras, type_name, args)
            except Exception as error:  # Keras refused the arguments
                reference.failed_index, reference.error = index, f"{type(error).__name__}: {error}"
                return None
            made[layer.name] = layer
            alias = None
        pending.append((index, layer, type_name, alias, names))
        key = alias or (layer.name if type_name != "Reuse" else f"reuse at {index}")
        keys[index] = (key, [names] if isinstance(names, str) else names or [previous_key])
        previous_key = key
        # Call what can be called now, as code that makes and calls each layer in turn does: a layer
        # builds at its call, and the sublayers it makes then (MultiHeadAttention's softmax and
        # dropout) take auto names before the next entry's layer is made.
        if not _call_ready(keras, pending, keys, made, outputs_of, calls, reference):
            return None
    if pending:  # sources that never became available (reported by shapecalc as SC005/SC007)
        reference.failed_index, reference.error = pending[0][0], "unresolved inputs"
        return None
    previous = outputs_of[previous_key]
    names = [data["outputs"]] if isinstance(data.get("outputs"), str) else data.get("outputs")
    outputs = [_tensor(n, outputs_of, calls) for n in names] if names else [previous[0]]
    return keras.Model(inputs, outputs if len(outputs) > 1 else outputs[0], name=data.get("model"))


def _call_ready(keras: Any, pending: list, keys: dict, made: dict[str, Any], outputs_of: dict[str, list[Any]],
                calls: dict[str, list[list[Any]]], reference: KerasReference) -> bool:
    """Call pending entries whose sources exist, in file order, until none is ready; False if Keras refused one."""
    def is_ready(item: tuple) -> bool:  # its layer exists (a Reuse may name a later entry) and so do its sources
        layer_ready = not isinstance(item[1], str) or item[1] in made
        return layer_ready and all(_known(n, outputs_of, calls) for n in keys[item[0]][1])

    while ready := next((p for p in pending if is_ready(p)), None):
        pending.remove(ready)
        index, layer, type_name, alias, names = ready
        layer = made[layer] if isinstance(layer, str) else layer
        sources = [_tensor(n, outputs_of, calls) for n in keys[index][1]]
        try:
            output = call_layer(keras, layer, sources)
        except Exception as error:
            reference.failed_at, reference.failed_index = layer.name, index
            reference.error = f"{type(error).__name__}: {error}"
            return False
        tensors = list(output) if isinstance(output, (list, tuple)) else [output]
        calls.setdefault(layer.name, []).append(tensors)
        outputs_of[keys[index][0]] = tensors
    return True


def call_layer(keras: Any, layer: Any, sources: list[Any]) -> Any:
    """Call a layer (or a file's graph operation) on its source tensors the way code written for it would."""
    if hasattr(layer, "file_constants"):  # a graph operation of the file (`ops.add`, ...)
        return call_operation(layer, sources)
    if type(layer).__name__ in ("MultiHeadAttention", "GroupedQueryAttention"):  # (query, value[, key])
        return layer(*sources)
    if len(sources) > 1 and isinstance(layer, (keras.layers.RNN, keras.layers.Bidirectional)):
        return layer(sources[0], initial_state=sources[1:])  # [sequence, *initial states]
    return layer(sources if len(sources) > 1 else sources[0])


def _known(reference: str, outputs_of: dict[str, list[Any]], calls: dict[str, list[list[Any]]]) -> bool:
    try:
        _tensor(reference, outputs_of, calls)
    except (KeyError, IndexError):
        return False
    return True


def _tensor(reference: str, outputs_of: dict[str, list[Any]], calls: dict[str, list[list[Any]]]) -> Any:
    """The tensor a reference names: `name`, `name[t]` (output t) or `name[n][t]` (output t of call n)."""
    import re

    if reference in outputs_of:
        return outputs_of[reference][0]
    name, *indices = re.split(r"[\[\]]+", reference.rstrip("]"))
    if len(indices) == 1:
        return outputs_of[name][int(indices[0])]
    return calls[name][int(indices[0])][int(indices[1])]


def _connections(layer: Any, relevant: list[Any]) -> str:
    """Keras's print_summary `get_connections`: inbound tensors of the model's nodes as name[node][tensor]."""
    parts = []
    for node in layer._inbound_nodes:
        if relevant and node not in relevant:
            continue
        for tensor in node.input_tensors:
            history = tensor._keras_history
            parts.append(f"{history.operation.name}[{history.node_index}][{history.tensor_index}]")
    return ", ".join(parts) or "-"


def _sequential_like(model: Any, relevant: list[Any]) -> bool:
    """print_summary's test for leaving out "Connected to": one node per depth, one input each, no sharing."""
    for nodes in model._nodes_by_depth.values():
        if len(nodes) > 1 or (len(nodes) == 1 and len(nodes[0].input_tensors) > 1):
            return False
    for layer in model.layers:
        if sum(1 for node in layer._inbound_nodes if node in relevant) > 1:
            return False
    return True


def _size(weight: Any) -> int:
    total = 1
    for dim in weight.shape:
        total *= dim
    return total
