"""A Keras model file as a Keras 3 module: `build_model()` with the functional API, or keras.Sequential.

Every layer is constructed with its arguments (those not at their defaults)
and its summary name, so `build_model().summary()` shows the rows `shapecalc
summarize` shows. A plain chain is a `keras.Sequential`; anything else calls
each layer on what feeds it, a shared layer once constructed and then called
per use. Calls follow Keras's conventions: a merge layer takes a list,
MultiHeadAttention `(query, value[, key])`, a recurrent layer its extra inputs
as `initial_state`.
"""

from __future__ import annotations

from typing import Any

from shapecalc.export.program import ExportRefused, Program, Step, arguments
from shapecalc.export.pycode import INDENT, Call, Code, call_lines, string, width
from shapecalc.model import LayerSpec

POSITIONAL_CALLS = ("MultiHeadAttention", "GroupQueryAttention", "GroupedQueryAttention")
# Classes Keras defines outside keras.layers, written from the module Keras keeps them in (the module a
# saved file names): keras.applications' own layers, and the graph operations (`x + 3.0` makes
# keras.src.ops.numpy.Add), which Keras names nowhere public; constructing them names their rows.
KERAS_OWN = {"CustomScaleLayer": "keras.src.applications.inception_resnet_v2",
             "LayerScale": "keras.src.applications.convnext"}
OPERATIONS_MODULE = "keras.src.ops.numpy"
STATE_CALLS = ("RNN", "SimpleRNN", "LSTM", "GRU", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "Bidirectional")


class _Frozen:
    """Layers marked `trainable: false`: made before use and frozen by `layer.trainable = False`, which is
    what the file means (a frozen layer given to a wrapper is frozen in both directions' copies alike)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.taken: set[str] = set()


def keras_module(program: Program) -> list[str]:
    """The body of the module after its header: imports and build_model()."""
    frozen = _Frozen()
    frozen.taken = {step.variable for step in program.steps} | {f"{step.variable}_layer" for step in program.steps}
    body = _functional(program, frozen) if program.spec.functional else _sequential(program, frozen)
    lines = ["import keras", *_own_imports(program), "", "", "def build_model() -> keras.Model:"]
    lines.append(f'{INDENT}"""The model, as `shapecalc summarize` reads it."""')
    return lines + body


def _own_imports(program: Program) -> list[str]:
    """`import keras.src.ops.numpy` and `from keras.src.applications... import LayerScale` for the classes
    from outside keras.layers that the model uses."""
    layers = _all_layers(program)
    modules = {_class_path(layer).rpartition(".")[0] for layer in layers} - {"keras.layers", ""}
    own = sorted({layer.type_name for layer in layers if layer.type_name in KERAS_OWN})
    return [f"import {module}" for module in sorted(modules)] + [
        f"from {KERAS_OWN[name]} import {name}" for name in own]


def _all_layers(program: Program) -> list[LayerSpec]:
    found: list[LayerSpec] = []
    pending = [step.layer for step in program.steps if step.layer is not None and step.first_call]
    while pending:
        layer = pending.pop()
        found.append(layer)
        for value in arguments(layer.layer, "keras").values():
            pending += [item for item in (value if isinstance(value, list) else [value]) if isinstance(item, LayerSpec)]
    return found


def _class_path(layer: LayerSpec) -> str:
    """Where the class of this entry lives: `keras.layers.Conv2D`, `keras.src.ops.numpy.Add`."""
    if layer.type_name.startswith("ops."):
        return f"{OPERATIONS_MODULE}.{type(layer.layer).type_name()}"
    if layer.type_name in KERAS_OWN:
        return layer.type_name  # imported by name (_own_imports): its module path is too long for one line
    return f"keras.layers.{layer.type_name}"


def _sequential(program: Program, frozen: _Frozen) -> list[str]:
    spec = program.spec
    ((_, shape),) = spec.inputs.items()
    entries: list[Any] = [Call("keras.Input", [], _input_keywords(shape, spec.batch, None))]
    entries += [_construct(step.layer, frozen) for step in program.steps
                if step.layer is not None and not _nested_input(step, program)]
    body = [f"{INDENT}return keras.Sequential(", f"{INDENT * 2}["]
    for entry in entries:
        written = entry.lines(INDENT * 3, len(INDENT * 3) + 1) if isinstance(entry, Call) else [entry.text]
        body.append(f"{INDENT * 3}{written[0]}")
        body.extend(written[1:])
        body[-1] += ","
    body += [f"{INDENT * 2}],", f"{INDENT * 2}name={string(program.analysis.model)},", f"{INDENT})"]
    return frozen.lines + body  # frozen layers are made before the Sequential that holds them


def _functional(program: Program, frozen: _Frozen) -> list[str]:
    body = frozen.lines  # the same list: a frozen layer is made as it comes, before the call that uses it
    layer_variables: dict[str, str] = {}
    for step in program.steps:
        if step.layer is None:
            call = Call("keras.Input", [], _input_keywords(step.shape, program.spec.batch, step.node))
            body += _assign(step.variable, call.lines(INDENT, width(f"{INDENT}{step.variable} = ")))
            continue
        if _nested_input(step, program):  # the nested model's layers are written inline, on its tensor
            body.append(f"{INDENT}{step.variable} = {step.sources[0].expression()}")
            continue
        positional, keywords = _call_arguments(step)
        if step.shared:
            if step.first_call:
                variable = layer_variables[step.layer_name] = f"{step.variable}_layer"
                made = _construct(step.layer, frozen)
                body += _assign(variable, _written(made, width(f"{INDENT}{variable} = ")))
            called = _called(positional, keywords)
            body += _assign(step.variable, [layer_variables[step.layer_name] + called[0], *called[1:]])
        else:
            called = _called(positional, keywords)
            constructed = _written(_construct(step.layer, frozen), width(f"{INDENT}{step.variable} = {called[0]}"))
            body += _assign(step.variable, constructed[:-1] + [constructed[-1] + called[0]] + called[1:])
    inputs = [step.variable for step in program.steps if step.layer is None]
    outputs = [source.expression() for source in program.outputs]
    keywords = {"inputs": _list_or_one(inputs), "outputs": _list_or_one(outputs), "name": program.analysis.model}
    body += [f"{INDENT}{line}" if i == 0 else line
             for i, line in enumerate(call_lines("return keras.Model", [], keywords, INDENT))]
    return body


def _nested_input(step: Step, program: Program) -> bool:
    """Whether the step is the Input of a nested functional model, whose layers export writes inline: its
    tensor is the one the model is called on, unless Keras squeezes or adds a last axis of 1 there."""
    layer = step.layer.layer if step.layer is not None else None
    if getattr(layer, "model_input_of", None) is None:
        return False
    row = next(row for row in program.analysis.rows if row.name == step.layer_name)
    if row.input_shapes and len(row.input_shapes[0]) != len(row.main_shape):
        raise ExportRefused(f"{step.layer_name}: the Input of nested model {layer.model_input_of!r} changes the "
                            "rank of the tensor it is called on (a last axis of 1, squeezed or added), which the "
                            "layers written inline would not; export does not write it")
    return True


def _called(positional: list[Any], keywords: dict[str, Any]) -> list[str]:
    """The call's argument list after a constructor's closing parenthesis: `(x)` when short, else expanded."""
    from shapecalc.export.pycode import literal

    inline = ", ".join([literal(item) for item in positional] + [f"{k}={literal(v)}" for k, v in keywords.items()])
    if width(inline) <= 60 and "\n" not in inline:
        return [f"({inline})"]
    return call_lines("", positional, keywords, INDENT)


def _written(made: Any, used: int) -> list[str]:
    return made.lines(INDENT, used) if isinstance(made, Call) else [made.text]


def _assign(variable: str, lines: list[str]) -> list[str]:
    return [f"{INDENT}{variable} = {lines[0]}", *lines[1:]]


def _list_or_one(names: list[str]) -> Any:
    return Code(names[0]) if len(names) == 1 else [Code(name) for name in names]


def _input_keywords(shape: Any, batch: int | None, name: str | None) -> dict[str, Any]:
    keywords: dict[str, Any] = {"shape": tuple(shape)}
    if batch is not None:
        keywords["batch_size"] = batch
    if name is not None:
        keywords["name"] = name
    return keywords


def _call_arguments(step: Step) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword arguments of a call, by Keras's conventions for the layer's kind."""
    assert step.layer is not None
    tensors = [Code(source.expression()) for source in step.sources]
    type_name = step.layer.type_name
    if type_name.startswith("ops."):  # constants in their places (x1, x2), the tensors in order in the others
        pending = list(tensors)
        constants = (getattr(step.layer.layer, "x1", None), getattr(step.layer.layer, "x2", None))
        arity = 2 if hasattr(step.layer.layer, "x2") else 1
        return [value if value is not None else pending.pop(0) for value in constants[:arity]], {}
    if type_name in POSITIONAL_CALLS:
        return tensors, {}
    if len(tensors) > 1 and type_name in STATE_CALLS:
        return [tensors[0]], {"initial_state": tensors[1:]}
    if len(tensors) == 1:
        return tensors, {}
    return [tensors], {}  # a merge layer takes the list of its inputs


def _construct(layer: LayerSpec | None, frozen: _Frozen) -> Call | Code:
    """`keras.layers.Type(arguments..., name=...)` for one layer entry, wrapped layers included; a frozen
    layer is made beforehand (into `frozen.lines`) and stands here as its variable."""
    assert layer is not None
    if getattr(type(layer.layer), "user_declared", False):
        raise ExportRefused(f"{layer.name}: {layer.type_name} is a custom layer declared in the file: shapecalc "
                            "knows its shapes and weights, not its code, so export does not write it")
    operation = layer.type_name.startswith("ops.")  # its constants go into the call, not the constructor
    keywords = {} if operation else {key: _argument(value, frozen)
                                     for key, value in arguments(layer.layer, "keras").items()}
    keywords["name"] = layer.name
    if layer.keys.dtype is not None:
        keywords["dtype"] = layer.keys.dtype
    made = Call(_class_path(layer), [], keywords)
    if layer.keys.trainable:
        return made
    from shapecalc.export.pycode import identifier

    variable = identifier(f"{layer.name}_frozen", frozen.taken)
    frozen.lines += _assign(variable, _written(made, width(f"{INDENT}{variable} = ")))
    frozen.lines.append(f"{INDENT}{variable}.trainable = False")
    return Code(variable)


def _argument(value: Any, frozen: _Frozen) -> Any:
    """A wrapped layer (or a list of cells) as the constructor calls that make it."""
    if isinstance(value, LayerSpec):
        return _construct(value, frozen)
    if isinstance(value, list) and value and all(isinstance(item, LayerSpec) for item in value):
        return [_construct(item, frozen) for item in value]
    return value
