"""The blocks stage of the pipeline: a document with `blocks:` in, the same document written flat out.

    read_file -> expand_document -> load_model -> attach -> analyze -> annotate

`expand_document` gives a Document whose `layers:` hold plain layer entries
only. Its positions are looked up lazily: an entry written in `layers:` keeps
its own; an entry expanded from a block is located at the top-level use it
came from, and `note()` names the block and the line of its definition, so a
problem is reported at both ends:

    model.yaml:40:5: error[SC101] stage3_block2_conv (block bottleneck, line 12:7): ...

`attach` gives each validated layer its block path and names the unnamed
entries expanded references point at; `annotate` adds the definition to the
messages of diagnostics found later (by the engine or the diagnostic passes).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from shapecalc.blocks import needs_expansion
from shapecalc.blocks.definitions import MODEL_INPUT, PLACEHOLDER
from shapecalc.diagnostics import Diagnostic
from shapecalc.gcpause import paused_gc
from shapecalc.model import InvalidModel
from shapecalc.reading.document import DocPath, Document, Position


class BlockErrors(InvalidModel):
    """The blocks could not be expanded: every located problem found."""


class ExpandedPositions(Mapping):
    """Positions of the expanded document, translated on lookup (no table of 100,000 entries is built)."""

    def __init__(self, original: dict[DocPath, Position], origins: list[Any]):
        self.original = original
        self.origins = origins

    def written(self, path: DocPath) -> tuple[DocPath, DocPath | None]:
        """(where the path's value is written, where its use is written or None for the model's own entries)."""
        if len(path) >= 2 and path[0] == "layers" and type(path[1]) is int and 0 <= path[1] < len(self.origins):
            origin = self.origins[path[1]]
            if type(origin) is int:
                return ("layers", origin, *path[2:]), None
            if origin.own:
                return origin.definition + path[2:], None
            return origin.definition + path[2:], ("layers", origin.use)
        return path, None

    def get(self, path: DocPath, default: Any = None) -> Any:
        written, use = self.written(path)
        if use is None:
            return self.original.get(written, default)
        return self.original.get(use, default) if written in self.original else default

    def __getitem__(self, path: DocPath) -> Position:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def __contains__(self, path: object) -> bool:
        return self.get(path) is not None  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[DocPath]:
        return iter(())  # nothing walks all positions; lookups only

    def __len__(self) -> int:
        return len(self.original)


@dataclass
class ExpandedDocument(Document):
    """A document whose block uses were replaced by the layers they stand for."""

    origins: list[Any] = field(default_factory=list)  # per entry: its index in `layers:`, or an expand.Origin
    source: Document | None = None

    def note(self, path: DocPath) -> str:
        """'block bottleneck, line 12:7' for a path inside an expanded entry, '' otherwise."""
        positions = self.positions
        assert isinstance(positions, ExpandedPositions) and self.source is not None
        written, use = positions.written(tuple(path))
        if use is None:
            return ""
        origin = self.origins[path[1]]  # type: ignore[index]
        line, column = self.source.locate(written)
        return f"block {' > '.join(origin.blocks)}, line {line}:{column}"  # type: ignore[union-attr]


def expand_document(document: Document, max_layers: int) -> Document:
    """`document` itself when it has no `blocks:`; otherwise the flat document (or BlockErrors)."""
    data = document.data
    if not needs_expansion(data):
        return document
    from shapecalc.blocks.definitions import read_blocks, refuse_recursion
    from shapecalc.blocks.expand import Expander, TooLarge

    problems: list[Diagnostic] = []
    seen: set[tuple[str, int, int, str]] = set()
    framework = data.get("framework") if data.get("framework") in ("keras", "pytorch") else "keras"

    def report_definition(code: str, message: str, path: DocPath) -> None:
        line, column = document.locate(path)
        problems.append(Diagnostic(code, message, None, line, column, document.path))

    def report_use(code: str, message: str, path: DocPath, use: int) -> None:
        if path[0] == "blocks":  # written in a definition: at the use, with the definition in the message
            line, column = document.locate(path)
            message = f"{message} (block {path[1]}, line {line}:{column})"
            path = ("layers", use)
        line, column = document.locate(path)
        key = (code, line, column, message)
        if key not in seen:  # the same mistake met in every instance is one problem
            seen.add(key)
            problems.append(Diagnostic(code, message, None, line, column, document.path))

    blocks = read_blocks(data["blocks"], framework, report_definition) if "blocks" in data else {}
    layers = data.get("layers")
    if problems or not refuse_recursion(blocks, report_definition) or not isinstance(layers, list):
        if problems:
            raise BlockErrors(sorted(problems, key=Diagnostic.sort_key))
        return Document(document.path, {k: v for k, v in data.items() if k != "blocks"}, document.positions)
    expander = Expander(blocks, framework, report_use, max_layers)
    try:
        with paused_gc():  # every entry made stays alive
            entries = expander.expand_layers(layers)
    except TooLarge:
        report_use("SC008", f"the blocks expand to more than {max_layers:,} layers", ("layers",), 0)
        entries = []
    if problems:
        raise BlockErrors(sorted(problems, key=Diagnostic.sort_key))
    flat = {key: value for key, value in data.items() if key != "blocks"}
    flat["layers"] = entries
    if "outputs" in flat:
        flat["outputs"] = expander.outputs(flat["outputs"])
    positions = ExpandedPositions(document.positions, expander.origins)
    return ExpandedDocument(document.path, flat, positions, origins=expander.origins, source=document)  # type: ignore[arg-type]


def attach(spec: Any) -> None:
    """Give each layer its block path, and each placeholder reference the name it stands for."""
    document = spec.document
    if not isinstance(document, ExpandedDocument):
        return
    origins = document.origins
    placeholders = False
    instances: dict[int, Any] = {}
    for layer in spec.layers:
        origin = origins[layer.index] if layer.index < len(origins) else None
        if origin is not None and type(origin) is not int:
            layer.block = origin.instances
            layer.origin = document.note(("layers", layer.index))
            for instance in origin.instances:
                instances[id(instance)] = instance
        inputs = layer.keys.inputs
        if inputs and any(ref.startswith(PLACEHOLDER) for ref in inputs):
            placeholders = True
    outputs = [instance for instance in instances.values() if instance.output.startswith(PLACEHOLDER)]
    if placeholders or outputs or any(isinstance(o, str) and o.startswith(PLACEHOLDER) for o in spec.outputs or []):
        _name_placeholders(spec, outputs)


def _name_placeholders(spec: Any, instances: list[Any]) -> None:
    from shapecalc.layers.naming import name_layers

    name_layers(spec)  # the engine names them again the same way
    by_index = {layer.index: layer.name for layer in spec.layers}
    model_input = next(iter(spec.inputs), "input_layer")

    def named(reference: str) -> str:
        if not reference.startswith(PLACEHOLDER):
            return reference
        head, bracket, rest = reference.partition("[")
        target = model_input if head == MODEL_INPUT else by_index.get(int(head[1:]), head)
        return target + bracket + rest

    for layer in spec.layers:
        inputs = layer.keys.inputs
        if inputs and any(ref.startswith(PLACEHOLDER) for ref in inputs):
            layer.keys = layer.keys.model_copy(update={"inputs": [named(ref) for ref in inputs]})
    if spec.outputs:
        spec.outputs = [named(name) for name in spec.outputs]
    for instance in instances:
        instance.output = named(instance.output)


def with_origin(message: str, layer: str | None, origin: str) -> str:
    """`conv3_block2_1_conv (block bottleneck, line 12:7): ...`: the definition after the layer's name."""
    if not origin:
        return message
    if not layer:
        return f"{message} ({origin})"
    if message.startswith(layer + ":"):
        return f"{layer} ({origin}){message[len(layer):]}"
    return f"{layer} ({origin}): {message}"


def once(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per mistake: the same problem met in every instance of a block is reported once."""
    seen: set[tuple[str, int, int, str]] = set()
    kept = []
    for diagnostic in diagnostics:
        key = (diagnostic.code, diagnostic.line, diagnostic.column, diagnostic.message)
        if key not in seen:
            seen.add(key)
            kept.append(diagnostic)
    return kept


def annotate(diagnostics: list[Diagnostic], spec: Any) -> list[Diagnostic]:
    """Diagnostics of layers expanded from blocks, with the block and its definition line in the message."""
    if not isinstance(spec.document, ExpandedDocument):
        return diagnostics
    origins = {layer.name: layer.origin for layer in spec.layers if layer.origin}
    out = []
    for diagnostic in diagnostics:
        origin = origins.get(diagnostic.layer or "")
        if origin and f"({origin})" not in diagnostic.message:  # the reader's have it already
            diagnostic = Diagnostic(diagnostic.code, with_origin(diagnostic.message, diagnostic.layer, origin),
                                    diagnostic.layer, diagnostic.line, diagnostic.column, diagnostic.path)
        out.append(diagnostic)
    return out
