"""A PyTorch model file as a torch module: an nn.Module whose attributes are the layers, and its forward().

Each module entry becomes `self.<layer name> = nn.<Type>(arguments...)` in
`__init__` (a layer with `trainable: false` is `requires_grad_(False)`), and
`forward()` calls the modules in the order that computes the graph, with
the tensor methods and functions a forward writes between modules
(`x.permute(...)`, `torch.cat(...)`, `a + b`) for the entries that are not
modules. A module that returns a tuple is indexed as shapecalc numbers its
outputs: LSTM's `(output, (h_n, c_n))` flattened to `[output, h_n, c_n]`,
MultiheadAttention's `attn_output` first.
"""

from __future__ import annotations

from typing import Any

from shapecalc.export.program import ExportRefused, Program, Step, arguments
from shapecalc.export.pycode import INDENT, Call, Code, assignment, call_lines, string
from shapecalc.layers.base import snake_case
from shapecalc.model import LayerSpec

# Registry modules whose types are torch.nn classes of the same name.
MODULE_FAMILIES = ("torch.conv", "torch.pooling", "torch.upsample", "torch.shape", "torch.fold", "torch.linear",
                   "torch.distance", "torch.norm", "torch.activation", "torch.dropout", "torch.recurrent",
                   "torch.attention", "torch.transformer", "torch.padding")
# Modules that return a tuple where shapecalc's row shows one output: the first is the row's.
TUPLE_FIRST = ("MultiheadAttention", "RNN", "LSTM", "GRU", "LSTMCell")
RECURRENT = ("RNN", "LSTM", "GRU")  # extra inputs are the initial state: (h_0) or LSTM's (h_0, c_0)
NOT_WRITTEN = ("MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d")  # their output_size is a forward() argument
# nn.Module's own attributes: a layer of one of these names cannot be an attribute.
MODULE_ATTRIBUTES = frozenset({
    "forward", "training", "train", "eval", "cuda", "cpu", "to", "float", "double", "half", "type", "apply",
    "parameters", "named_parameters", "buffers", "children", "modules", "state_dict", "load_state_dict",
    "zero_grad", "requires_grad_", "add_module", "register_buffer", "register_parameter", "get_submodule",
    "extra_repr", "dump_patches", "call_super_init", "bfloat16", "ipu", "xpu", "mtia", "share_memory",
    "named_modules", "named_children", "named_buffers", "get_parameter", "get_buffer", "compile",
})
UNARY = ("Abs", "Neg", "Exp", "Log", "Sqrt", "Rsqrt", "Sin", "Cos", "Reciprocal", "LogicalNot")
BINARY = ("Sub", "Rsub", "Mul", "Div", "Maximum", "Minimum", "Eq", "Ne", "Lt", "Le", "Gt", "Ge")
FLATTEN_HELPER = [
    "def _flat(value):",
    f'{INDENT}"""A module\'s nested tuple of outputs, flattened in order: (out, (h, c)) -> [out, h, c]."""',
    f"{INDENT}if isinstance(value, tuple):",
    f"{INDENT * 2}return [tensor for item in value for tensor in _flat(item)]",
    f"{INDENT}return [value]",
]


def torch_module(program: Program) -> list[str]:
    """The body of the module after its header: imports, the nn.Module, build_model()."""
    from shapecalc.layers.registry import PYTORCH

    class_name = _class_name(program.analysis.model)
    init: list[str] = []
    forward: list[str] = []
    attributes: dict[str, str] = {}
    flattens = False
    for step in program.steps:
        if step.layer is None or not step.first_call:
            continue
        if PYTORCH.get(step.layer.type_name, "").partition(":")[0] in MODULE_FAMILIES:
            if step.layer.type_name in NOT_WRITTEN:
                raise ExportRefused(f"{step.layer.name}: {step.layer.type_name} takes its output_size in forward(); "
                                    "export does not write it")
            attributes[step.layer_name] = _attribute(step.layer.name)
            init += _module(attributes[step.layer_name], step)
    _shorten_variables(program, attributes)
    inputs = [step.variable for step in program.steps if step.layer is None]
    for step in program.steps:
        if step.layer is None:
            continue
        several = isinstance(program.analysis.row(step.layer_name).output_shape, list)
        function, operands, suffix = _call(step, attributes, several)
        forward += _statement(step.variable, function, operands, suffix)
        if several and step.layer_name in attributes:
            forward.append(f"{INDENT * 2}{step.variable} = _flat({step.variable})")
            flattens = True
    outputs = [source.expression() for source in program.outputs]
    returned = outputs[0] if len(outputs) == 1 else "(" + ", ".join(outputs) + ")"
    lines = ["import torch", "from torch import nn", "", ""]
    if flattens:
        lines += FLATTEN_HELPER + ["", ""]
    lines += [f"class {class_name}(nn.Module):",
              f'{INDENT}"""The model, as `shapecalc summarize` reads it."""', "",
              f"{INDENT}def __init__(self) -> None:", f"{INDENT * 2}super().__init__()", *init, "",
              f"{INDENT}def forward(self, {', '.join(inputs)}):", *forward, f"{INDENT * 2}return {returned}", "", "",
              "def build_model() -> nn.Module:", f"{INDENT}return {class_name}()"]
    return lines


def _shorten_variables(program: Program, attributes: dict[str, str]) -> None:
    """A call whose `variable = self.<layer>(` would pass 88 columns gets a short variable (`_v3`), so that
    ruff formats it alike at line lengths 88 and 100 (it would move a longer one into parentheses at 88 only)."""
    renamed: dict[str, str] = {}
    for index, step in enumerate(program.steps):
        function = attributes.get(step.layer_name, "torch.function")
        if step.layer is not None and len(f"{INDENT * 2}{step.variable} = {function}(") > 88:
            renamed[step.variable] = f"_v{index}"
            step.variable = renamed[step.variable]
    for source in [s for step in program.steps for s in step.sources] + program.outputs:
        source.variable = renamed.get(source.variable, source.variable)


def _class_name(model: str) -> str:
    words = "".join(character if character.isalnum() else " " for character in model).split()
    name = "".join(word[:1].upper() + word[1:] for word in words)
    return name if name and name[0].isalpha() and name.isascii() else "Model"


def _attribute(name: str) -> str:
    """How forward() reaches the module: `self.name`, or get_submodule for a name that is no identifier."""
    if name in MODULE_ATTRIBUTES or name.startswith("_") or "." in name:
        raise ExportRefused(f"layer name {name!r} cannot be an attribute of an nn.Module (it is one of "
                            "nn.Module's own, private, or holds a dot); rename the layer")
    if name.isidentifier():
        return f"self.{name}"
    return f"self.get_submodule({string(name)})"


def _module(attribute: str, step: Step) -> list[str]:
    assert step.layer is not None
    used = len(f"{INDENT * 2}{attribute} = ") if not attribute.startswith("self.get_submodule") else len(INDENT * 3) + 1
    constructed = _construct(step.layer).lines(INDENT * 2, used)
    if attribute.startswith("self.get_submodule"):
        lines = [f"{INDENT * 2}self.add_module(", f"{INDENT * 3}{string(step.layer.name)},",
                 f"{INDENT * 3}" + constructed[0]]
        lines += [INDENT + line for line in constructed[1:]]
        lines[-1] += ","
        lines.append(f"{INDENT * 2})")
    else:
        lines = assignment(attribute, lambda indent, used: _construct(step.layer).lines(indent, used), INDENT * 2)
    if not step.layer.keys.trainable:
        lines.append(f"{INDENT * 2}{attribute}.requires_grad_(False)")
    return lines


Operands = tuple[list[Any], dict[str, Any]]  # positional (Code or values) and keyword arguments of a call


def _statement(variable: str, function: str, operands: Operands, suffix: str) -> list[str]:
    """`variable = function(...)suffix` on one line when it fits in 88 columns, else one argument a line."""
    positional, keywords = operands

    def render(indent: str, used: int) -> list[str]:
        lines = call_lines(function, positional, keywords, indent, used + len(suffix))
        lines[-1] += suffix
        return lines

    return assignment(variable, render, INDENT * 2)


def _construct(layer: LayerSpec) -> Call:
    """`nn.Type(arguments...)`; lists become tuples (torch takes `scale_factor` as a float or a tuple),
    a nested entry (TransformerEncoder's `encoder_layer`) its own constructor call."""
    keywords = {key: _torch_value(value) for key, value in arguments(layer.layer, "pytorch").items()}
    return Call(f"nn.{layer.type_name}", [], keywords)


def _torch_value(value: Any) -> Any:
    if isinstance(value, LayerSpec):
        return _construct(value)
    if isinstance(value, list):
        return tuple(_torch_value(item) for item in value)
    return value


def _call(step: Step, attributes: dict[str, str], several: bool) -> tuple[str, Operands, str]:
    """The call computing one step: function, its arguments, and what follows the call (`[0]`)."""
    assert step.layer is not None
    tensors = [Code(source.expression()) for source in step.sources]
    type_name = step.layer.type_name
    if step.layer_name in attributes:
        suffix = "[0]" if type_name in TUPLE_FIRST and not several else ""
        if type_name == "MultiheadAttention":
            query = tensors[0]
            key = tensors[1] if len(tensors) > 1 else query
            value = tensors[2] if len(tensors) > 2 else key
            return attributes[step.layer_name], ([query, key, value], {}), suffix
        if type_name in RECURRENT and len(tensors) > 1:
            state = tensors[1] if len(tensors) == 2 else Code(f"({', '.join(t.text for t in tensors[1:])})")
            return attributes[step.layer_name], ([tensors[0], state], {}), suffix
        return attributes[step.layer_name], (tensors, {}), suffix
    return _function(type_name, step.layer.layer, tensors, step.layer.name)


def _function(type_name: str, layer: Any, tensors: list[Code], name: str) -> tuple[str, Operands, str]:
    """The call for an entry that is a tensor method or function in forward(), not a module."""
    args = arguments(layer, "pytorch")
    first = tensors[0].text if tensors else ""
    if type_name in ("Concatenate", "Cat"):
        return "torch.cat", ([tensors], {"dim": layer.dim}), ""
    if type_name == "Permute":
        return f"{first}.permute", ([list(layer.dims)], {}), ""
    if type_name == "Transpose":
        return f"{first}.transpose", ([layer.dim0, layer.dim1], {}), ""
    if type_name in ("Reshape", "View"):
        return f"{first}.{type_name.lower()}", ([list(layer.shape)], {}), ""
    if type_name in ("Squeeze", "Unsqueeze", "Mean"):
        return f"{first}.{type_name.lower()}", ([], args), ""
    if type_name == "Add" and len(tensors) > 2:
        if args:
            raise ExportRefused(f"{name}: an Add of {len(tensors)} tensors with {args} is not written")
        return "sum", ([tensors[1:]], {"start": tensors[0]}), ""
    if type_name in ("Add", *BINARY):
        operands = tensors + ([args.pop("other")] if "other" in args else [])
        return f"torch.{snake_case(type_name)}", (operands, args), ""
    if type_name == "Pow":
        operands = tensors + ([args.pop("exponent")] if "exponent" in args else [])
        return "torch.pow", (operands, {}), ""
    if type_name in UNARY:
        return f"torch.{snake_case(type_name)}", (tensors, {}), ""
    if type_name == "Clamp":
        return "torch.clamp", (tensors, args), ""
    if type_name in ("Float", "Long"):
        return f"{first}.{type_name.lower()}", ([], {}), ""
    if type_name == "To" and isinstance(getattr(layer, "dtype", None), str):
        return f"{first}.to", ([Code(f"torch.{layer.dtype.removeprefix('torch.')}")], {}), ""
    if type_name == "MaskedFill":
        return "torch.masked_fill", ([*tensors, layer.value], {}), ""
    if getattr(type(layer), "user_declared", False):
        raise ExportRefused(f"{name}: {type_name} is a custom layer declared in the file; export does not write it")
    if type_name == "Where":  # condition, input, other: numbers where the file gives them, tensors in order
        pending = list(tensors)
        operands = [pending.pop(0)] + [args[key] if key in args else pending.pop(0) for key in ("input", "other")]
        return "torch.where", (operands, {}), ""
    raise ExportRefused(f"{name}: export does not write {type_name} as PyTorch code yet")


__all__ = ["Code", "torch_module"]
