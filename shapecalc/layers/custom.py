"""Custom layers declared in the model file: a class the tool cannot know, described by its shapes and weights.

A model that uses a layer of its own (ConvNeXt's `LayerScale`,
InceptionResNetV2's `CustomScaleLayer`) declares it once, at the top, the way
code defines a class once and calls it many times:

    custom_layers:
      LayerScale:
        arguments: [init_values, projection_dim]   # a name alone is required; `name: default` is not
        output: same                               # the first input's shape
        weights: {gamma: [projection_dim]}         # add_weight(shape=(projection_dim,))
      CustomScaleLayer:
        arguments: [scale]
        inputs: 2
        output: broadcast                          # NumPy broadcast of the inputs
    layers:
      - LayerScale: {init_values: 1.0e-6, projection_dim: 96}

and its entries are then written like any layer's. The declaration's keys:

- `arguments`: the constructor's arguments, as a list of names (required)
  and `name: default` pairs; a layer entry must give exactly these.
- `inputs`: how many tensors a call takes (default 1).
- `output`: `same` (the first input's shape), `broadcast` (the inputs'
  NumPy broadcast), or a list of sizes without the batch axis, which is
  the first input's.
- `weights`, `non_trainable_weights`: weight name -> shape; the parameters
  are the sum of their products (non-trainable ones counted apart, as Keras
  and `requires_grad=False` do).

A size is an integer, `null` (unknown), or a small expression: integers,
argument names and sizes of the inputs, `size(i)` (axis i of the first
input, batch axis 0, negative from the end, as torch's `x.size(i)` or
`x.shape[i]` in code) or `size(i, k)` (of input k), joined by `+`, `-`, `*`,
`//` and parentheses (no brackets, so it fits a YAML flow list). Nothing is
evaluated as code: the expression is parsed here and every number in it is
one the file or an input shape gives, so the working is shown in `explain`.
An unknown size in an expression makes its result unknown.

The summary shows the declared class name and marks the row as
user-declared: its shape and parameters are the file's word, not the
framework's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from shapecalc.layers.base import Layer, Params, Why, snake_case
from shapecalc.layers.declared_sizes import DeclarationError, Term, evaluate, parse_size
from shapecalc.shapes import Dim, Shape, ShapeError, format_shape

DECLARATION_KEYS = ("arguments", "inputs", "output", "weights", "non_trainable_weights")
OUTPUT_MODES = ("same", "broadcast")


# ---------------------------------------------------------------- the layer class a declaration makes

@dataclass(frozen=True)
class Rule:
    """A declaration, parsed: what the declared class's output_shape() and params() follow."""

    inputs: int
    output: str | list[Term | None]
    weights: dict[str, list[Term | None]]
    non_trainable_weights: dict[str, list[Term | None]]


class DeclaredLayer(Layer):
    """Base of the classes `custom_layers:` declares: shape and parameters follow the file's rule."""

    user_declared: ClassVar[bool] = True
    rule: ClassVar[Rule]

    def _argument_values(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        rule, name = self.rule, self.type_name()
        if rule.output == "same":
            why.step(f"{name} (declared): output = the input's shape {format_shape(inputs[0])}")
            return inputs[0]
        if rule.output == "broadcast":
            from shapecalc.broadcast import broadcast_shapes

            result = broadcast_shapes(inputs, name)
            why.step(f"{name} (declared): output = the inputs' broadcast, {format_shape(result)}")
            return result
        values = self._argument_values()
        sizes = [self._evaluated_size(term, values, inputs, "output") for term in rule.output]
        result = (inputs[0][0], *sizes)
        shown = ", ".join("null" if t is None else t.text() for t in rule.output)
        why.step(f"{name} (declared): output [{shown}] = {format_shape(result)}")
        return result

    def _evaluated_size(self, term: Term | None, values: dict[str, Any], inputs: list[Shape], where: str) -> Dim:
        size = evaluate(term, values, inputs, f"{self.type_name()} {where}")
        if size is not None and size <= 0:
            assert term is not None
            raise ShapeError(f"{self.type_name()}: {where} size {term.text()} = {size}, which is not positive",
                             code="SC101")
        return size

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> int | None:
        """Unknown: a declaration states shapes and weights, not the work its call does."""
        return None

    def params(self, inputs: list[Shape], why: Why) -> Params:
        values = self._argument_values()
        counts = []
        for weights in (self.rule.weights, self.rule.non_trainable_weights):
            total = 0
            for weight, shape in weights.items():
                sizes = [self._evaluated_size(term, values, inputs, f"weight {weight!r}") for term in shape]
                if None in sizes:
                    raise ShapeError(f"{self.type_name()}: weight {weight!r} needs a known size on every axis, "
                                     f"but its shape works out as {format_shape(tuple(sizes))} for input "
                                     f"{', '.join(format_shape(s) for s in inputs)}", code="SC102")
                count = 1
                for size in sizes:
                    count *= size  # type: ignore[operator]
                why.step(f"weight {weight!r}: shape {format_shape(tuple(sizes))} = {count}")
                total += count
            counts.append(total)
        return Params(counts[0], counts[1])


def declare(name: Any, declaration: Any, framework: str) -> type[DeclaredLayer]:
    """The layer class one `custom_layers:` entry declares; raises DeclarationError where it is wrong."""
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        raise DeclarationError(f"a custom layer's name is a class name such as `LayerScale`, not {name!r}")
    if declaration is None:
        declaration = {}
    if not isinstance(declaration, dict):
        raise DeclarationError(f"{name}: a custom layer is declared by a mapping of "
                               f"{', '.join(DECLARATION_KEYS)}")
    for key in declaration:
        if key not in DECLARATION_KEYS:
            import difflib

            close = difflib.get_close_matches(str(key), DECLARATION_KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean `{close[0]}`?" if close else f" (known: {', '.join(DECLARATION_KEYS)})"
            raise DeclarationError(f"{name}: unknown key `{key}`{hint}", (key,), code="SC003")
    defaults = read_arguments(name, declaration.get("arguments"))
    arguments = set(defaults)
    inputs = declaration.get("inputs", 1)
    if isinstance(inputs, bool) or not isinstance(inputs, int) or not 1 <= inputs <= 64:
        raise DeclarationError(f"{name}: `inputs` is how many tensors a call takes, 1 to 64", ("inputs",))
    rule = Rule(inputs, read_output(name, declaration.get("output", "same"), arguments),
                read_weights(name, declaration, "weights", arguments),
                read_weights(name, declaration, "non_trainable_weights", arguments))
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": f"{name}, declared in the model file: shape and parameters as declared there.",
        "__annotations__": dict.fromkeys(defaults, "Any"),
        "rule": rule,
        "framework": framework,
        "min_inputs": inputs,
        "max_inputs": inputs,
        "primary": next(iter(defaults), None),  # the first argument, as `PoolProject(4)` passes it
        "auto_name": snake_case(name),
    }
    namespace.update({argument: default for argument, default in defaults.items() if default is not _REQUIRED})
    return type(name, (DeclaredLayer,), namespace)


_REQUIRED = object()


def read_arguments(name: str, written: Any) -> dict[str, Any]:
    """`[a, b: 1]` -> {a: required, b: 1}: the constructor's signature, as the file writes it."""
    if written is None:
        return {}
    if not isinstance(written, list):
        raise DeclarationError(f"{name}: `arguments` is a list of names (required) and `name: default` pairs",
                               ("arguments",))
    found: dict[str, Any] = {}
    for index, item in enumerate(written):
        if isinstance(item, dict) and len(item) == 1:
            ((argument, default),) = item.items()
        elif isinstance(item, str):
            argument, default = item, _REQUIRED
        else:
            raise DeclarationError(f"{name}: an argument is a name or a `name: default` pair, not {item!r}",
                                   ("arguments", index))
        if not isinstance(argument, str) or not argument.isidentifier() or argument.startswith("_"):
            raise DeclarationError(f"{name}: {argument!r} is not an argument name", ("arguments", index))
        if argument in _RESERVED or hasattr(DeclaredLayer, argument):
            raise DeclarationError(f"{name}: `{argument}` cannot be an argument name here (every layer has a "
                                   f"key or a rule of that name)", ("arguments", index))
        if argument in found:
            raise DeclarationError(f"{name}: argument `{argument}` is declared twice", ("arguments", index))
        found[argument] = default
    return found


_RESERVED = frozenset({"name", "inputs", "trainable", "expect", "input_shape", "batch_size", "dtype", "type",
                       "input", "rule", "model_fields", "model_config"})


def read_output(name: str, written: Any, arguments: set[str]) -> str | list[Term | None]:
    if isinstance(written, str):
        if written not in OUTPUT_MODES:
            raise DeclarationError(f"{name}: `output` is `same`, `broadcast` or a list of sizes without the "
                                   f"batch axis, not {written!r}", ("output",))
        return written
    if not isinstance(written, list) or len(written) > 16:
        raise DeclarationError(f"{name}: `output` is `same`, `broadcast` or a list of at most 16 sizes "
                               "without the batch axis", ("output",))
    return [_size(name, value, arguments, ("output", index)) for index, value in enumerate(written)]


def read_weights(name: str, declaration: dict[str, Any], key: str, arguments: set[str]) -> dict[str, list[Term | None]]:
    written = declaration.get(key)
    if written is None:
        return {}
    if not isinstance(written, dict):
        raise DeclarationError(f"{name}: `{key}` maps each weight's name to its shape, as "
                               "`{gamma: [projection_dim]}`", (key,))
    weights: dict[str, list[Term | None]] = {}
    for weight, shape in written.items():
        if not isinstance(shape, list) or len(shape) > 16:
            raise DeclarationError(f"{name}: weight {weight!r}: a shape is a list of at most 16 sizes", (key, weight))
        weights[str(weight)] = [_size(name, value, arguments, (key, weight, index)) for index, value in enumerate(shape)]
    return weights


def _size(name: str, value: Any, arguments: set[str], where: tuple[Any, ...]) -> Term | None:
    try:
        return parse_size(value, arguments)
    except DeclarationError as error:
        raise DeclarationError(f"{name}: {error.message}", where) from None
