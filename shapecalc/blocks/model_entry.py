"""A model used as a layer, read for the expander: `Sequential: {layers: [...]}` or `Functional: {...}`.

A nested Sequential is its layers, called on one tensor. Keras code builds a
nested functional model as `keras.Model(inputs, outputs, name=...)` and
calls it on tensors of the outer model; the file writes it where it is called:

    - Functional:
        name: inner
        inputs: [a]                      # what it is called on (default: the previous layer)
        layers:
          - Input: {shape: [16], name: inner_in}   # its keras.Input(s), first, one per tensor it takes
          - Dense: {units: 8, name: i1}
          - Add: {inputs: [inner_in, i1]}
        outputs: [add]                   # optional: its last layer

Its leading `Input` entries are its inputs: each becomes an InputLayer
(layers/keras/model_input.py) called on the matching tensor, which checks
the tensor against the declared shape as Keras does. Its other layers are
written out like a nested Sequential's (blocks/expand.py), so references
inside it name its own inputs and layers only, as in Keras.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shapecalc.blocks.definitions import Block, entry_type
from shapecalc.blocks.entries import (
    FUNCTIONAL_KEYS,
    INPUT_ENTRY_TYPES,
    MODEL_KEYS,
    ONE_INPUT,
    written_name,
)
from shapecalc.reading.document import DocPath


def described(block: Block) -> str:
    """How the expander's messages name a block, or a nested Functional model (a block of kind keras_model)."""
    return f"nested {block.name}" if block.kind == "keras_model" else f"block {block.name!r}"


class NotReadable(Exception):
    """The nested model's entry cannot be read: a code, a message and the path at fault."""

    def __init__(self, code: str, message: str, path: DocPath):
        super().__init__(message)
        self.code, self.message, self.path = code, message, path


@dataclass(frozen=True)
class ModelBody:
    """The parts of a nested model's entry: its layers, how many of them are its inputs, its output."""

    type_name: str
    layers: list[Any]
    input_keys: tuple[str, ...] = ()  # a Functional's: how its layers name each input (its name, or "input <k>")
    output: str | None = None

    @classmethod
    def read(cls, type_name: str, args: dict[str, Any], args_path: DocPath, framework: str) -> ModelBody:
        keys = FUNCTIONAL_KEYS if type_name == "Functional" else MODEL_KEYS
        for key in args:
            if key not in keys:
                raise NotReadable("SC003", f"a nested {type_name} has no key `{key}` (it takes {', '.join(keys)})",
                                  args_path + (key,))
        layers = args.get("layers")
        if not isinstance(layers, list) or not layers:
            raise NotReadable("SC009", f"a nested {type_name} lists its layers under `layers:`", args_path)
        if type_name != "Functional":
            return cls(type_name, layers)
        if framework != "keras":
            raise NotReadable("SC004", "a nested `Functional` model is Keras's: in a PyTorch file write an "
                              "nn.Sequential (`Sequential: {layers: [...]}`) or a block", args_path)
        count = 0
        while count < len(layers) and entry_type(layers[count]) in INPUT_ENTRY_TYPES:
            count += 1
        if count == 0:
            raise NotReadable("SC009", "a nested Functional model starts its `layers:` with its inputs, as "
                              "keras.Model(inputs, outputs) takes them: `- Input: {shape: [...], name: ...}`",
                              args_path + ("layers",))
        names = tuple(written_name(entry) or f"input {index}" for index, entry in enumerate(layers[:count]))
        return cls(type_name, layers, names, cls.read_output(args.get("outputs"), args_path))

    def signature(self, name: Any) -> Block:
        """What it is called on, for checking the `inputs:` of its entry."""
        if not self.input_keys:
            return ONE_INPUT
        called = f"Functional {name!r}" if isinstance(name, str) else "Functional"
        return Block(called, {}, self.input_keys, None, [], (), kind="keras_model")

    def block(self, model: str, args_path: DocPath, kind: str, with_key: Callable[[Any, str, Any], Any]) -> Block:
        """Its layers as the body of one instance (a Functional's Inputs wired to the tensors it is called on)."""
        if not self.input_keys:
            return Block(self.type_name, {}, ("x",), None, self.layers, args_path, kind=kind)
        return Block(self.type_name, {}, self.input_keys, self.output, self.entries(model, with_key), args_path,
                     kind=kind)

    @staticmethod
    def read_output(outputs: Any, args_path: DocPath) -> str | None:
        """The one output's name; several outputs are not supported yet (the model's row holds one shape)."""
        if outputs is None:
            return None
        if isinstance(outputs, str):
            return outputs
        if isinstance(outputs, list) and len(outputs) == 1 and isinstance(outputs[0], str):
            return outputs[0]
        raise NotReadable("SC009", "a nested Functional model's `outputs:` names its one output layer "
                          "(several outputs are not supported yet)", args_path + ("outputs",))

    def entries(self, model: str, with_key: Callable[[Any, str, Any], Any]) -> list[Any]:
        """Its layers, each Input called on the tensor of its position and told which model it starts.
        The first takes the model's first tensor as the previous layer (no `inputs:`), so a model of one
        input in a Sequential model keeps that model sequential."""
        entries = list(self.layers)
        for index, key in enumerate(self.input_keys):
            entry = with_key(self.layers[index], "inputs", [key]) if index else self.layers[index]
            entries[index] = with_key(entry, "model_input_of", model)
        return entries
