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


@dataclass
class KerasReference:
    layers: list[KerasLayer] = field(default_factory=list)
    total: int = 0
    trainable: int = 0
    non_trainable: int = 0
    failed_at: str | None = None  # the name of the layer Keras refused, if it refused one
    failed_index: int | None = None
    error: str | None = None


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
    primary = {
        "Activation": "activation", "Dense": "units", "Dropout": "rate", "Reshape": "target_shape",
        "UpSampling1D": "size", "UpSampling2D": "size", "UpSampling3D": "size", "RepeatVector": "n",
        "Permute": "dims", "Softmax": "axis", "ZeroPadding1D": "padding", "ZeroPadding2D": "padding",
        "ZeroPadding3D": "padding", "Cropping1D": "cropping", "Cropping2D": "cropping",
        "Cropping3D": "cropping", "SpatialDropout1D": "rate", "SpatialDropout2D": "rate",
        "SpatialDropout3D": "rate", "GaussianNoise": "stddev", "GaussianDropout": "rate",
        "ReLU": "max_value", "LeakyReLU": "negative_slope", "ELU": "alpha",
        "SimpleRNN": "units", "LSTM": "units", "GRU": "units",
    }[type_name]
    return type_name, {primary: value}


def make_layer(keras: Any, type_name: str, args: dict[str, Any]) -> Any:
    args = dict(args)
    for key in ("layer", "backward_layer"):
        if isinstance(args.get(key), (dict, str)):
            inner_type, inner_args = entry_parts(args[key])
            inner_args = {k: v for k, v in inner_args.items() if k not in ("inputs", "expect")}
            args[key] = make_layer(keras, inner_type, inner_args)
    trainable = args.pop("trainable", True)
    layer = getattr(keras.layers, type_name)(**args)
    if not trainable:  # setting True would also unfreeze a wrapper's frozen inner layer
        layer.trainable = False
    return layer


def shape_of(tensor: Any) -> Any:
    if isinstance(tensor, (list, tuple)):
        return [list(t.shape) for t in tensor]
    return list(tensor.shape)


def build(data: dict[str, Any]) -> KerasReference:
    """Build the file's model in Keras in a fresh session and read names, shapes and counts."""
    import keras

    keras.utils.clear_session()
    reference = KerasReference()
    batch = data.get("batch")
    functional = "inputs" in data or "outputs" in data or any(
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
    for layer in model.layers:
        trainable = sum(int(_size(w)) for w in layer.trainable_weights)
        non_trainable = sum(int(_size(w)) for w in layer.non_trainable_weights)
        out = layer.output
        reference.layers.append(KerasLayer(layer.name, type(layer).__name__, shape_of(out),
                                           layer.count_params(), trainable, non_trainable))
    reference.trainable = sum(int(_size(w)) for w in model.trainable_weights)
    reference.non_trainable = sum(int(_size(w)) for w in model.non_trainable_weights)
    reference.total = reference.trainable + reference.non_trainable
    return reference


def _sequential(keras: Any, data: dict[str, Any], batch: Any, reference: KerasReference) -> Any:
    """Add layers one by one, so a refusal is pinned to the layer Keras refused."""
    model = keras.Sequential([keras.Input(tuple(data["input"]), batch_size=batch)])
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
    """Call each layer on the tensors its `inputs:` name (the previous layer by default)."""
    if "inputs" in data:
        tensors = {n: keras.Input(tuple(s), batch_size=batch, name=n) for n, s in data["inputs"].items()}
    else:
        tensors = {"input_layer": keras.Input(tuple(data["input"]), batch_size=batch)}
    inputs = list(tensors.values())
    previous = inputs[0]
    for index, entry in enumerate(data["layers"]):
        type_name, args = entry_parts(entry)
        names = args.pop("inputs", None)
        args.pop("expect", None)
        try:
            layer = make_layer(keras, type_name, args)
        except Exception as error:  # Keras refused the arguments
            reference.failed_index, reference.error = index, f"{type(error).__name__}: {error}"
            return None
        if isinstance(names, str):
            names = [names]
        sources = [tensors[n] for n in names] if names else [previous]
        try:
            if type_name == "MultiHeadAttention":
                output = layer(*sources)
            elif len(sources) > 1 and isinstance(layer, keras.layers.RNN):  # [sequence, *initial states]
                output = layer(sources[0], initial_state=sources[1:])
            else:
                output = layer(sources if len(sources) > 1 else sources[0])
        except Exception as error:
            reference.failed_at, reference.failed_index = layer.name, index
            reference.error = f"{type(error).__name__}: {error}"
            return None
        first = output[0] if isinstance(output, (list, tuple)) else output
        tensors[layer.name] = first
        for tensor_index, tensor in enumerate(output if isinstance(output, (list, tuple)) else []):
            tensors[f"{layer.name}[{tensor_index}]"] = tensor  # `name[t]`: output t of a multi-output layer
        previous = first
    outputs = [tensors[n] for n in data["outputs"]] if "outputs" in data else [previous]
    return keras.Model(inputs, outputs if len(outputs) > 1 else outputs[0])


def _size(weight: Any) -> int:
    total = 1
    for dim in weight.shape:
        total *= dim
    return total
