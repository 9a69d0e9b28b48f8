"""Builds a `framework: pytorch` model file as real torch.nn modules, runs a forward pass and reads back shapes and parameters.

Deliberately independent of shapecalc's reader: the raw YAML is walked here
with its three entry forms; each entry becomes `getattr(torch.nn, type)(**args)`
(the graph joins `Concatenate`/`Cat` are small modules defined here, torch functions such as
`Mul` or `Chunk` modules of `torch_ops.py`), and
the forward pass runs on a zero tensor of batch 1 (or the file's `batch:`).
Each layer's output shape is read from the tensor it returns (the first
element when it returns a tuple, as RNNs and attention do; `output_shapes`
holds every tensor of the tuple, flattened), and its parameter
count is `sum(p.numel() for p in module.parameters())`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.differential.torch_ops import ALIASES, OP_PRIMARY, RUN_BATCH, SOURCES, function_modules

COMMON = ("name", "inputs", "trainable", "expect")
NESTED = ("encoder_layer", "decoder_layer", "norm")

# the argument a scalar entry (`BatchNorm2d: 16`) fills, per type
PRIMARY = {
    "MaxPool1d": "kernel_size", "MaxPool2d": "kernel_size", "MaxPool3d": "kernel_size",
    "AvgPool1d": "kernel_size", "AvgPool2d": "kernel_size", "AvgPool3d": "kernel_size",
    "LPPool1d": "kernel_size", "LPPool2d": "kernel_size", "LPPool3d": "kernel_size",
    "MaxUnpool1d": "kernel_size", "MaxUnpool2d": "kernel_size", "MaxUnpool3d": "kernel_size",
    "AdaptiveAvgPool1d": "output_size", "AdaptiveAvgPool2d": "output_size", "AdaptiveAvgPool3d": "output_size",
    "AdaptiveMaxPool1d": "output_size", "AdaptiveMaxPool2d": "output_size", "AdaptiveMaxPool3d": "output_size",
    "Upsample": "scale_factor", "UpsamplingNearest2d": "scale_factor", "UpsamplingBilinear2d": "scale_factor",
    "PixelShuffle": "upscale_factor", "PixelUnshuffle": "downscale_factor", "ChannelShuffle": "groups",
    "BatchNorm1d": "num_features", "BatchNorm2d": "num_features", "BatchNorm3d": "num_features",
    "InstanceNorm1d": "num_features", "InstanceNorm2d": "num_features", "InstanceNorm3d": "num_features",
    "LayerNorm": "normalized_shape", "RMSNorm": "normalized_shape", "LocalResponseNorm": "size",
    "Dropout": "p", "Dropout1d": "p", "Dropout2d": "p", "Dropout3d": "p", "AlphaDropout": "p",
    "FeatureAlphaDropout": "p", "LeakyReLU": "negative_slope", "ELU": "alpha", "CELU": "alpha",
    "GELU": "approximate", "Softshrink": "lambd", "Hardshrink": "lambd", "PReLU": "num_parameters",
    "Softmax": "dim", "LogSoftmax": "dim", "Softmin": "dim", "GLU": "dim",
    "ZeroPad1d": "padding", "ZeroPad2d": "padding", "ZeroPad3d": "padding",
    "ReflectionPad1d": "padding", "ReflectionPad2d": "padding", "ReflectionPad3d": "padding",
    "ReplicationPad1d": "padding", "ReplicationPad2d": "padding", "ReplicationPad3d": "padding",
    "CircularPad1d": "padding", "CircularPad2d": "padding", "CircularPad3d": "padding",
    "Concatenate": "dim", "Cat": "dim", "LazyLinear": "out_features", "Reuse": "layer",
    "Permute": "dims", "Reshape": "shape", "View": "shape", "Squeeze": "dim", "Unsqueeze": "dim", "Mean": "dim",
}


@dataclass
class TorchLayer:
    name: str
    type: str
    output_shape: list[int]
    params: int
    trainable_params: int
    output_shapes: list[list[int]] = field(default_factory=list)  # every tensor returned, nested tuples flattened


@dataclass
class TorchReference:
    layers: list[TorchLayer] = field(default_factory=list)
    inputs: dict[str, list[int]] = field(default_factory=dict)  # input name -> the zero tensor's shape
    batch: int = 1  # the batch the forward pass ran with
    total: int = 0
    trainable: int = 0
    failed_index: int | None = None  # the layer entry torch refused (construction or forward)
    failed_name: str | None = None  # its name (given, or the auto name), None for a Reuse entry
    error: str | None = None
    data: dict[str, Any] = field(default_factory=dict, repr=False)  # the file, for a second run
    _with_another_batch: TorchReference | None = field(default=None, repr=False)

    def batch_axes(self, index: int) -> list[set[int]]:
        """Per tensor the index-th layer returned, the axes whose size follows the batch: those that
        differ when the same model runs on a batch one larger (run once, when first asked). Where that
        run fails first (a file whose broadcasts hold only for a batch of 1), the axes whose size is
        the batch's."""
        if self._with_another_batch is None:
            self._with_another_batch = build(self.data, batch=self.batch + 1)
        shapes = self.layers[index].output_shapes
        others = self._with_another_batch.layers
        if index >= len(others):
            return [{axis for axis, size in enumerate(shape) if size == self.batch} for shape in shapes]
        return [{axis for axis, (a, b) in enumerate(zip(mine, theirs, strict=True)) if a != b}
                for mine, theirs in zip(shapes, others[index].output_shapes, strict=True)]


def entry_parts(entry: Any) -> tuple[str, dict[str, Any]]:
    """(type, args) of a layer entry in any of the three forms, with primary scalars expanded and aliases named."""
    type_name, args = written_parts(entry)
    return ALIASES.get(type_name, type_name), args


def written_parts(entry: Any) -> tuple[str, dict[str, Any]]:
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
    return type_name, {(PRIMARY | OP_PRIMARY)[type_name]: value}


def auto_name(type_name: str) -> str:
    """Keras's snake_case rule, the naming convention for PyTorch rows too: Conv2d -> conv2d, ReLU -> re_lu."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", type_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def tuples(value: Any) -> Any:
    return tuple(tuples(v) for v in value) if isinstance(value, list) else value


def make_module(torch: Any, type_name: str, args: dict[str, Any]) -> Any:
    """The torch.nn module for one entry, plus forward keyword arguments kept out of the constructor."""
    nn = torch.nn

    class Concatenate(nn.Module):
        def __init__(self, dim: int = 1):
            super().__init__()
            self.dim = dim

        def forward(self, *tensors: Any) -> Any:
            return torch.cat(tensors, dim=self.dim)

    class Method(nn.Module):
        """A tensor method called with the entry's arguments (Permute -> x.permute(*dims), ...)."""

        def __init__(self, method: str, positional: tuple[Any, ...] = (), **keywords: Any):
            super().__init__()
            self.method, self.positional, self.keywords = method, positional, keywords

        def forward(self, tensor: Any) -> Any:
            return getattr(tensor, self.method)(*self.positional, **self.keywords)

    methods = {
        "Permute": lambda dims: Method("permute", tuple(dims)),
        "Transpose": lambda dim0, dim1: Method("transpose", (dim0, dim1)),
        "Reshape": lambda shape: Method("reshape", tuple(shape)),
        "View": lambda shape: Method("view", tuple(shape)),
        "Squeeze": lambda dim=None: Method("squeeze", () if dim is None else (dim,)),
        "Unsqueeze": lambda dim: Method("unsqueeze", (dim,)),
        "Mean": lambda dim=None, keepdim=False: Method("mean", dim=dim, keepdim=keepdim),
    }
    joins = {"Concatenate": Concatenate, "Cat": Concatenate, **methods, **function_modules(torch)}
    args = {key: tuples(value) for key, value in args.items()}
    for key in NESTED:  # a module given as a layer entry (TransformerEncoder's encoder_layer, norm)
        if isinstance(args.get(key), (dict, str)):
            inner_type, inner_args = entry_parts(args[key])
            args[key] = make_module(torch, inner_type, inner_args)[0]
    forward_args = {}
    if type_name.startswith("MaxUnpool") and "output_size" in args:
        forward_args["output_size"] = args.pop("output_size")
    cls = joins.get(type_name) or DECLARED.get(type_name) or getattr(nn, type_name)
    return cls(**args), forward_args


DECLARED: dict[str, Any] = {}  # the custom modules the file being built declares, as real torch classes


def first_tensor(output: Any) -> Any:
    while isinstance(output, (tuple, list)):
        output = output[0]
    return output


def all_tensors(output: Any) -> list[Any]:
    if isinstance(output, (tuple, list)):
        return [t for item in output for t in all_tensors(item)]
    return [output]


def tensor(tensors: dict[str, Any], reference: str) -> Any:
    """The tensor `name` (the first output) or `name[i]` (output i, nested tuples flattened) means."""
    match = re.fullmatch(r"(.+)\[(\d+)\]", reference)
    if reference in tensors or match is None:
        return first_tensor(tensors[reference])
    return all_tensors(tensors[match[1]])[int(match[2])]


def call(torch: Any, module: Any, type_name: str, sources: list[Any], forward_args: dict[str, Any]) -> Any:
    if type_name.startswith("MaxUnpool"):
        indices = torch.zeros(sources[0].shape, dtype=torch.long)
        return module(sources[0], indices, **forward_args)
    if type_name == "MultiheadAttention":
        query = sources[0]
        key = sources[1] if len(sources) > 1 else query
        value = sources[2] if len(sources) > 2 else key
        return module(query, key, value)
    if type_name == "Embedding":
        return module(sources[0].long())
    return module(*sources)


def construct_all(torch: Any, entries: list[tuple[str, dict[str, Any]]],
                  reference: TorchReference) -> list[tuple[str | None, Any, dict[str, Any]]] | None:
    """Every module first, as a model's __init__ builds them: (name, module, forward arguments) per entry.

    A refusal here comes before any forward pass, so it is the one recorded.
    """
    counters: dict[str, int] = {}
    built = []
    for index, (type_name, args) in enumerate(entries):
        name = args.get("name")
        if type_name == "Reuse":
            built.append((name, None, {}))
            continue
        if name is None:
            prefix = auto_name(type_name)
            count = counters.get(prefix, 0)
            counters[prefix] = count + 1
            name = prefix if count == 0 else f"{prefix}_{count}"
        arguments = {key: value for key, value in args.items() if key not in COMMON}
        try:
            module, forward_args = make_module(torch, type_name, arguments)
        except Exception as error:  # torch refused the arguments
            reference.failed_index, reference.error = index, f"{type(error).__name__}: {error}"
            reference.failed_name = name
            return None
        module.eval()  # no batch statistics: a batch of 1 must pass BatchNorm
        built.append((name, module, forward_args))
    return built


def same_shape(ours: list, theirs: list, batch_axes: set[int]) -> bool:
    """Equal axis by axis, except that ours may be unknown (None) on an axis whose size follows the batch.

    Any other unknown size is a shape we failed to compute, however plausible the rest looks.
    """
    if len(ours) != len(theirs):
        return False
    return all(a == b or (a is None and axis in batch_axes) for axis, (a, b) in enumerate(zip(ours, theirs, strict=True)))


def same_outputs(ours: list, reference: TorchReference, index: int) -> bool:
    """`same_shape` for the index-th layer's output, or for each of its outputs (every tensor torch returned).

    Which axes follow the batch is seen, not assumed: usually the first, but an RNN's states have it second
    and a broadcast of two inputs can have it twice.
    """
    layer = reference.layers[index]
    several = bool(ours) and isinstance(ours[0], list)
    mine = ours if several else [ours]
    theirs = layer.output_shapes if several else [layer.output_shape]
    if len(mine) != len(theirs):
        return False
    axes = reference.batch_axes(index) if several else reference.batch_axes(index)[:1]
    return all(same_shape(a, b, batch) for a, b, batch in zip(mine, theirs, axes, strict=True))


def is_functional(data: dict) -> bool:
    """SPEC §1: `inputs:` at the top or on any layer makes a functional model, which shows InputLayer rows."""
    return "inputs" in data or any("inputs" in entry_parts(entry)[1] for entry in data["layers"])


Observer = Callable[[str, Any, str, list[Any], dict[str, Any]], None]


def build(data: dict[str, Any], observe: Observer | None = None, batch: int | None = None) -> TorchReference:
    """Construct and run the file's network in torch; record shapes and counts, or where torch refused.

    `observe(name, module, type, inputs, forward_args)` sees every call that torch accepted (the cost
    tests count its work with fvcore). `batch` overrides the file's (default 1).
    """
    import torch

    reference = TorchReference(data=data)
    DECLARED.clear()
    if data.get("custom_layers"):
        from tests.differential.custom_layers import torch_classes

        DECLARED.update({name: torch_classes()[name] for name in data["custom_layers"]})
    batch = batch or data.get("batch") or 1
    RUN_BATCH[0] = batch
    if "inputs" in data:
        tensors = {name: torch.zeros((batch, *shape)) for name, shape in data["inputs"].items()}
    else:
        tensors = {"input_layer": torch.zeros((batch, *data["input"]))}
    reference.inputs = {name: list(tensor.shape) for name, tensor in tensors.items()}
    reference.batch = batch
    previous = next(iter(tensors.values()))
    entries = [entry_parts(entry) for entry in data["layers"]]
    built = construct_all(torch, entries, reference)
    if built is None:
        return reference
    modules: dict[str, tuple[Any, str]] = {}  # layer name -> (module, type), for Reuse
    for index, ((type_name, args), (name, module, forward_args)) in enumerate(zip(entries, built, strict=True)):
        names = args.get("inputs")
        names = [names] if isinstance(names, str) else names
        if type_name == "Reuse":  # the same module called again: a new tensor, no new parameters
            module, type_name = modules[args["layer"]]
        try:
            if names is None:
                names = [] if type_name in SOURCES else None
            sources = [tensor(tensors, n) for n in names] if names is not None else [previous]
            with warnings.catch_warnings(), torch.no_grad():
                warnings.simplefilter("ignore")
                produced = call(torch, module, type_name, sources, forward_args)
                output = first_tensor(produced)
        except Exception as error:  # torch refused the input
            reference.failed_index, reference.error = index, f"{type(error).__name__}: {error}"
            reference.failed_name = None if entries[index][0] == "Reuse" else name
            return reference
        previous = output
        if observe is not None:
            observe(name if entries[index][0] != "Reuse" else args["layer"], module, type_name, sources, forward_args)
        if name is not None:
            tensors[name] = produced
        if entries[index][0] == "Reuse":
            continue
        if not args.get("trainable", True):  # after the call: Lazy modules have parameters only then
            module.requires_grad_(False)  # (only to freeze: a module's own frozen parameters stay frozen)
        modules[name] = (module, type_name)
        params = sum(p.numel() for p in module.parameters())
        trainable_params = sum(p.numel() for p in module.parameters() if p.requires_grad)
        reference.layers.append(TorchLayer(name, type_name, list(output.shape), params, trainable_params,
                                           [list(t.shape) for t in all_tensors(produced)]))
    reference.total = sum(layer.params for layer in reference.layers)
    reference.trainable = sum(layer.trainable_params for layer in reference.layers)
    return reference
