"""Reads a model file (YAML or JSON) into plain data plus the line:column of every key and item.

The document is built from the parser's event stream with an explicit stack
instead of PyYAML's recursive composer, so nesting depth and alias expansion
are bounded *before* anything recurses, and only plain data comes out: mappings,
lists, strings, integers, floats, booleans and null. Anything else (Python
object tags, sets, timestamps, binary) is refused with its position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000  # after alias expansion: what a consumer could have to walk
MAX_STRING = 10_000

Position = tuple[int, int]  # 1-based line, column
DocPath = tuple[str | int, ...]


class SourceError(Exception):
    """A file that cannot be read as a model file; carries the place it went wrong."""

    def __init__(self, message: str, line: int = 1, column: int = 1, code: str = "SC001"):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.code = code


@dataclass
class Document:
    """Plain data from a model file and where each part of it was written."""

    path: str
    data: Any
    positions: dict[DocPath, Position] = field(default_factory=dict)

    def locate(self, path: DocPath) -> Position:
        """The position of `path`, or of its nearest written ancestor."""
        path = tuple(path)
        while path:
            found = self.positions.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.positions.get((), (1, 1))


def read_file(path: str) -> Document:
    """Read and parse `path`; every failure is a SourceError with a position."""
    target = Path(path)
    try:
        if target.is_dir():
            raise SourceError(f"{path} is a directory, not a model file", code="SC001")
        with target.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise SourceError(f"no such file: {path}") from None
    except PermissionError:
        raise SourceError(f"permission denied: {path}") from None
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise SourceError(
            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; a model file this large is refused",
            code="SC008",
        )
    return parse_bytes(raw, path)


def parse_bytes(raw: bytes, path: str = "<string>") -> Document:
    """Decode UTF-8 (a BOM is allowed) and parse the text."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _offset_to_position(raw, error.start)
        raise SourceError(
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x})", line, column
        ) from None
    return parse_text(text, path)


def parse_text(text: str, path: str = "<string>") -> Document:
    """Parse YAML (JSON is YAML) text into a Document."""
    if not text.strip():
        raise SourceError("the file is empty; a model file needs at least `input:` and `layers:`")
    builder = _Builder(path)
    try:
        builder.run(text)
    except SourceError:
        raise
    except RecursionError:
        raise SourceError("the file nests too deeply", code="SC008") from None
    except Exception as error:  # yaml.YAMLError and what safe loading can still raise
        raise _as_source_error(error) from None
    return builder.document()


def _offset_to_position(raw: bytes, offset: int) -> Position:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def _as_source_error(error: Exception) -> SourceError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error) or type(error).__name__
    context = getattr(error, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    if mark is not None:
        return SourceError(message, mark.line + 1, mark.column + 1)
    return SourceError(message)


class _Open:
    """A mapping or sequence being built, with what the builder needs to finish it."""

    __slots__ = ("value", "path", "anchor", "pending_key", "weight")

    def __init__(self, value: Any, path: DocPath, anchor: str | None):
        self.value = value
        self.path = path
        self.anchor = anchor
        self.pending_key: Any = _NO_KEY
        self.weight = 1


_NO_KEY = object()


class _Builder:
    """Turns parser events into plain data, positions, and bounded aliases."""

    def __init__(self, path: str):
        self.path = path
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.positions: dict[DocPath, Position] = {}
        self.root: Any = None
        self.documents = 0
        self.nodes = 0
        self._scalars = _ScalarResolver()

    def document(self) -> Document:
        if self.documents == 0:
            raise SourceError("the file holds no YAML document")
        return Document(self.path, self.root, self.positions)

    def run(self, text: str) -> None:
        import yaml

        loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        loader = loader_class(text)
        try:
            while loader.check_event():
                self._handle(loader.get_event(), yaml)
        finally:
            loader.dispose()

    def _handle(self, event: Any, yaml: Any) -> None:
        if isinstance(event, yaml.ScalarEvent):
            self._anchor_tag_check(event)
            value = self._scalars.resolve(event)
            self._add(value, event, 1, event.anchor)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._open(event, yaml)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self._close()
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                line, column = _mark(event)
                raise SourceError(
                    "the file holds more than one YAML document (a second `---`); put one model in a file",
                    line,
                    column,
                )

    def _anchor_tag_check(self, event: Any) -> None:
        tag = getattr(event, "tag", None)
        if tag and tag not in _PLAIN_TAGS:
            line, column = _mark(event)
            raise SourceError(
                f"YAML tag {tag!r} is not allowed in a model file (only plain data is read)",
                line,
                column,
            )

    def _open(self, event: Any, yaml: Any) -> None:
        self._anchor_tag_check(event)
        if len(self.stack) >= MAX_DEPTH:
            line, column = _mark(event)
            raise SourceError(
                f"the file nests deeper than {MAX_DEPTH} levels", line, column, code="SC008"
            )
        is_mapping = isinstance(event, yaml.MappingStartEvent)
        path = self._child_path(event)
        container = _Open({} if is_mapping else [], path, event.anchor)
        if event.anchor:
            self.open_anchors.add(event.anchor)
        self.stack.append(container)

    def _close(self) -> None:
        container = self.stack.pop()
        if container.anchor:
            self.open_anchors.discard(container.anchor)
        self._attach(container.value, container.weight, container.anchor)

    def _alias(self, event: Any) -> None:
        line, column = _mark(event)
        if event.anchor in self.open_anchors:
            raise SourceError(
                f"alias *{event.anchor} refers to a value that contains it (a self-containing value)",
                line,
                column,
            )
        if event.anchor not in self.anchors:
            raise SourceError(f"alias *{event.anchor} names no anchor", line, column)
        value, weight = self.anchors[event.anchor]
        self._child_path(event)
        self._attach(value, weight, None)

    def _add(self, value: Any, event: Any, weight: int, anchor: str | None) -> None:
        self._child_path(event)
        self._attach(value, weight, anchor)

    def _child_path(self, event: Any) -> DocPath:
        """Record the position of the node that starts now and return its document path."""
        if not self.stack:
            path: DocPath = ()
        else:
            parent = self.stack[-1]
            if isinstance(parent.value, list):
                path = parent.path + (len(parent.value),)
            elif parent.pending_key is _NO_KEY:
                return parent.path  # a mapping key: its position is recorded when attached
            else:
                path = parent.path + (parent.pending_key,)
                return path  # value of a key: the key's position stands for it
        self.positions.setdefault(path, _mark(event))
        return path

    def _attach(self, value: Any, weight: int, anchor: str | None) -> None:
        self.nodes += weight
        if self.nodes > MAX_NODES:
            raise SourceError(
                f"the file expands to more than {MAX_NODES:,} values (alias expansion?)",
                code="SC008",
            )
        if anchor:
            self.anchors[anchor] = (value, weight)
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        parent.weight += weight
        if isinstance(parent.value, list):
            parent.value.append(value)
        elif parent.pending_key is _NO_KEY:
            self._accept_key(parent, value)
        else:
            parent.value[parent.pending_key] = value
            parent.pending_key = _NO_KEY

    def _accept_key(self, parent: _Open, key: Any) -> None:
        mark = self._last_mark
        if isinstance(key, (dict, list)):
            raise SourceError("a mapping key must be a plain scalar, not a list or mapping", *mark)
        if key in parent.value:
            raise SourceError(
                f"duplicate key {key!r}: the later value would silently replace the earlier one",
                *mark,
            )
        parent.pending_key = key
        self.positions[parent.path + (key,)] = mark

    @property
    def _last_mark(self) -> Position:
        return self._scalars.last_mark


_PLAIN_TAGS = {
    "!",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def _mark(event: Any) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _ScalarResolver:
    """Gives a scalar event its plain value with YAML 1.1 safe-loading rules, refusing the exotic ones."""

    def __init__(self) -> None:
        import yaml

        self._yaml = yaml
        self._resolver = yaml.resolver.Resolver()
        self._constructor = yaml.constructor.SafeConstructor()
        self.last_mark: Position = (1, 1)

    def resolve(self, event: Any) -> Any:
        yaml = self._yaml
        self.last_mark = _mark(event)
        text = event.value
        if len(text) > MAX_STRING:
            raise SourceError(
                f"a value of {len(text):,} characters is longer than the {MAX_STRING:,} allowed",
                *self.last_mark,
                code="SC008",
            )
        tag = event.tag
        if tag in (None, "!"):
            tag = self._resolver.resolve(yaml.ScalarNode, text, event.implicit)
        if tag == "tag:yaml.org,2002:str":
            return _checked_text(text, self.last_mark)
        node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark)
        converters = {
            "tag:yaml.org,2002:int": self._constructor.construct_yaml_int,
            "tag:yaml.org,2002:float": self._constructor.construct_yaml_float,
            "tag:yaml.org,2002:bool": self._constructor.construct_yaml_bool,
            "tag:yaml.org,2002:null": self._constructor.construct_yaml_null,
        }
        convert = converters.get(tag)
        if convert is None:
            # timestamps and the like: keep the text, the schema will say what it expected
            return _checked_text(text, self.last_mark)
        try:
            return convert(node)
        except ValueError:
            raise SourceError(
                f"the number {text[:40]}{'...' if len(text) > 40 else ''} cannot be read (too large?)",
                *self.last_mark,
                code="SC008",
            ) from None


def _checked_text(text: str, where: Position) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise SourceError("a string holds a lone surrogate (\\ud800-\\udfff), which is not text", *where) from None
    return text
