"""The torch functions and tensor methods a model file writes as entries (Mul, Chunk, Matmul, ...), as modules.

Independent of shapecalc: each entry type maps to the torch call a forward()
would make, with the entry's arguments passed as torch names them. A
function module takes the tensors listed under `inputs:` positionally.
"""

from __future__ import annotations

from typing import Any


def function_modules(torch: Any) -> dict[str, Any]:
    """Type name -> a constructor taking the entry's arguments and returning an nn.Module."""
    nn = torch.nn

    class Function(nn.Module):
        def __init__(self, function: Any):
            super().__init__()
            self.function = function

        def forward(self, *tensors: Any) -> Any:
            return self.function(*tensors)

    def binary(function: Any, **fixed: Any) -> Any:
        def make(other: Any = None, **keywords: Any) -> Any:
            if other is None:
                return Function(lambda a, b: function(a, b, **fixed, **keywords))
            return Function(lambda a: function(a, other, **fixed, **keywords))
        return make

    def add(other: Any = None, alpha: Any = 1) -> Any:
        if other is not None:
            return Function(lambda a: torch.add(a, other, alpha=alpha))

        def total(*tensors: Any) -> Any:
            result = tensors[0]
            for tensor in tensors[1:]:
                result = torch.add(result, tensor, alpha=alpha)
            return result
        return Function(total)

    def where(input: Any = None, other: Any = None) -> Any:
        def call(condition: Any, *tensors: Any) -> Any:
            rest = list(tensors)
            first = input if input is not None else rest.pop(0)
            second = other if other is not None else rest.pop(0)
            return torch.where(condition.bool(), first, second)
        return Function(call)

    def unary(function: Any) -> Any:
        return lambda **keywords: Function(lambda a: function(a, **keywords))

    class Learned(nn.Module):
        """nn.Parameter(torch.zeros(shape)) returned by forward()."""

        def __init__(self, shape: Any, requires_grad: bool = True):
            super().__init__()
            self.weight = nn.Parameter(torch.zeros(shape), requires_grad=requires_grad)

        def forward(self) -> Any:
            return self.weight

    class Registered(nn.Module):
        """module.register_buffer(...) returned by forward()."""

        def __init__(self, shape: Any, persistent: bool = True):
            super().__init__()
            self.register_buffer("buffer", torch.zeros(shape), persistent=persistent)

        def forward(self) -> Any:
            return self.buffer

    def created(function: Any) -> Any:
        def make(size: Any, dtype: Any = None, **keywords: Any) -> Any:
            dtype = getattr(torch, dtype) if dtype else None
            return Function(lambda: function(size, dtype=dtype, **keywords))
        return make

    def arange(end: Any, start: Any = 0, step: Any = 1, dtype: Any = None) -> Any:
        dtype = getattr(torch, dtype) if dtype else None
        return Function(lambda: torch.arange(start, end, step, dtype=dtype))

    sources = {
        "Parameter": Learned, "Buffer": Registered, "Arange": arange,
        **{name: created(getattr(torch, name.lower())) for name in ("Ones", "Zeros", "Empty", "Rand", "Randn", "Full")},
    }
    def at_run_time(sizes: Any, tensor: Any) -> tuple[Any, ...]:
        """A null size is the batch, as `bs = x.size(0)` of the model's input is in a forward() (the tensor
        at hand may not have it first: ViT's class token, a Parameter of (1, 1, 768), is expanded to it)."""
        return tuple(RUN_BATCH[0] if size is None else size for size in sizes)

    def index(index: str) -> Any:
        return Function(lambda x: eval(f"x{index if index.strip().startswith('[') else f'[{index}]'}", {"x": x}))

    plumbing = {
        "Chunk": lambda chunks, dim=0: Function(lambda x: x.chunk(chunks, dim)),
        "Split": lambda split_size_or_sections, dim=0: Function(lambda x: torch.split(x, split_size_or_sections, dim)),
        "Expand": lambda size: Function(lambda x: x.expand(*at_run_time(size, x))),
        "ExpandAs": lambda: Function(lambda x, other: x.expand_as(other)),
        "Select": lambda dim, index: Function(lambda x: x.select(dim, index)),
        "Narrow": lambda dim, start, length: Function(lambda x: x.narrow(dim, start, length)),
        "Index": index,
        "Sum": lambda dim=None, keepdim=False: Function(lambda x: x.sum(dim=dim, keepdim=keepdim)),
        "Contiguous": lambda: Function(lambda x: x.contiguous()),
        "View": lambda shape: Function(lambda x: x.view(*at_run_time(shape, x))),
        "Reshape": lambda shape: Function(lambda x: x.reshape(*at_run_time(shape, x))),
    }
    products = {
        "Matmul": lambda: Function(torch.matmul), "Bmm": lambda: Function(torch.bmm), "Mm": lambda: Function(torch.mm),
        "Einsum": lambda equation: Function(lambda *operands: torch.einsum(equation, *operands)),
        "ScaledDotProductAttention": lambda **keywords: Function(
            lambda q, k, v, *mask: torch.nn.functional.scaled_dot_product_attention(
                q, k, v, attn_mask=mask[0] if mask else None, **keywords)),
    }
    comparisons = {name: binary(getattr(torch, name.lower())) for name in ("Eq", "Ne", "Lt", "Le", "Gt", "Ge")}
    modules = {
        **sources,
        **products,
        **plumbing,
        "Add": add,
        "Sub": binary(torch.sub),
        "Rsub": binary(torch.rsub),
        "Mul": binary(torch.mul),
        "Div": binary(torch.div),
        "Pow": lambda exponent=None: Function(lambda a, *b: torch.pow(a, b[0] if b else exponent)),
        "Maximum": binary(torch.maximum),
        "Minimum": binary(torch.minimum),
        **comparisons,
        "Where": where,
        "MaskedFill": lambda value: Function(lambda x, mask: x.masked_fill(mask.bool(), value)),
        "Abs": unary(torch.abs), "Neg": unary(torch.neg), "Exp": unary(torch.exp), "Log": unary(torch.log),
        "Sqrt": unary(torch.sqrt), "Rsqrt": unary(torch.rsqrt), "Sin": unary(torch.sin), "Cos": unary(torch.cos),
        "Reciprocal": unary(torch.reciprocal), "LogicalNot": unary(torch.logical_not),
        "Clamp": unary(torch.clamp), "Tril": unary(torch.tril), "Triu": unary(torch.triu), "Float": unary(lambda a: a.float()), "Long": unary(lambda a: a.long()),
        "To": lambda dtype=None: Function(lambda a: a.to(getattr(torch, dtype)) if dtype else a),
        "Subtract": binary(torch.subtract), "Multiply": binary(torch.multiply), "Divide": binary(torch.divide),
        "TrueDivide": binary(torch.true_divide), "Clip": unary(torch.clip),
    }
    # torch.mul-style aliases: the function of that name
    modules.update({f"torch.{name.lower()}": modules[name] for name in (
        "Add", "Sub", "Rsub", "Mul", "Div", "Pow", "Maximum", "Minimum", "Eq", "Ne", "Lt", "Le", "Gt", "Ge",
        "Where", "Abs", "Neg", "Exp", "Log", "Sqrt", "Rsqrt", "Clamp", "Chunk", "Split", "Sum", "Matmul", "Bmm", "Mm", "Einsum", *SOURCES[2:])})
    modules["F.scaled_dot_product_attention"] = modules["ScaledDotProductAttention"]
    modules["nn.Parameter"] = Learned
    return modules


# the argument a scalar entry (`Mul: 0.5`) fills, per type
OP_PRIMARY = {
    **{name: "other" for name in ("Add", "Sub", "Rsub", "Mul", "Div", "Eq", "Ne", "Lt", "Le", "Gt", "Ge")},
    "Pow": "exponent", "MaskedFill": "value", "To": "dtype", "Parameter": "shape", "Buffer": "shape",
    "Einsum": "equation", "Chunk": "chunks", "Tril": "diagonal", "Triu": "diagonal", "Split": "split_size_or_sections", "Expand": "size", "Index": "index", "Sum": "dim",
    "Arange": "end", "Ones": "size", "Zeros": "size", "Empty": "size", "Rand": "size", "Randn": "size",
}
# other names of the same call: torch's function names and its aliases (rows show the type named last)
ALIASES = {
    **{f"torch.{name.lower()}": name for name in (
        "Add", "Sub", "Rsub", "Mul", "Div", "Pow", "Maximum", "Minimum", "Eq", "Ne", "Lt", "Le", "Gt", "Ge",
        "Where", "Abs", "Neg", "Exp", "Log", "Sqrt", "Rsqrt", "Clamp", "Ones", "Zeros", "Empty", "Rand", "Randn",
        "Full", "Arange", "Chunk", "Split", "Sum", "Matmul", "Bmm", "Mm", "Einsum")},
    "F.scaled_dot_product_attention": "ScaledDotProductAttention",
    "Subtract": "Sub", "Multiply": "Mul", "Divide": "Div", "TrueDivide": "Div", "Clip": "Clamp",
    "nn.Parameter": "Parameter",
}
# entries that start a branch: no input unless `inputs:` says otherwise
RUN_BATCH = [1]  # the batch of the forward pass under way (torch_reference.build sets it)

SOURCES = ("Parameter", "Buffer", "Ones", "Zeros", "Empty", "Rand", "Randn", "Full", "Arange")
OP_PRIMARY |= {f"torch.{name.lower()}": primary for name, primary in list(OP_PRIMARY.items())}
