"""Layer entries as the expander reads and writes them, in any of the three forms (`T`, `T: {...}`, `{type: T}`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shapecalc.blocks.definitions import Block
from shapecalc.reading.document import DocPath


@dataclass(slots=True, eq=False)
class Instance:
    """One use of a block (one repetition): what `--depth` shows as one row, and the JSON's block path."""

    name: str
    block: str
    output: str = ""  # the reference to its output: a layer name (a placeholder until stage.attach names it)
    model: bool = False  # a nested model (Keras shows it as one row), not a block


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an expanded entry was written: the top-level use it came from and its entry in a block."""

    use: int  # index of the top-level entry (a block use) in the file's `layers:`
    definition: DocPath  # the entry inside `blocks:`
    blocks: tuple[str, ...]  # block names, outermost first
    instances: tuple[Instance, ...]  # outermost first: the layer's block path
    own: bool = False  # written once (a nested model's layer outside any block): located where it is written


_SUFFIX = re.compile(r"^(?P<base>.*?)(?P<suffix>(?:\[\d{1,9}\])*)$", re.S)


def written_name(entry: Any) -> str | None:
    args = arguments(entry)
    name = args.get("name") if args is not None else None
    return name if isinstance(name, str) else None


def with_key(entry: Any, key: str, value: Any, primary: Callable[[str, Any], str | None]) -> Any:
    """`entry` with `key: value` among its arguments, in the `type:` form when its own form cannot say it
    (a scalar form's value moves to the argument `primary` names: the layer's primary argument, or
    `args` for a list of positional arguments)."""
    if isinstance(entry, str):
        return {"type": entry, key: value}
    if "type" in entry:
        return {**entry, key: value}
    ((type_name, written),) = entry.items()
    if written is None:
        return {type_name: {key: value}}
    if isinstance(written, dict):
        return {type_name: {**written, key: value}}
    argument = primary(type_name, written)
    if argument is None:
        return entry  # the reader refuses it as written
    return {type_name: {argument: written, key: value}}


def args_path(entry: Any, path: DocPath) -> DocPath:
    """Where an entry's arguments are written, from where the entry is."""
    if isinstance(entry, dict) and len(entry) == 1 and "type" not in entry:
        return path + tuple(entry)
    return path


MODEL_TYPES = frozenset({"Sequential", "Functional"})
MODEL_KEYS = ("layers", "name", "inputs")
FUNCTIONAL_KEYS = (*MODEL_KEYS, "outputs")  # a functional model names its output layer
INPUT_ENTRY_TYPES = ("Input", "InputLayer")  # a nested functional model's leading entries: its inputs
ONE_INPUT = Block("Sequential", {}, ("x",), None, [], ())


def is_model_entry(entry: Any, type_name: str) -> bool:
    """`Sequential: {layers: [...]}` (or `{type: Sequential, layers: [...]}`): a model used as a layer."""
    if not isinstance(entry, dict):
        return False
    args = entry if "type" in entry else entry.get(type_name)
    return isinstance(args, dict) and "layers" in args


def copied(entry: Any) -> Any:
    """A copy of an entry whose mapping and argument mapping can be changed (values are shared)."""
    if not isinstance(entry, dict):
        return entry
    return {key: dict(value) if isinstance(value, dict) else value for key, value in entry.items()}


def arguments(entry: Any) -> dict[str, Any] | None:
    """The mutable argument mapping of a (copied) entry, or None for a bare or scalar form."""
    if isinstance(entry, dict):
        if "type" in entry:
            return entry
        if len(entry) == 1:
            (value,) = entry.values()
            return value if isinstance(value, dict) else None
    return None


def inputs_of(entry: Any) -> list[str] | None:
    args = arguments(entry)
    if args is None:
        return None
    inputs = args.get("inputs")
    if isinstance(inputs, str):
        return [inputs]
    if isinstance(inputs, list) and all(isinstance(ref, str) for ref in inputs):
        return inputs
    return None


def split_reference(reference: str) -> tuple[str, str]:
    match = _SUFFIX.match(reference)
    assert match is not None
    return match["base"], match["suffix"]


def base_name(reference: str) -> str:
    return split_reference(reference)[0]
