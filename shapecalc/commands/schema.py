"""`shapecalc schema`: a JSON Schema (2020-12) of the model file, for editors and check-jsonschema.

Generated, never written by hand: each layer type's arguments come from the
same declarations that validate files (the pydantic model a Layer class
builds for full validation), so the schema cannot drift from the checker.
A layer's arguments are checked in the `Type: {args}` form, where an editor
shows them and a misspelt one is an error; the bare and scalar forms and
`{type: ...}` entries are accepted as written. Blocks' bodies are not checked
(their arguments may be expressions such as `4 * filters`), nor are names
the registry does not know (a block or a declared custom layer).
"""

from __future__ import annotations

import json
import sys
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def run(framework: str | None) -> int:
    sys.stdout.write(json.dumps(model_file_schema(framework), indent=1, sort_keys=True) + "\n")
    return 0


def model_file_schema(framework: str | None = None) -> dict[str, Any]:
    from shapecalc.layers.registry import TABLES
    from shapecalc.layers.spelling import FRAMEWORK_ALIASES
    from shapecalc.validate import TopLevel

    frameworks = [framework] if framework else sorted(TABLES)
    definitions: dict[str, Any] = {}
    entries: dict[str, Any] = {}
    for name in frameworks:
        entry_types: dict[str, Any] = {}
        for type_name in sorted(TABLES[name]):
            key = f"{name}.{type_name}"
            definitions[key] = _arguments(name, type_name, definitions)
            entry_types[type_name] = {"$ref": f"#/$defs/{key}"}
        entries[name] = {"type": "array", "items": _entry(entry_types), "description": "the layers, in order"}
    top = _inline(TopLevel.pydantic_model().model_json_schema(), definitions)
    properties = top["properties"]
    names = {"keras": "keras", "pytorch": "pytorch", **FRAMEWORK_ALIASES}
    properties["framework"] = {"enum": sorted(written for written, meant in names.items() if meant in frameworks),
                               "default": frameworks[0], "description": "keras (channels_last) or pytorch (channels_first)"}
    properties["blocks"] = {"type": "object", "description": "named, parameterised sub-networks (not checked here)"}
    if len(frameworks) == 1:
        properties["layers"] = entries[frameworks[0]]
    else:  # the file's `framework:` decides whose layer types its entries are (keras when it says nothing)
        torch_names = sorted(written for written, meant in names.items() if meant == "pytorch")
        properties["layers"] = {"type": "array"}
        top["if"] = {"properties": {"framework": {"enum": torch_names}}, "required": ["framework"]}
        top["then"] = {"properties": {"layers": entries["pytorch"]}}
        top["else"] = {"properties": {"layers": entries["keras"]}}
    return {"$schema": DRAFT, "$id": "https://shapecalc.dev/model-file.schema.json", "title": "shapecalc model file",
            **top, "$defs": definitions}


def _entry(entry_types: dict[str, Any]) -> dict[str, Any]:
    """A layer entry: a bare type name, `{Type: args}` (args checked for known types), or `{type: ..., ...}`."""
    single = {"type": "object", "minProperties": 1, "maxProperties": 1, "properties": entry_types}
    explicit = {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}}
    return {"anyOf": [{"type": "string"}, explicit, single]}


def _arguments(framework: str, type_name: str, definitions: dict[str, Any]) -> dict[str, Any]:
    from shapecalc.layers.positional import list_fills_primary
    from shapecalc.layers.registry import lookup
    from shapecalc.model import ARGS_KEY, LayerKeys

    cls = lookup(framework, type_name)
    schema = _inline(cls.pydantic_model().model_json_schema(), definitions)
    common = _inline(LayerKeys.pydantic_model().model_json_schema(), definitions)["properties"]
    schema["properties"] = {**common, **schema.get("properties", {})}
    schema.pop("required", None) if not schema.get("required") else None
    schema["title"] = type_name
    doc = (cls.__doc__ or "").strip().splitlines()
    if doc:
        schema["description"] = doc[0]
    positional = _positional(cls, framework, type_name, schema["properties"])
    if positional is None:
        scalar = {"not": {"type": "object"}}  # `Dense: 10`, `Flatten: null`: the scalar and bare forms
        return {"anyOf": [schema, scalar]}
    schema["properties"][ARGS_KEY] = positional
    if schema.get("required"):  # required arguments may come positionally instead
        schema["anyOf"] = [{"required": [ARGS_KEY]}, {"required": schema.pop("required")}]
    if list_fills_primary(cls):  # `MaxPool2d: [3, 2]` is its primary argument, as ever
        return {"anyOf": [schema, {"not": {"type": "object"}}]}
    return {"anyOf": [schema, {"not": {"type": ["object", "array"]}}, positional]}


def _positional(cls: Any, framework: str, type_name: str, properties: dict[str, Any]) -> dict[str, Any] | None:
    """`Conv2d: [3, 16, 3]` and `args: [...]`: each position takes what its argument takes
    (`false` where shapecalc does not read the framework's parameter); no more than the signature has."""
    from shapecalc.layers.positional import positional_order

    order = None if cls.user_declared else positional_order(framework, type_name)
    if order is None:
        return None
    described = {"type": "array", "maxItems": len(order),
                 "description": f"positional arguments, as in code: {', '.join(order) or 'none'}"}
    if order:
        described["prefixItems"] = [properties.get(name, False) for name in order]
    return described


def _inline(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """Move a pydantic schema's own `$defs` into the shared ones (their names are per model, so prefixed)."""
    local = schema.pop("$defs", {})
    for name, value in local.items():
        definitions.setdefault(name, value)
    return schema
