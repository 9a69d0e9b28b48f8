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

import keyword
from typing import Any

from shapecalc.export.program import ExportRefused, Program, Step, arguments
from shapecalc.export.pycode import INDENT, Call, Code, assignment, call_lines, string, width
from shapecalc.layers.base import snake_case
from shapecalc.model import LayerSpec

# Registry modules whose types are torch.nn classes of the same name.
MODULE_FAMILIES = ("torch.conv", "torch.pooling", "torch.upsample", "torch.shape", "torch.fold", "torch.linear",
                   "torch.distance", "torch.norm", "torch.activation", "torch.dropout", "torch.recurrent",
                   "torch.attention", "torch.transformer", "torch.padding")
# Modules that return a tuple where shapecalc's row shows one output: the first is the row's.
TUPLE_FIRST = ("MultiheadAttention", "RNN", "LSTM", "GRU", "LSTMCell")
RECURRENT = ("RNN", "LSTM", "GRU")  # extra inputs are the initial state: (h_0) or LSTM's (h_0, c_0)
# nn.Module's own attributes: a layer of one of these names cannot be an attribute.
MODULE_ATTRIBUTES = frozenset({
    "forward", "training", "train", "eval", "cuda", "cpu", "to", "float", "double", "half", "type", "apply",
    "parameters", "named_parameters", "buffers", "children", "modules", "state_dict", "load_state_dict",
    "zero_grad", "requires_grad_", "add_module", "register_buffer", "register_parameter", "get_submodule",
    "extra_repr", "dump_patches", "call_super_init", "bfloat16", "ipu", "xpu", "mtia", "share_memory",
    "named_modules", "named_children", "named_buffers", "get_parameter", "get_buffer", "compile",
})
UNARY = ("Abs", "Neg", "Exp", "Log", "Sqrt", "Rsqrt", "Sin", "Cos", "Reciprocal", "LogicalNot")
CREATED = ("Ones", "Zeros", "Empty", "Rand", "Randn")  # torch.<name>(size, dtype=...) in forward()
PRODUCTS = {"Matmul": "torch.matmul", "Bmm": "torch.bmm", "Mm": "torch.mm"}
# Entries export refuses whatever their arguments, each with the reason (the rest of the vocabulary is written;
# tests/export/test_vocabulary.py holds every registry type to one of the three).
REFUSED = {
    "MaxUnpool1d": "takes its output_size in forward()",
    "MaxUnpool2d": "takes its output_size in forward()",
    "MaxUnpool3d": "takes its output_size in forward()",
    "Buffer": "is a registered buffer: its values and dtype are not in the file (BERT's position ids are "
              "integers an Embedding looks up), and export does not guess them",
}
BINARY = ("Sub", "Rsub", "Mul", "Div", "Maximum", "Minimum", "Eq", "Ne", "Lt", "Le", "Gt", "Ge")
# Entries written in forward() as a tensor method or function (or, for Parameter, an attribute read there).
FORWARD_FUNCTIONS = ("Parameter", "To", "Chunk", "Split", "Expand", "ExpandAs", "Select", "Narrow", "Index",
                     "Contiguous", *PRODUCTS, "Einsum", "ScaledDotProductAttention", "Tril", "Triu", "Reshape", "View",
                     *CREATED, "Full", "Arange", "Concatenate", "Permute", "Transpose", "Squeeze", "Unsqueeze", "Mean",
                     "Sum", "Add", *BINARY, "Pow", *UNARY, "Clamp", "Float", "Long", "MaskedFill", "Where", "Cat")
FLATTEN_HELPER = [
    "def _flat(value):",
    f'{INDENT}"""A module\'s nested tuple of outputs, flattened in order: (out, (h, c)) -> [out, h, c]."""',
    f"{INDENT}if isinstance(value, tuple):",
    f"{INDENT * 2}return [tensor for item in value for tensor in _flat(item)]",
    f"{INDENT}return [value]",
]


def torch_module(program: Program) -> list[str]:
    """The body of the module after its header: imports, the nn.Module, build_model()."""

    class_name = _class_name(program.analysis.model)
    init: list[str] = []
    forward: list[str] = []
    attributes: dict[str, str] = {}
    flattens = False
    for step in program.steps:
        if step.layer is None or not step.first_call:
            continue
        kind = _kind(step.layer)
        if kind in REFUSED:
            raise ExportRefused(f"{step.layer.name}: {kind} {REFUSED[kind]}; export does not write it")
        if _family(step.layer) in MODULE_FAMILIES or kind == "Parameter":
            attributes[step.layer_name] = _attribute(step.layer.name)
            init += _parameter(attributes[step.layer_name], step) if kind == "Parameter" else \
                _module(attributes[step.layer_name], step)
    _shorten_variables(program, attributes)
    inputs = [step.variable for step in program.steps if step.layer is None]
    batch = Code(f"{inputs[0]}.size(0)")  # what a null size in Expand/View/Reshape stands for
    for step in program.steps:
        if step.layer is None:
            continue
        several = isinstance(program.analysis.row(step.layer_name).output_shape, list)
        if _kind(step.layer) == "Parameter":
            forward.append(f"{INDENT * 2}{step.variable} = {attributes[step.layer_name]}")
            continue
        function, operands, suffix = _call(step, attributes, several, batch)
        forward += _statement(step.variable, function, operands, suffix)
        if several and step.layer_name in attributes:
            forward.append(f"{INDENT * 2}{step.variable} = _flat({step.variable})")
            flattens = True
    outputs = [source.expression() for source in program.outputs]
    returned = outputs[0] if len(outputs) == 1 else "(" + ", ".join(outputs) + ")"
    if width(f"{INDENT * 2}return {returned}") > 88:  # one output a line, kept so by the trailing comma
        returned = "\n".join(["(", *[f"{INDENT * 3}{output}," for output in outputs], f"{INDENT * 2})"])
    lines = ["import torch", "from torch import nn", "", ""]
    if flattens:
        lines += FLATTEN_HELPER + ["", ""]
    lines += [f"class {class_name}(nn.Module):",
              f'{INDENT}"""The model, as `shapecalc summarize` reads it."""', "",
              f"{INDENT}def __init__(self) -> None:", f"{INDENT * 2}super().__init__()", *init, "",
              f"{INDENT}def forward(self, {', '.join(inputs)}):", *forward, f"{INDENT * 2}return {returned}", "", "",
              "def build_model() -> nn.Module:", f"{INDENT}return {class_name}()"]
    return lines


def _kind(layer: LayerSpec) -> str:
    """The entry's class (`torch.add`, `Subtract` and `Add` of one class are written alike)."""
    return type(layer.layer).__name__


def _family(layer: LayerSpec) -> str:
    """The registry module of the entry's class: `torch.conv`, `torch.elementwise`, ..."""
    return type(layer.layer).__module__.removeprefix("shapecalc.layers.")


def _parameter(attribute: str, step: Step) -> list[str]:
    """`self.name = nn.Parameter(torch.zeros(shape))`: its count is the file's; its values are not (zeros)."""
    assert step.layer is not None
    keywords: dict[str, Any] = {}
    if not step.layer.keys.trainable or not step.layer.layer.requires_grad:
        keywords["requires_grad"] = False
    zeros = Call("torch.zeros", [tuple(step.layer.layer.shape)], {})
    if not _too_long_to_assign(attribute, "nn.Parameter("):
        return assignment(attribute, lambda indent, used: call_lines("nn.Parameter", [zeros], keywords, indent, used),
                          INDENT * 2)
    made = call_lines("nn.Parameter", [zeros], keywords, INDENT * 3, len(INDENT * 3) + 1)
    made[-1] += ","
    return [f"{INDENT * 2}self.register_parameter(", f"{INDENT * 3}{string(step.layer.name)},",
            f"{INDENT * 3}{made[0]}", *made[1:], f"{INDENT * 2})"]


def _too_long_to_assign(attribute: str, opening: str) -> bool:
    """Whether `self.name = nn.Type(` passes 88 columns: ruff would then format the assignment differently at
    line lengths 88 and 100, so the module is added by name instead (`add_module`), alike at both."""
    return width(f"{INDENT * 2}{attribute} = {opening}") > 88


def _shorten_variables(program: Program, attributes: dict[str, str]) -> None:
    """A call whose `variable = self.<layer>(` would pass 88 columns gets a short variable (`_v3`), so that
    ruff formats it alike at line lengths 88 and 100 (it would move a longer one into parentheses at 88 only)."""
    renamed: dict[str, str] = {}
    for index, step in enumerate(program.steps):
        function = attributes.get(step.layer_name, "torch.function")
        if step.layer is not None and width(f"{INDENT * 2}{step.variable} = {function}(") > 88:
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
    used = width(f"{INDENT * 2}{attribute} = ") if not attribute.startswith("self.get_submodule") else len(INDENT * 3) + 1
    constructed = _construct(step.layer).lines(INDENT * 2, used)
    if attribute.startswith("self.get_submodule") or _too_long_to_assign(attribute, f"nn.{_kind(step.layer)}("):
        constructed = _construct(step.layer).lines(INDENT * 2, len(INDENT * 3) + 1)
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


def _statement(variable: str, function: str, operands: Operands | None, suffix: str) -> list[str]:
    """`variable = function(...)suffix` on one line when it fits in 88 columns, else one argument a line;
    without operands, `variable = function` (an expression such as `x[:, 0]`)."""
    if operands is None:
        return [f"{INDENT * 2}{variable} = {function}{suffix}"]
    positional, keywords = operands

    def render(indent: str, used: int) -> list[str]:
        lines = call_lines(function, positional, keywords, indent, used + width(suffix))
        lines[-1] += suffix
        return lines

    return assignment(variable, render, INDENT * 2)


def _construct(layer: LayerSpec) -> Call:
    """`nn.Type(arguments...)`; lists become tuples (torch takes `scale_factor` as a float or a tuple),
    a nested entry (TransformerEncoder's `encoder_layer`) its own constructor call."""
    keywords = {key: _torch_value(value) for key, value in arguments(layer.layer, "pytorch").items()}
    return Call(f"nn.{_kind(layer)}", [], keywords)


def _torch_value(value: Any) -> Any:
    if isinstance(value, LayerSpec):
        return _construct(value)
    if isinstance(value, list):
        return tuple(_torch_value(item) for item in value)
    return value


def _call(step: Step, attributes: dict[str, str], several: bool, batch: Code) -> tuple[str, Operands | None, str]:
    """The call computing one step: function, its arguments, and what follows the call (`[0]`)."""
    assert step.layer is not None
    tensors = [Code(source.expression()) for source in step.sources]
    type_name = _kind(step.layer)
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
    if getattr(type(step.layer.layer), "user_declared", False):
        raise ExportRefused(f"{step.layer.name}: {type_name} is a custom layer declared in the file: shapecalc "
                            "knows its shapes and weights, not its code, so export does not write it")
    dtype = getattr(step.layer.layer, "dtype", None) or step.layer.keys.dtype  # `dtype:` is a key every entry takes
    if type_name == "To":
        if not isinstance(dtype, str):
            raise ExportRefused(f"{step.layer.name}: To without a dtype; export does not write it")
        return f"{tensors[0].text}.to", ([_torch_dtype(dtype)], {}), ""
    written = _plumbing(type_name, step.layer.layer, tensors, batch) or _source(type_name, step.layer.layer, dtype)
    if written is not None:
        return written
    return _function(type_name, step.layer.layer, tensors, step.layer.name)


def _sizes(sizes: list[Any], batch: Code) -> list[Any]:
    """A shape argument as code: a null is the forward pass's batch, `x.size(0)` of the model's first input."""
    return [batch if size is None else size for size in sizes]


def _plumbing(type_name: str, layer: Any, tensors: list[Code], batch: Code) -> tuple[str, Operands | None, str] | None:
    """Tensor methods that cut, pick, stretch and multiply (plumbing.py, products.py), or None."""
    first = tensors[0].text if tensors else ""
    if type_name in ("Chunk", "Split"):
        amount = layer.chunks if type_name == "Chunk" else layer.split_size_or_sections
        return f"torch.{type_name.lower()}", ([tensors[0], amount], {"dim": layer.dim}), ""
    if type_name == "Expand":
        return f"{first}.expand", (_sizes(list(layer.size), batch), {}), ""
    if type_name == "ExpandAs":
        return f"{first}.expand_as", ([tensors[1]], {}), ""
    if type_name == "Select":
        return f"{first}.select", ([layer.dim, layer.index], {}), ""
    if type_name == "Narrow":
        return f"{first}.narrow", ([layer.dim, layer.start, layer.length], {}), ""
    if type_name == "Index":  # the file's index, read and checked by Index.parts(): integers, slices, ..., None
        return f"{first}[{', '.join(layer.parts())}]", None, ""
    if type_name == "Contiguous":
        return f"{first}.contiguous", ([], {}), ""
    if type_name in PRODUCTS:
        return PRODUCTS[type_name], (tensors, {}), ""
    if type_name == "Einsum":
        return "torch.einsum", ([layer.equation, *tensors], {}), ""
    if type_name == "ScaledDotProductAttention":
        return "nn.functional.scaled_dot_product_attention", (tensors, arguments(layer, "pytorch")), ""
    if type_name in ("Tril", "Triu"):
        return f"torch.{type_name.lower()}", (tensors, arguments(layer, "pytorch")), ""
    if type_name in ("Reshape", "View"):
        return f"{first}.{type_name.lower()}", (_sizes(list(layer.shape), batch), {}), ""
    return None


def _torch_dtype(dtype: str) -> Code:
    """`torch.float16` for `float16` or `torch.float16`; anything but a plain name is refused, never written as code."""
    name = dtype.removeprefix("torch.")
    if not (name.isidentifier() and name.isascii()) or keyword.iskeyword(name):
        raise ExportRefused(f"dtype {dtype!r} is not a torch dtype name; export does not write it")
    return Code(f"torch.{name}")


def _source(type_name: str, layer: Any, written_dtype: str | None) -> tuple[str, Operands, str] | None:
    """Tensors forward() makes without an input (sources.py): `torch.ones(size)`, `torch.arange(...)`, or None."""
    dtype = {"dtype": _torch_dtype(written_dtype)} if written_dtype else {}
    if type_name in CREATED:
        return f"torch.{type_name.lower()}", ([tuple(layer.size)], dtype), ""
    if type_name == "Full":
        return "torch.full", ([tuple(layer.size), layer.fill_value], dtype), ""
    if type_name == "Arange":
        return "torch.arange", ([layer.start, layer.end, layer.step], dtype), ""
    return None


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
    if type_name in ("Squeeze", "Unsqueeze", "Mean", "Sum"):
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
    if type_name == "MaskedFill":
        return "torch.masked_fill", ([*tensors, layer.value], {}), ""
    if type_name == "Where":  # condition, input, other: numbers where the file gives them, tensors in order
        pending = list(tensors)
        operands = [pending.pop(0)] + [args[key] if key in args else pending.pop(0) for key in ("input", "other")]
        return "torch.where", (operands, {}), ""
    raise ExportRefused(f"{name}: export does not write {type_name} as PyTorch code yet")


__all__ = ["Code", "torch_module"]
