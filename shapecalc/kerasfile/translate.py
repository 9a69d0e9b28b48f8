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
from shapecalc.kerasfile.nested import is_nested_sequential, read_sequential
from shapecalc.reading import DocPath, Document, Position

INPUT_CLASS = "InputLayer"
KERAS_TENSOR = "__keras_tensor__"
IGNORED_CALL_ARGUMENTS = {"mask": (None,), "training": (None, True, False)}  # values that change no shape
# MultiHeadAttention's tensors when called by keyword, in our order (Keras's "Connected to" lists
# keyword tensors sorted by name: key, query, value).
TENSOR_KEYWORDS = ("query", "value", "key")


@dataclass
class KerasDocument(Document):
    """Our model data translated from a Keras file, with problems found while translating."""

    problems: list[Diagnostic] = field(default_factory=list)
    origin: str = ""  # what was read, for convert's header: "Keras 3 Functional model 'resnet50'"


class _Refused(Exception):
    """The file as a whole cannot be translated (its structure, not one layer)."""

    def __init__(self, message: str, json_path: DocPath, code: str = "SC009"):
        super().__init__(message)
        self.message, self.json_path, self.code = message, json_path, code


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
    except _Refused as refused:
        line, column = source.locate(refused.json_path)
        raise InvalidModel([Diagnostic(refused.code, refused.message, None, line, column, source.path)]) from None


@dataclass
class _Call:
    """One call of a layer: its entry index in the JSON, call number and the references it takes."""

    layer: str
    call: int
    references: list[str]
    json_path: DocPath
    tensor_paths: list[DocPath]
    constants: dict[str, Any] = field(default_factory=dict)


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
            raise _Refused(f"the file is a Keras {class_name!r} config, not a Sequential or Functional model "
                           "(a subclassed model saves no layer graph to read)", ("class_name",), "SC002")
        if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
            raise _Refused(f"a Keras {class_name} config holds `config: {{layers: [...]}}`", ("config",))
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
            raise _Refused("the Sequential model was saved before it was built: it records no input shape "
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
                raise _Refused("every layer of a Functional config has a `name`", base + (index,))
            if name in by_name:
                raise _Refused(f"two layers are named {name!r}; Keras names layers uniquely", base + (index, "name"),
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
            raise _Refused(f"the inputs have different batch sizes ({sorted(batches, key=str)}); shapecalc models "
                           "one batch size", ("config", "input_layers"))
        self.data["inputs"] = inputs
        self.at(("inputs",), ("config", "input_layers"))
        if batches and (batch := batches.pop()) is not None:
            self.data["batch"] = batch
        entries: dict[str, Entry] = {}
        calls: list[_Call] = []
        for index, layer in enumerate(layers):
            name = layer["name"]
            if name in inputs:
                continue
            if isinstance(layer, dict) and layer.get("class_name") == INPUT_CLASS:
                raise _Refused(f"InputLayer {name!r} is not listed in `input_layers`", base + (index,))
            entry = self.entry(layer, base + (index,))
            layer_calls = self.calls(layer, base + (index,), name)
            if entry is None:
                entries[name] = None  # type: ignore[assignment]
            else:
                entries[name] = entry
            calls += layer_calls
        outputs = self.output_references(config, by_name)
        self.check_producers(calls, by_name)
        self.write_calls(calls, entries, set(inputs), outputs)

    def check_producers(self, calls: list[_Call], by_name: dict[str, int]) -> None:
        """Every tensor a call takes names a layer of the model, and a call that layer makes."""
        made = {}
        for call in calls:
            made[call.layer] = max(made.get(call.layer, 0), call.call + 1)
        for call in calls:
            for reference, where in zip(call.references, call.tensor_paths, strict=True):
                producer, number = _producer(reference), _call_number(reference)
                if producer not in by_name:
                    raise _Refused(f"layer {call.layer!r} takes a tensor from {producer!r}, which is not a layer of "
                                   "the model", where, "SC005")
                if number >= made.get(producer, 1):
                    raise _Refused(f"layer {call.layer!r} takes a tensor from call {number} of {producer!r}, which "
                                   f"is called {made.get(producer, 1)} time(s)", where, "SC005")

    def input_names(self, config: dict[str, Any], by_name: dict[str, int]) -> list[str]:
        where: DocPath = ("config", "input_layers")
        triples = _triples(config.get("input_layers"), where)
        names = []
        for i, (name, _, _) in enumerate(triples):
            if name not in by_name:
                raise _Refused(f"input {name!r} is not a layer of the model", where + (i,), "SC005")
            names.append(name)
        if not names:
            raise _Refused("a Functional config lists its inputs in `input_layers`", where)
        return names

    def output_references(self, config: dict[str, Any], by_name: dict[str, int]) -> list[tuple[str, DocPath]]:
        where: DocPath = ("config", "output_layers")
        references = []
        for i, (name, call, tensor) in enumerate(_triples(config.get("output_layers"), where)):
            if name not in by_name:
                raise _Refused(f"output {name!r} is not a layer of the model", where + (i,), "SC005")
            references.append((_reference(name, call, tensor), where + (i,)))
        if not references:
            raise _Refused("a Functional config lists its outputs in `output_layers`", where)
        return references

    def calls(self, layer: dict[str, Any], json_path: DocPath, name: str) -> list[_Call]:
        nodes = layer.get("inbound_nodes", [])
        where = json_path + ("inbound_nodes",)
        if not isinstance(nodes, list):
            raise _Refused(f"{describe(layer)}: `inbound_nodes` must be a list", where)
        found = []
        for call, node in enumerate(nodes):
            node_path = where + (call,)
            if isinstance(node, list):
                raise _Refused("this is Keras 2's format (inbound nodes written as lists); shapecalc reads what "
                               "Keras 3 writes: load the model in Keras 3 and save it again", node_path)
            if not isinstance(node, dict) or not isinstance(node.get("args", []), list) \
                    or not isinstance(node.get("kwargs", {}), dict):
                raise _Refused(f"{describe(layer)}: an inbound node is `{{args: [...], kwargs: {{...}}}}`", node_path)
            found.append(self.call(name, call, node, node_path, layer))
        if not found:
            raise _Refused(f"{describe(layer)} is never called: a layer of a Functional config has inbound nodes",
                           json_path)
        return found

    def call(self, name: str, call: int, node: dict[str, Any], node_path: DocPath, layer: dict[str, Any]) -> _Call:
        references: list[str] = []
        tensor_paths: list[DocPath] = []
        constants: dict[str, Any] = {}
        operation = isinstance(layer.get("module"), str) and layer["module"].startswith("keras.src.ops")

        def take(value: Any, path: DocPath, position: int | None) -> None:
            if isinstance(value, dict) and value.get("class_name") == KERAS_TENSOR:
                history = (value.get("config") or {}).get("keras_history") if isinstance(value.get("config"), dict) else None
                triple = _triple(history)
                if triple is None:
                    raise _Refused("a keras tensor names its producer as `keras_history: [layer, call, output]`",
                                   path + ("config", "keras_history"))
                references.append(_reference(*triple))
                tensor_paths.append(path)
            elif isinstance(value, list) and position is not None and position == 0 and any(
                    isinstance(item, dict) for item in value):
                for i, item in enumerate(value):  # a merge layer's list of tensors
                    take(item, path + (i,), None)
            elif operation and position is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
                constants[f"x{position + 1}"] = value
            else:
                raise _Refused(f"{describe(layer)}: call argument {_short(value)} is not a tensor shapecalc can "
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
            raise _Refused(f"{describe(layer)}: call argument `{key}: {_short(value)}` is not modelled by shapecalc",
                           path, "SC004")
        return _Call(name, call, references, node_path, tensor_paths, constants)

    def write_calls(self, calls: list[_Call], entries: dict[str, Entry | None],
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
                sources = [_producer(reference) for reference in call.references]
                if call.layer in lost or any(source in lost for source in sources):
                    lost.add(call.layer)
                    progressed = True
                    continue
                if produced.get(call.layer, 0) != call.call or not all(_ready(ref, ready, produced) for ref in call.references):
                    waiting.append(call)
                    continue
                entry = entries[call.layer]
                assert entry is not None
                self.add_call(call, entry, previous)
                produced[call.layer] = call.call + 1
                previous = call.layer if call.call == 0 else None
                progressed = True
            if not progressed:
                raise _Refused(*_cycle(waiting), "SC007")
            pending = waiting
        self.data["layers"] = self.layers
        kept = [(reference, where) for reference, where in outputs if _producer(reference) not in lost]
        if not kept:
            if not self.problems:
                raise _Refused("no output of the model can be computed", ("config", "output_layers"))
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
            used.update(_producer(reference) for reference in args.get("inputs", []))
        names = [next(iter(entry.values()))["name"] for entry in self.layers
                 if "Reuse" not in entry]
        return [(name, ("config", "output_layers")) for name in names if name not in used] or [
            (name, ("config", "output_layers")) for name in self.data["inputs"]]

    def add_call(self, call: _Call, entry: Entry, previous: str | None) -> None:
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
            raise _Refused(f"{describe(layer)} is listed as an input but is not an InputLayer", json_path)
        for key in ("batch_shape", "batch_input_shape"):
            if key in config:
                return self.batch_shape(config[key], json_path + ("config", key))
        if isinstance(config.get("shape"), list):
            return list(config["shape"]), config.get("batch_size")
        raise _Refused(f"{describe(layer)}: an InputLayer records `batch_shape`", json_path + ("config",))

    def batch_shape(self, value: Any, json_path: DocPath) -> tuple[list[Any], int | None]:
        if not isinstance(value, list) or not value:
            raise _Refused(f"an input shape is a list with the batch axis first, received {_short(value)}", json_path)
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
        raise _Refused(f"this file was written by Keras {version} (tf.keras); shapecalc reads what Keras 3 writes: "
                       "load the model in Keras 3 and save it again", ("keras_version",))


def _triple(value: Any) -> tuple[str, int, int] | None:
    if (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 1_000_000 for v in value[1:])):
        return value[0], value[1], value[2]
    return None


def _triples(value: Any, json_path: DocPath) -> list[tuple[str, int, int]]:
    """`[name, call, output]`, a list of them, or a mapping of them (named inputs and outputs)."""
    if isinstance(value, dict):
        value = list(value.values())
    single = _triple(value)
    if single is not None:
        return [single]
    if not isinstance(value, list):
        raise _Refused("inputs and outputs are written as `[layer, call, output]` triples", json_path)
    found = []
    for i, item in enumerate(value):
        triple = _triple(item)
        if triple is None:
            raise _Refused("inputs and outputs are written as `[layer, call, output]` triples", json_path + (i,))
        found.append(triple)
    return found


def _reference(name: str, call: int, tensor: int) -> str:
    if call == 0:
        return name if tensor == 0 else f"{name}[{tensor}]"
    return f"{name}[{call}][{tensor}]"


def _producer(reference: str) -> str:
    return reference.split("[", 1)[0] if reference.endswith("]") else reference


def _call_number(reference: str) -> int:
    """The call a reference names: n in `name[n][t]`, else 0."""
    name = _producer(reference)
    parts = reference[len(name):].strip("[]").split("][") if reference != name else []
    return int(parts[0]) if len(parts) == 2 else 0


def _ready(reference: str, ready: set[str], produced: dict[str, int]) -> bool:
    name = _producer(reference)
    return name in ready or produced.get(name, 0) > _call_number(reference)


def _cycle(waiting: list[_Call]) -> tuple[str, DocPath]:
    """A cycle among calls that can never run (each producer known, so one exists): the message and where."""
    by_layer = {call.layer: call for call in waiting}
    start = waiting[0]
    seen: list[str] = []
    current: _Call | None = start
    while current is not None and current.layer not in seen:
        seen.append(current.layer)
        current = next((by_layer[p] for p in map(_producer, current.references) if p in by_layer), None)
    loop = seen[seen.index(current.layer):] + [current.layer] if current is not None else seen
    first = by_layer[loop[0]]
    return f"cycle in the layer graph: {' -> '.join(loop)}", first.json_path


def _short(value: Any) -> str:
    import reprlib

    return reprlib.Repr().repr(value)[:60]
