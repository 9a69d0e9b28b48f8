"""The bounded event builder: reads any YAML (or JSON) file into a Document from the parser's events.

It reads every file the subset reader leaves, and is the safety net: the
document is built from the parser's event stream with an explicit stack
instead of PyYAML's recursive composer, so nesting depth and alias expansion
are bounded *before* anything recurses, and only plain data comes out:
mappings with text keys, lists, strings, integers, floats, booleans and null.
Anything else (Python object tags, sets, binary, merge keys, non-text keys,
control characters, numbers no tensor could use) is refused with its position.
Every failure is a SourceError: one line of text, a position and a code.
"""

from __future__ import annotations

from typing import Any

from shapecalc.gcpause import paused_gc
from shapecalc.reading import document
from shapecalc.reading.document import DocPath, Document, Position, SourceError, offset_to_position
from shapecalc.reading.scalars import ScalarReader, clipped, mark_of, refused_tag


def as_source_error(error: Exception, text: str) -> SourceError:
    """A parser exception as a one-line, located message, with a hint for the usual causes."""
    position = getattr(error, "position", None)
    character = getattr(error, "character", None)
    if isinstance(position, int) and character is not None:  # yaml.reader.ReaderError
        line, column = offset_to_position(text, position)
        code = ord(character) if isinstance(character, str) else character
        return SourceError(
            f"the file holds the character U+{code:04X}, which YAML does not allow in a file "
            "(write it as an escape in a double-quoted string if it is meant)",
            line,
            column,
        )
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error) or type(error).__name__
    context = getattr(error, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    if mark is None:
        return SourceError(message)
    offset = getattr(mark, "index", None)
    if isinstance(offset, int) and 0 <= offset < len(text) and text[offset] == "\t":
        message += "; a tab character: YAML indents with spaces only"
    return SourceError(message, mark.line + 1, mark.column + 1)


class _Open:
    """A mapping or sequence being built, with what the builder needs to finish it."""

    __slots__ = ("value", "path", "anchor", "pending_key", "weight", "is_mapping")

    def __init__(self, value: Any, path: DocPath, anchor: str | None):
        self.value = value
        self.path = path
        self.anchor = anchor
        self.pending_key: Any = _NO_KEY
        self.weight = 1
        self.is_mapping = isinstance(value, dict)


_NO_KEY = object()


class EventBuilder:
    """Turns parser events into plain data, positions, and bounded aliases."""

    def __init__(self, path: str, escapes: Any = None):
        self.path = path
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.positions: dict[DocPath, Position] = {}
        self.root: Any = None
        self.documents = 0
        self.nodes = 0
        self.scalars = ScalarReader(escapes)

    def document(self) -> Document:
        if self.documents == 0:
            raise SourceError("the file holds only comments; a model file needs `input:` and `layers:`")
        return Document(self.path, self.root, self.positions)

    def run(self, text: str, loader_class: Any = None) -> EventBuilder:
        """Build the document with `loader_class` (PyYAML's C loader if None); the cyclic garbage collector
        is paused meanwhile.

        Building creates one container or scalar per event and frees nothing, so
        each collection would walk everything built so far for no garbage: with it
        on, a 100,000-layer file took a third longer.
        """
        if loader_class is None:
            import yaml

            loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        loader = loader_class(text)
        try:
            with paused_gc():
                self.consume(loader.get_event)
        finally:
            loader.dispose()
        return self

    def consume(self, next_event: Any) -> None:
        """Build from every event, each kind handled by its method below."""
        import yaml

        handlers = {
            yaml.ScalarEvent: self.scalar,
            yaml.MappingStartEvent: self.open,
            yaml.SequenceStartEvent: self.open,
            yaml.MappingEndEvent: self.close,
            yaml.SequenceEndEvent: self.close,
            yaml.AliasEvent: self.alias,
            yaml.DocumentStartEvent: self.start_document,
        }
        while (event := next_event()) is not None:
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event)

    def start_document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise SourceError(
                "the file holds more than one YAML document (a second `---`); put one model in a file",
                *mark_of(event),
            )

    def scalar(self, event: Any) -> None:
        where = mark_of(event)
        value = self.scalars.read(event, where)
        self.count(1, where)
        self.place(value, 1, event.anchor, where)

    def open(self, event: Any) -> None:
        where = mark_of(event)
        is_mapping = type(event).__name__ == "MappingStartEvent"
        _check_container_tag(event.tag, is_mapping, where)
        if len(self.stack) >= document.MAX_DEPTH:
            raise SourceError(f"the file nests deeper than {document.MAX_DEPTH} levels", *where, code="SC008")
        self.count(1, where)
        path = self.slot(where)
        if event.anchor:
            self.open_anchors.add(event.anchor)
        self.stack.append(_Open({} if is_mapping else [], path, event.anchor))

    def close(self, event: Any) -> None:
        self.finish(self.stack.pop())

    def finish(self, container: _Open) -> None:
        """A closed mapping or sequence: remember it for its aliases, and place it."""
        if container.anchor:
            self.open_anchors.discard(container.anchor)
            self.anchors[container.anchor] = (container.value, container.weight)
        self.attach(container.value, container.weight)

    def alias(self, event: Any) -> None:
        where = mark_of(event)
        if event.anchor in self.open_anchors:
            raise SourceError(
                f"alias *{event.anchor} refers to a value that contains it (a self-containing value)", *where
            )
        if event.anchor not in self.anchors:
            raise SourceError(f"alias *{event.anchor} names no anchor", *where)
        value, weight = self.anchors[event.anchor]
        self.count(weight, where)
        self.place(value, weight, None, where)

    def count(self, weight: int, where: Position) -> None:
        """Bound the values a consumer would walk, aliases expanded, before they exist."""
        self.nodes += weight
        if self.nodes > document.MAX_NODES:
            raise _too_many_values(where)

    def place(self, value: Any, weight: int, anchor: str | None, where: Position) -> None:
        """A finished scalar or alias: a key of the open mapping, or a value."""
        if anchor:
            self.anchors[anchor] = (value, weight)
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.is_mapping and parent.pending_key is _NO_KEY:
            self.accept_key(parent, value, where)
            return
        self.slot(where)
        self.attach(value, weight)

    def slot(self, where: Position) -> DocPath:
        """The document path of the node starting at `where`, recording its position."""
        if not self.stack:
            path: DocPath = ()
        else:
            parent = self.stack[-1]
            if not parent.is_mapping:
                path = parent.path + (len(parent.value),)
            elif parent.pending_key is _NO_KEY:
                raise SourceError("a mapping key must be plain text, not a list or mapping", *where)
            else:
                return parent.path + (parent.pending_key,)  # the key's position stands for its value
        self.positions.setdefault(path, where)
        return path

    def attach(self, value: Any, weight: int) -> None:
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        parent.weight += weight
        if parent.is_mapping:
            parent.value[parent.pending_key] = value
            parent.pending_key = _NO_KEY
        else:
            parent.value.append(value)

    def accept_key(self, parent: _Open, key: Any, where: Position) -> None:
        if not isinstance(key, str):
            raise SourceError(_key_type_message(key), *where)
        if not key.isprintable():  # keys are names, and names are quoted in one-line messages
            raise SourceError(f"the key {clipped(key)!r} holds a line break, tab or invisible character", *where)
        if key in parent.value:
            raise SourceError(
                f"duplicate key {key!r}: the later value would silently replace the earlier one", *where
            )
        parent.pending_key = key
        parent.weight += 1
        self.positions[parent.path + (key,)] = where


def _too_many_values(where: Position) -> SourceError:
    return SourceError(
        f"the file holds (or, through aliases, expands to) more than {document.MAX_NODES:,} values",
        *where,
        code="SC008",
    )


def _key_type_message(key: Any) -> str:
    if key is None:
        return "a mapping key is empty or null; keys must be text"
    if isinstance(key, bool):
        return (
            f"a mapping key reads as the boolean {str(key).lower()} (YAML 1.1 reads yes/no/on/off so); "
            "keys must be text: put it in quotes"
        )
    return f"a mapping key reads as the {type(key).__name__} {key!r}; keys must be text: put it in quotes"


_MAP_TAGS = {None, "!", "tag:yaml.org,2002:map"}
_SEQ_TAGS = {None, "!", "tag:yaml.org,2002:seq"}


def _check_container_tag(tag: str | None, is_mapping: bool, where: Position) -> None:
    if tag not in (_MAP_TAGS if is_mapping else _SEQ_TAGS):
        raise refused_tag(str(tag), where)
