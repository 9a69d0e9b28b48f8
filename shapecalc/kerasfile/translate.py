"""A Keras 3 model config (Sequential or Functional) as our model file's data, located in the JSON.

The result is a Document the schema and engine take like any model file:
`input:` or `inputs:`, `layers:` with every layer's Keras name, `outputs:`,
and for each part the position where Keras wrote it, so every message points
into the JSON. A functional model's graph comes from each layer's
`inbound_nodes`: a call's keras tensors (`keras_history: [layer, call,
output]`) become `inputs:` references (`name`, `name[t]`, or `name[n][t]`);
a layer's first call is its entry, each further call a `Reuse` entry.
Entries are written in an order where every call follows the calls feeding
it and a shared layer's calls keep their order, so call numbers are Keras's.

A layer whose class we lack is reported (SC002, its class and position) and
left out with every layer that depends on it; the rest is still summarized.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shapecalc.diagnostics import Diagnostic
from shapecalc.kerasfile.entries import MODEL_CLASSES, Entry, Unreadable, describe, read_entry
from shapecalc.kerasfile.inbound import (
    Call,
    Refused,
    call_number,
    find_cycle,
    history_triples,
    is_ready,
    producer_of,
    read_calls,
    reference_text,
    short,
)
from shapecalc.kerasfile.nested import is_nested_sequential, read_sequential
from shapecalc.reading import DocPath, Document, Position

INPUT_CLASS = "InputLayer"


@dataclass
class KerasDocument(Document):
    """Our model data translated from a Keras file, with problems found while translating."""

    problems: list[Diagnostic] = field(default_factory=list)
    origin: str = ""  # what was read, for convert's header: "Keras 3 Functional model 'resnet50'"


def is_keras_config(data: Any) -> bool:
    """Whether parsed data is a Keras serialized model rather than our model file: `class_name` and
    `config` at the top, which our format never writes there."""
    return isinstance(data, dict) and "class_name" in data and "config" in data and "layers" not in data


def translate(source: Document) -> KerasDocument:
    """Our model data for a Keras config; a problem with the file as a whole is a InvalidModel."""
    from shapecalc.model import InvalidModel

    translator = _Translator(source)
    try:
        return translator.run()
    except Refused as refused:
        line, column = source.locate(refused.json_path)
        raise InvalidModel([Diagnostic(refused.code, refused.message, None, line, column, source.path)]) from None


class _Translator:
    def __init__(self, source: Document):
        self.source = source
        self.data: dict[str, Any] = {}
        self.positions: dict[DocPath, Position] = {(): source.locate(())}
        self.problems: list[Diagnostic] = []
        self.layers: list[Any] = []

    def at(self, ours: DocPath, json_path: DocPath) -> None:
        self.positions[ours] = self.source.locate(json_path)

    def problem(self, code: str, message: str, json_path: DocPath, layer: str | None = None) -> None:
        line, column = self.source.locate(json_path)
        self.problems.append(Diagnostic(code, message, layer, line, column, self.source.path))

    def run(self) -> KerasDocument:
        top = self.source.data
        class_name = top.get("class_name")
        config = top.get("config")
        if class_name not in MODEL_CLASSES:
            raise Refused(f"the file is a Keras {class_name!r} config, not a Sequential or Functional model "
                           "(a subclassed model saves no layer graph to read)", ("class_name",), "SC002")
        if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
            raise Refused(f"a Keras {class_name} config holds `config: {{layers: [...]}}`", ("config",))
        _refuse_keras2(top)
        name = config.get("name")
        if isinstance(name, str):
            self.data["model"] = name
            self.at(("model",), ("config", "name"))
        self.data["framework"] = "keras"
        if class_name == "Sequential":
            self.sequential(top, config)
            kind = "Sequential"
        else:
            self.functional(config)
            kind = "Functional"
        if config.get("trainable") is False:
            self.freeze_all(("config", "trainable"))
        origin = f"Keras 3 {kind} model {name!r}" if isinstance(name, str) else f"Keras 3 {kind} model"
        return KerasDocument(self.source.path, self.data, self.positions, self.problems, origin)

    # --- Sequential -------------------------------------------------------------------------

    def sequential(self, top: dict[str, Any], config: dict[str, Any]) -> None:
        layers = config["layers"]
        base: DocPath = ("config", "layers")
        start = 0
        shape = None
        if layers and isinstance(layers[0], dict) and layers[0].get("class_name") == INPUT_CLASS:
            shape, batch = self.input_shape(layers[0], base + (0,))
            start = 1
        else:
            for where, value in ((("config", "build_input_shape"), config.get("build_input_shape")),
                                 (("build_config", "input_shape"), (top.get("build_config") or {}).get("input_shape")
                                  if isinstance(top.get("build_config"), dict) else None)):
                if value is not None:
                    shape, batch = self.batch_shape(value, where)
                    break
        if shape is None:
            raise Refused("the Sequential model was saved before it was built: it records no input shape "
                           "(build it, or start it with keras.Input, before saving)", ("config", "layers"))
        self.data["input"] = shape
        if batch is not None:
            self.data["batch"] = batch
        self.at(("input",), base + (0,) if start else ("config",))
        for index in range(start, len(layers)):
            entry = self.entry(layers[index], base + (index,))
            if entry is None:
                self.cut_sequential(layers, index)
                break
            self.add(entry, base + (index,))
        self.data["layers"] = self.layers

    def cut_sequential(self, layers: list[Any], index: int) -> None:
        """Layers after one we cannot read have no input shape: they are left out, and a chain with
        nothing left still needs a layer, so an empty model is refused by the problem already found."""
        if not self.layers:
            from shapecalc.model import InvalidModel

            raise InvalidModel(self.problems)

    # --- Functional -------------------------------------------------------------------------

    def functional(self, config: dict[str, Any]) -> None:
        layers = config["layers"]
        base: DocPath = ("config", "layers")
        by_name: dict[str, int] = {}
        for index, layer in enumerate(layers):
            name = layer.get("name") if isinstance(layer, dict) else None
            if not isinstance(name, str):
                raise Refused("every layer of a Functional config has a `name`", base + (index,))
            if name in by_name:
                raise Refused(f"two layers are named {name!r}; Keras names layers uniquely", base + (index, "name"),
                               "SC006")
            by_name[name] = index
        input_names = self.input_names(config, by_name)
        inputs: dict[str, Any] = {}
        batches = set()
        for name in input_names:
            index = by_name[name]
            shape, batch = self.input_shape(layers[index], base + (index,))
            inputs[name] = shape
            batches.add(batch)
            self.at(("inputs", name), base + (index,))
        if len(batches) > 1:
            raise Refused(f"the inputs have different batch sizes ({sorted(batches, key=str)}); shapecalc models "
                           "one batch size", ("config", "input_layers"))
        self.data["inputs"] = inputs
        self.at(("inputs",), ("config", "input_layers"))
        if batches and (batch := batches.pop()) is not None:
            self.data["batch"] = batch
        entries: dict[str, Entry] = {}
        calls: list[Call] = []
        for index, layer in enumerate(layers):
            name = layer["name"]
            if name in inputs:
                continue
            if isinstance(layer, dict) and layer.get("class_name") == INPUT_CLASS:
                raise Refused(f"InputLayer {name!r} is not listed in `input_layers`", base + (index,))
            entry = self.entry(layer, base + (index,))
            layer_calls = read_calls(layer, base + (index,), name)
            if entry is None:
                entries[name] = None  # type: ignore[assignment]
            else:
                entries[name] = entry
            calls += layer_calls
        outputs = self.output_references(config, by_name)
        self.check_producers(calls, by_name)
        self.write_calls(calls, entries, set(inputs), outputs)

    def check_producers(self, calls: list[Call], by_name: dict[str, int]) -> None:
        """Every tensor a call takes names a layer of the model, and a call that layer makes."""
        made = {}
        for call in calls:
            made[call.layer] = max(made.get(call.layer, 0), call.call + 1)
        for call in calls:
            for reference, where in zip(call.references, call.tensor_paths, strict=True):
                producer, number = producer_of(reference), call_number(reference)
                if producer not in by_name:
                    raise Refused(f"layer {call.layer!r} takes a tensor from {producer!r}, which is not a layer of "
                                   "the model", where, "SC005")
                if number >= made.get(producer, 1):
                    raise Refused(f"layer {call.layer!r} takes a tensor from call {number} of {producer!r}, which "
                                   f"is called {made.get(producer, 1)} time(s)", where, "SC005")

    def input_names(self, config: dict[str, Any], by_name: dict[str, int]) -> list[str]:
        where: DocPath = ("config", "input_layers")
        triples = history_triples(config.get("input_layers"), where)
        names = []
        for i, (name, _, _) in enumerate(triples):
            if name not in by_name:
                raise Refused(f"input {name!r} is not a layer of the model", where + (i,), "SC005")
            names.append(name)
        if not names:
            raise Refused("a Functional config lists its inputs in `input_layers`", where)
        return names

    def output_references(self, config: dict[str, Any], by_name: dict[str, int]) -> list[tuple[str, DocPath]]:
        where: DocPath = ("config", "output_layers")
        references = []
        for i, (name, call, tensor) in enumerate(history_triples(config.get("output_layers"), where)):
            if name not in by_name:
                raise Refused(f"output {name!r} is not a layer of the model", where + (i,), "SC005")
            references.append((reference_text(name, call, tensor), where + (i,)))
        if not references:
            raise Refused("a Functional config lists its outputs in `output_layers`", where)
        return references

    def write_calls(self, calls: list[Call], entries: dict[str, Entry | None],
                    inputs: set[str], outputs: list[tuple[str, DocPath]]) -> None:
        """Entries in an order where each call follows what feeds it; calls on cut layers left out."""
        ready: set[str] = set(inputs)  # references available: inputs, and outputs of written calls
        produced: dict[str, int] = {}  # layer -> calls written
        lost: set[str] = {name for name, entry in entries.items() if entry is None}
        pending = list(calls)
        previous: str | None = None
        while pending:
            progressed = False
            waiting = []
            for call in pending:
                sources = [producer_of(reference) for reference in call.references]
                if call.layer in lost or any(source in lost for source in sources):
                    lost.add(call.layer)
                    progressed = True
                    continue
                if produced.get(call.layer, 0) != call.call or not all(is_ready(ref, ready, produced) for ref in call.references):
                    waiting.append(call)
                    continue
                entry = entries[call.layer]
                assert entry is not None
                self.add_call(call, entry, previous)
                produced[call.layer] = call.call + 1
                previous = call.layer if call.call == 0 else None
                progressed = True
            if not progressed:
                raise Refused(*find_cycle(waiting), "SC007")
            pending = waiting
        self.data["layers"] = self.layers
        kept = [(reference, where) for reference, where in outputs if producer_of(reference) not in lost]
        if not kept:
            if not self.problems:
                raise Refused("no output of the model can be computed", ("config", "output_layers"))
            kept = self.frontier(lost)
        self.data["outputs"] = [reference for reference, _ in kept]
        for i, (_, where) in enumerate(kept):
            self.at(("outputs", i), where)
        self.at(("outputs",), ("config", "output_layers"))

    def frontier(self, lost: set[str]) -> list[tuple[str, DocPath]]:
        """With every output lost behind an unreadable layer, the layers whose results nothing kept uses:
        the model is summarized up to where it could be read."""
        used: set[str] = set()
        for entry in self.layers:
            ((_, args),) = entry.items()
            used.update(producer_of(reference) for reference in args.get("inputs", []))
        names = [next(iter(entry.values()))["name"] for entry in self.layers
                 if "Reuse" not in entry]
        return [(name, ("config", "output_layers")) for name in names if name not in used] or [
            (name, ("config", "output_layers")) for name in self.data["inputs"]]

    def add_call(self, call: Call, entry: Entry, previous: str | None) -> None:
        index = len(self.layers)
        if call.call == 0:
            args = dict(entry.args)
            args.update(call.constants)
            type_name = entry.type_name
            for path, json_path in entry.positions.items():
                self.at(("layers", index, type_name, *path), json_path)
        else:
            args = {"layer": call.layer}
            type_name = "Reuse"
            self.at(("layers", index, type_name, "layer"), call.json_path)
        if call.call != 0 or call.references != ([previous] if previous else []):
            args["inputs"] = call.references
            self.at(("layers", index, type_name, "inputs"), call.json_path)
            for i, where in enumerate(call.tensor_paths):
                self.at(("layers", index, type_name, "inputs", i), where)
        self.at(("layers", index), call.json_path[:-2])
        self.at(("layers", index, type_name), call.json_path[:-2] + ("class_name",))
        self.layers.append({type_name: args})

    # --- shared -----------------------------------------------------------------------------

    def entry(self, layer: Any, json_path: DocPath) -> Entry | None:
        """Our entry, or None after reporting why the layer cannot be read (it is then left out)."""
        try:
            if is_nested_sequential(layer):  # a model used as a layer (kerasfile/nested.py)
                return read_sequential(layer, json_path)
            return read_entry(layer, json_path)
        except Unreadable as unreadable:
            name = layer.get("name") if isinstance(layer, dict) else None
            self.problem(unreadable.code, unreadable.message, unreadable.json_path,
                         name if isinstance(name, str) else None)
            return None

    def add(self, entry: Entry, json_path: DocPath) -> None:
        index = len(self.layers)
        self.at(("layers", index), json_path)
        self.at(("layers", index, entry.type_name), json_path + ("class_name",))
        for path, where in entry.positions.items():
            self.at(("layers", index, entry.type_name, *path), where)
        self.layers.append({entry.type_name: dict(entry.args)})

    def input_shape(self, layer: Any, json_path: DocPath) -> tuple[list[Any], int | None]:
        """Shape (batch axis excluded) and batch size of a serialized InputLayer."""
        config = layer.get("config") if isinstance(layer, dict) else None
        if not isinstance(config, dict) or layer.get("class_name") != INPUT_CLASS:
            raise Refused(f"{describe(layer)} is listed as an input but is not an InputLayer", json_path)
        for key in ("batch_shape", "batch_input_shape"):
            if key in config:
                return self.batch_shape(config[key], json_path + ("config", key))
        if isinstance(config.get("shape"), list):
            return list(config["shape"]), config.get("batch_size")
        raise Refused(f"{describe(layer)}: an InputLayer records `batch_shape`", json_path + ("config",))

    def batch_shape(self, value: Any, json_path: DocPath) -> tuple[list[Any], int | None]:
        if not isinstance(value, list) or not value:
            raise Refused(f"an input shape is a list with the batch axis first, received {short(value)}", json_path)
        return list(value[1:]), value[0]

    def freeze_all(self, json_path: DocPath) -> None:
        """A model saved with `trainable: false` freezes every layer in it."""
        for index, entry in enumerate(self.layers):
            ((type_name, args),) = entry.items()
            if type_name != "Reuse" and "trainable" not in args:
                args["trainable"] = False
                self.at(("layers", index, type_name, "trainable"), json_path)


def _refuse_keras2(top: dict[str, Any]) -> None:
    version = top.get("keras_version")
    if isinstance(version, str) and version.startswith(("1.", "2.")):
        raise Refused(f"this file was written by Keras {version} (tf.keras); shapecalc reads what Keras 3 writes: "
                       "load the model in Keras 3 and save it again", ("keras_version",))


