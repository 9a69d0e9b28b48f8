"""Our model data written as a readable model file: block structure at the top, one flow-style line per layer
(a nested model's entry is a block of its own, its layers one line each).

Arguments equal to their layer type's default are left out (`strides: [1, 1]`
of a Conv2D, `use_bias: true`, `glorot_uniform`), and a list of one size per
axis is written as the one size where the frameworks read it so (`kernel_size:
[3, 3]` is `kernel_size: 3`). Scalars are written so that any YAML reader
reads them back as the same value: text that YAML 1.1 would take for a number,
a boolean or null is quoted, and a float in exponent form keeps a decimal point
(`1.0e-05`), without which YAML 1.1 reads text.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# Arguments where Keras reads one integer as that integer on every axis.
PER_AXIS = frozenset({"kernel_size", "strides", "dilation_rate", "pool_size", "size"})
FIRST_KEYS = ("name",)
LAST_KEYS = ("trainable", "inputs")
TOP_KEYS = ("model", "framework", "input", "inputs", "batch", "layers", "outputs", "expect")
# What Keras writes for an argument whose default is null: the same setting, spelt out.
SPELT_DEFAULTS = {("keras", "data_format"): "channels_last", ("keras", "activation"): "linear"}
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*\Z")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})


def write_model(data: dict[str, Any], header: list[str]) -> str:
    """The model file's text: `header` as comment lines, then the top-level keys in the usual order."""
    lines = [f"# {line}" if line else "#" for line in header]
    for key in TOP_KEYS:
        if key not in data:
            continue
        value = data[key]
        if key == "layers":
            lines.append("layers:")
            for entry in value:
                lines.extend(entry_lines(entry, data.get("framework", "keras"), "  "))
        else:
            lines.append(f"{key}: {flow(value)}")
    return "\n".join(lines) + "\n"


NESTED_MODELS = ("Sequential", "Functional")  # entries holding a `layers:` list of their own


def entry_lines(entry: Any, framework: str, indent: str) -> list[str]:
    """One `- ` item of a `layers:` list: a flow-style line, or for a nested model a block whose own
    `layers:` are written the same way (their defaults left out too), one line a layer."""
    if isinstance(entry, dict) and len(entry) == 1:
        ((type_name, args),) = entry.items()
        if type_name in NESTED_MODELS and isinstance(args, dict) and isinstance(args.get("layers"), list):
            inner = indent + "    "
            rest = ordered(without_defaults(framework, type_name, {k: v for k, v in args.items() if k != "layers"}))
            lines = [f"{indent}- {scalar(type_name)}:"]
            lines += [f"{inner}{scalar(key)}: {flow(value)}" for key, value in rest.items() if key not in LAST_KEYS]
            lines.append(f"{inner}layers:")
            for item in args["layers"]:
                lines.extend(entry_lines(item, framework, inner + "  "))
            lines += [f"{inner}{scalar(key)}: {flow(value)}" for key, value in rest.items() if key in LAST_KEYS]
            return lines
    return [f"{indent}- {layer_entry(entry, framework)}"]


def layer_entry(entry: Any, framework: str) -> str:
    """`Type: {args}` with defaults left out, or `Type` alone when nothing is left."""
    if isinstance(entry, str):
        return scalar(entry)
    ((type_name, args),) = entry.items()
    args = without_defaults(framework, type_name, args or {})
    if not args:
        return scalar(type_name)
    return f"{scalar(type_name)}: {flow(ordered(args))}"


def without_defaults(framework: str, type_name: str, args: dict[str, Any]) -> dict[str, Any]:
    """`args` less what equals the type's default; nested layer entries (a wrapper's `layer:`) likewise."""
    from shapecalc.layers.registry import lookup

    cls = lookup(framework, type_name)
    fields = cls.model_fields if cls is not None else {}
    kept: dict[str, Any] = {}
    for key, value in args.items():
        if cls is not None and key in cls.nested_entries and value is not None:
            value = [_nested(framework, item) for item in value] if isinstance(value, list) else _nested(framework, value)
        if key in PER_AXIS and isinstance(value, list) and value and len(set(map(repr, value))) == 1 \
                and isinstance(value[0], int):
            value = value[0]
        field = fields.get(key)
        if key == "trainable" and value is True:
            continue
        if field is not None and not field.is_required() and (
                same_value(value, field.default) or field.default is None and SPELT_DEFAULTS.get((framework, key)) == value):
            continue
        kept[key] = value
    return kept


def _nested(framework: str, entry: Any) -> Any:
    if not isinstance(entry, dict) or len(entry) != 1:
        return entry
    ((type_name, args),) = entry.items()
    args = without_defaults(framework, type_name, args or {})
    return {type_name: ordered(args)} if args else type_name


def same_value(value: Any, default: Any) -> bool:
    """Equal and of the same kind: 0 and 0.0 are the same default, True and 1 are not."""
    numbers = (int, float)
    if isinstance(value, bool) or isinstance(default, bool):
        return type(value) is type(default) and value == default
    if isinstance(value, numbers) and isinstance(default, numbers):
        return value == default
    return type(value) is type(default) and value == default


def ordered(args: dict[str, Any]) -> dict[str, Any]:
    """`name` first, the layer's own arguments as Keras writes them, then `trainable` and `inputs`."""
    first = {key: args[key] for key in FIRST_KEYS if key in args}
    last = {key: args[key] for key in LAST_KEYS if key in args}
    middle = {key: value for key, value in args.items() if key not in first and key not in last}
    return {**first, **middle, **last}


def flow(value: Any) -> str:
    """A value in YAML flow style, on one line."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(str(key))}: {flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return scalar(value)


def scalar(value: Any) -> str:
    """One scalar as YAML reads it back unchanged (YAML 1.1 readers included)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML11_WORDS and not _looks_numeric(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, exponent_mark, exponent = text.partition("e")
    if exponent_mark and "." not in mantissa:
        return f"{mantissa}.0e{exponent}"
    return text


def _looks_numeric(text: str) -> bool:
    """Text a YAML reader could take for a number (`1_000`, `0x1F`, `1e3`, `.5`, `1:30` in YAML 1.1)."""
    return bool(re.match(r"[-+]?(\.?[0-9]|\.inf|\.nan)", text, re.IGNORECASE))
