"""A Functional config's `inbound_nodes` read into calls: which keras tensors each call of a layer takes.

A keras tensor names its producer as `keras_history: [layer, call, output]`;
here it becomes one of our references (`name`, `name[t]` or `name[n][t]`,
`reference_text`), and translate.py orders the calls so that each follows
the calls feeding it. `Refused` is the error of a config that cannot be
translated as a whole, located at its JSON path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shapecalc.kerasfile.entries import describe
from shapecalc.reading import DocPath

KERAS_TENSOR = "__keras_tensor__"
IGNORED_CALL_ARGUMENTS = {"mask": (None,), "training": (None, True, False)}  # values that change no shape
# MultiHeadAttention's tensors when called by keyword, in our order (Keras's "Connected to" lists
# keyword tensors sorted by name: key, query, value).
TENSOR_KEYWORDS = ("query", "value", "key")


class Refused(Exception):
    """The file as a whole cannot be translated (its structure, not one layer)."""

    def __init__(self, message: str, json_path: DocPath, code: str = "SC009"):
        super().__init__(message)
        self.message, self.json_path, self.code = message, json_path, code


@dataclass
class Call:
    """One call of a layer: its entry index in the JSON, call number and the references it takes."""

    layer: str
    call: int
    references: list[str]
    json_path: DocPath
    tensor_paths: list[DocPath]
    constants: dict[str, Any] = field(default_factory=dict)


def read_calls(layer: dict[str, Any], json_path: DocPath, name: str) -> list[Call]:
    """Every call of a layer of a Functional config, from its `inbound_nodes`."""
    nodes = layer.get("inbound_nodes", [])
    where = json_path + ("inbound_nodes",)
    if not isinstance(nodes, list):
        raise Refused(f"{describe(layer)}: `inbound_nodes` must be a list", where)
    found = []
    for call, node in enumerate(nodes):
        node_path = where + (call,)
        if isinstance(node, list):
            raise Refused("this is Keras 2's format (inbound nodes written as lists); shapecalc reads what "
                           "Keras 3 writes: load the model in Keras 3 and save it again", node_path)
        if not isinstance(node, dict) or not isinstance(node.get("args", []), list) \
                or not isinstance(node.get("kwargs", {}), dict):
            raise Refused(f"{describe(layer)}: an inbound node is `{{args: [...], kwargs: {{...}}}}`", node_path)
        found.append(read_call(name, call, node, node_path, layer))
    if not found:
        raise Refused(f"{describe(layer)} is never called: a layer of a Functional config has inbound nodes",
                       json_path)
    return found

def read_call(name: str, call: int, node: dict[str, Any], node_path: DocPath, layer: dict[str, Any]) -> Call:
    """One inbound node: the keras tensors it takes (as references), in order, and an operation's constants."""
    references: list[str] = []
    tensor_paths: list[DocPath] = []
    constants: dict[str, Any] = {}
    operation = isinstance(layer.get("module"), str) and layer["module"].startswith("keras.src.ops")

    def take(value: Any, path: DocPath, position: int | None) -> None:
        if isinstance(value, dict) and value.get("class_name") == KERAS_TENSOR:
            history = (value.get("config") or {}).get("keras_history") if isinstance(value.get("config"), dict) else None
            triple = history_triple(history)
            if triple is None:
                raise Refused("a keras tensor names its producer as `keras_history: [layer, call, output]`",
                               path + ("config", "keras_history"))
            references.append(reference_text(*triple))
            tensor_paths.append(path)
        elif isinstance(value, list) and position is not None and position == 0 and any(
                isinstance(item, dict) for item in value):
            for i, item in enumerate(value):  # a merge layer's list of tensors
                take(item, path + (i,), None)
        elif operation and position is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
            constants[f"x{position + 1}"] = value
        else:
            raise Refused(f"{describe(layer)}: call argument {short(value)} is not a tensor shapecalc can "
                           "follow", path, "SC004")

    for i, value in enumerate(node.get("args", [])):
        take(value, node_path + ("args", i), i)
    for key, value in node.get("kwargs", {}).items():
        path = node_path + ("kwargs", key)
        if key in IGNORED_CALL_ARGUMENTS and value in IGNORED_CALL_ARGUMENTS[key]:
            continue
        if key in TENSOR_KEYWORDS and isinstance(value, dict):
            take(value, path, None)
            continue
        if key == "initial_state" and value is not None:  # a recurrent layer's states follow its sequence
            for i, state in enumerate(value if isinstance(value, list) else [value]):
                take(state, path + (i,) if isinstance(value, list) else path, None)
            continue
        if value is None:
            continue
        raise Refused(f"{describe(layer)}: call argument `{key}: {short(value)}` is not modelled by shapecalc",
                       path, "SC004")
    return Call(name, call, references, node_path, tensor_paths, constants)


def history_triple(value: Any) -> tuple[str, int, int] | None:
    if (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 1_000_000 for v in value[1:])):
        return value[0], value[1], value[2]
    return None


def history_triples(value: Any, json_path: DocPath) -> list[tuple[str, int, int]]:
    """`[name, call, output]`, a list of them, or a mapping of them (named inputs and outputs)."""
    if isinstance(value, dict):
        value = list(value.values())
    single = history_triple(value)
    if single is not None:
        return [single]
    if not isinstance(value, list):
        raise Refused("inputs and outputs are written as `[layer, call, output]` triples", json_path)
    found = []
    for i, item in enumerate(value):
        triple = history_triple(item)
        if triple is None:
            raise Refused("inputs and outputs are written as `[layer, call, output]` triples", json_path + (i,))
        found.append(triple)
    return found


def reference_text(name: str, call: int, tensor: int) -> str:
    if call == 0:
        return name if tensor == 0 else f"{name}[{tensor}]"
    return f"{name}[{call}][{tensor}]"


def producer_of(reference: str) -> str:
    return reference.split("[", 1)[0] if reference.endswith("]") else reference


def call_number(reference: str) -> int:
    """The call a reference names: n in `name[n][t]`, else 0."""
    name = producer_of(reference)
    parts = reference[len(name):].strip("[]").split("][") if reference != name else []
    return int(parts[0]) if len(parts) == 2 else 0


def is_ready(reference: str, ready: set[str], produced: dict[str, int]) -> bool:
    name = producer_of(reference)
    return name in ready or produced.get(name, 0) > call_number(reference)


def find_cycle(waiting: list[Call]) -> tuple[str, DocPath]:
    """A cycle among calls that can never run (each producer known, so one exists): the message and where."""
    by_layer = {call.layer: call for call in waiting}
    start = waiting[0]
    seen: list[str] = []
    current: Call | None = start
    while current is not None and current.layer not in seen:
        seen.append(current.layer)
        current = next((by_layer[p] for p in map(producer_of, current.references) if p in by_layer), None)
    loop = seen[seen.index(current.layer):] + [current.layer] if current is not None else seen
    first = by_layer[loop[0]]
    return f"cycle in the layer graph: {' -> '.join(loop)}", first.json_path


def short(value: Any) -> str:
    import reprlib

    return reprlib.Repr().repr(value)[:60]
