"""Reads a model file (YAML or JSON) into plain data plus the line:column of every key and item.

The document is built from the parser's event stream with an explicit stack
instead of PyYAML's recursive composer, so nesting depth and alias expansion
are bounded *before* anything recurses, and only plain data comes out:
mappings with text keys, lists, strings, integers, floats, booleans and null.
Anything else (Python object tags, sets, binary, merge keys, non-text keys,
control characters, numbers no tensor could use) is refused with its position.
Every failure is a SourceError: one line of text, a position and a code.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

from shapecalc.gcpause import paused_gc

MAX_FILE_BYTES = 8 * 1024 * 1024  # a 500-layer model is 30 KB; a generated 100,000-layer graph about 5.6 MB
MAX_DEPTH = 64
MAX_NODES = 2_000_000  # values after alias expansion: what a consumer could have to walk (100,000 layers ~ 1.3M)
MAX_STRING = 10_000  # characters in one scalar
MAX_INT_BITS = 64  # no framework argument holds more; larger ints cannot always be printed

Position = tuple[int, int]  # 1-based line, column
DocPath = tuple[str | int, ...]

# Text a terminal or a `path:line:col:` line could misread: control characters
# other than tab and newline, and lone surrogates (not text at all).
_UNSAFE_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# YAML 1.1 reads `1e-3` and `1.0E5` as text; JSON and YAML 1.2 read them as numbers.
_EXPONENT_FLOAT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+")


class SourceError(Exception):
    """A file that cannot be read as a model file; carries the place it went wrong."""

    def __init__(self, message: str, line: int = 1, column: int = 1, code: str = "SC001"):
        message = " ".join(message.split("\n"))
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
    raw = _read_bytes(path)
    return parse_bytes(raw, path)


def _read_bytes(path: str) -> bytes:
    """The file's bytes, refusing what is not a regular file of sane size (a pipe would hang)."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise SourceError(f"{path} is a directory, not a model file")
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"{path} is not a regular file (a pipe, socket or device)")
        if info.st_size > MAX_FILE_BYTES:
            raise _too_large()
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise SourceError(f"no such file: {path}") from None
    except PermissionError:
        raise SourceError(f"permission denied: {path}") from None
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror or error}") from None
    except ValueError as error:  # a path with a NUL character
        raise SourceError(f"cannot read {path!r}: {error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large()
    return raw


def _too_large() -> SourceError:
    return SourceError(
        f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; a model file this large is refused",
        code="SC008",
    )


def parse_bytes(raw: bytes, path: str = "<string>") -> Document:
    """Decode UTF-8 (a BOM is allowed) and parse the text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError("the file is UTF-16 text; save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _offset_to_position(raw, error.start)
        hint = "; is it a binary file?" if b"\x00" in raw[:4096] or raw.startswith(b"\x89PNG") else ""
        raise SourceError(
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x}){hint}", line, column
        ) from None
    return parse_text(text, path)


def parse_text(text: str, path: str = "<string>") -> Document:
    """Parse YAML (JSON is YAML) text into a Document.

    The plain subset most model files are written in is read directly
    (`_SimpleReader`); anything else, including every file that is refused,
    is read from the parser's events (`_Builder`), which gives the same
    Document for what both can read.
    """
    if not text.strip():
        raise SourceError("the file is empty; a model file needs at least `input:` and `layers:`")
    simple = _SimpleReader(text).document(path)
    if simple is not None:
        return simple
    builder = _Builder(path)
    try:
        builder.run(text)
    except SourceError:
        raise
    except RecursionError:
        raise SourceError("the file nests too deeply", code="SC008") from None
    except MemoryError:
        raise SourceError("the file needs more memory than a model file may", code="SC008") from None
    except Exception as error:  # yaml.YAMLError and what safe loading can still raise
        raise _as_source_error(error, text) from None
    return builder.document()


def _offset_to_position(raw: bytes | str, offset: int) -> Position:
    newline = b"\n" if isinstance(raw, bytes) else "\n"
    before = raw[:offset]
    line = before.count(newline) + 1
    column = offset - (before.rfind(newline) + 1) + 1
    return line, column


def _as_source_error(error: Exception, text: str) -> SourceError:
    """A parser exception as a one-line, located message, with a hint for the usual causes."""
    position = getattr(error, "position", None)
    character = getattr(error, "character", None)
    if isinstance(position, int) and character is not None:  # yaml.reader.ReaderError
        line, column = _offset_to_position(text, position)
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
    elif "escape" in problem and "Unicode" in problem:
        message += (
            "; YAML reads each \\uXXXX escape alone, so a surrogate pair (common in JSON) cannot be read: "
            "write the character itself or one \\UXXXXXXXX escape"
        )
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
        self.scalars = _ScalarReader()

    def document(self) -> Document:
        if self.documents == 0:
            raise SourceError("the file holds only comments; a model file needs `input:` and `layers:`")
        return Document(self.path, self.root, self.positions)

    def run(self, text: str) -> None:
        """Build the document; the cyclic garbage collector is paused meanwhile.

        Building creates one container or scalar per event and frees nothing, so
        each collection would walk everything built so far for no garbage: with it
        on, a 100,000-layer file took a third longer.
        """
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            with paused_gc():
                self.consume(loader.get_event)
        finally:
            loader.dispose()

    def consume(self, next_event: Any) -> None:
        """Build from every event; the common events are handled inline, the rest by the methods below.

        A 100,000-layer file is 1.3M events, so a call per step costs seconds.
        The inline cases do exactly what `scalar`, `open` and `close` do (same
        checks in the same order), for untagged, unanchored nodes inside an
        open container; plain scalars that are names or small decimal integers
        skip `_ScalarReader.read`. Everything else goes to those methods.
        """
        import yaml

        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        stack, positions, read = self.stack, self.positions, self.scalars.read
        resolved_initials, word_initials = self.scalars.first_characters, self.scalars.word_initials
        max_nodes, no_key = MAX_NODES, _NO_KEY
        top: _Open | None = None  # stack[-1], kept in step with the stack
        while (event := next_event()) is not None:
            kind = type(event)
            if kind is scalar_event:
                text = event.value
                if event.tag is None and text.isascii() and text.isprintable() and len(text) <= MAX_STRING:
                    if not event.implicit[0] or (initial := text[:1]) not in resolved_initials:
                        value = text  # quoted, or never resolved: text as written
                    elif initial in word_initials:
                        value = _PLAIN_WORDS.get(text, text)
                    elif text.isdigit() and (initial != "0" or len(text) == 1) and len(text) < 19:
                        value = int(text)
                    else:
                        value = read(event, _mark(event))
                else:
                    value = read(event, _mark(event))
                self.nodes += 1
                if self.nodes > max_nodes:
                    raise _too_many_values(_mark(event))
                if top is None or event.anchor:
                    self.place(value, 1, event.anchor, _mark(event))
                elif not top.is_mapping:
                    mark = event.start_mark
                    positions.setdefault(top.path + (len(top.value),), (mark.line + 1, mark.column + 1))
                    top.weight += 1
                    top.value.append(value)
                elif top.pending_key is not no_key:
                    top.weight += 1
                    top.value[top.pending_key] = value
                    top.pending_key = no_key
                elif type(value) is str and value.isprintable() and value not in top.value:
                    mark = event.start_mark
                    top.pending_key = value
                    top.weight += 1
                    positions[top.path + (value,)] = (mark.line + 1, mark.column + 1)
                else:
                    self.accept_key(top, value, _mark(event))  # the checks, and their messages
            elif kind is mapping_start or kind is sequence_start:
                if top is None or event.tag is not None or event.anchor or len(stack) >= MAX_DEPTH:
                    self.open(event)
                else:
                    self.nodes += 1
                    if self.nodes > max_nodes:
                        raise _too_many_values(_mark(event))
                    if not top.is_mapping:
                        path = top.path + (len(top.value),)
                        positions.setdefault(path, _mark(event))
                    elif top.pending_key is no_key:
                        path = self.slot(_mark(event))  # refuses a container as a key
                    else:
                        path = top.path + (top.pending_key,)
                    stack.append(_Open({} if kind is mapping_start else [], path, None))
                top = stack[-1]
            elif kind is mapping_end or kind is sequence_end:
                closed = stack.pop()
                top = stack[-1] if stack else None
                if closed.anchor or top is None:
                    self.finish(closed)
                else:
                    top.weight += closed.weight
                    if top.is_mapping:
                        top.value[top.pending_key] = closed.value
                        top.pending_key = no_key
                    else:
                        top.value.append(closed.value)
            elif kind is alias_event:
                self.alias(event)
            elif kind is yaml.DocumentStartEvent:
                self.start_document(event)

    def start_document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise SourceError(
                "the file holds more than one YAML document (a second `---`); put one model in a file",
                *_mark(event),
            )

    def scalar(self, event: Any) -> None:
        where = _mark(event)
        value = self.scalars.read(event, where)
        self.count(1, where)
        self.place(value, 1, event.anchor, where)

    def open(self, event: Any) -> None:
        where = _mark(event)
        is_mapping = type(event).__name__ == "MappingStartEvent"
        _check_container_tag(event.tag, is_mapping, where)
        if len(self.stack) >= MAX_DEPTH:
            raise SourceError(f"the file nests deeper than {MAX_DEPTH} levels", *where, code="SC008")
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
        where = _mark(event)
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
        if self.nodes > MAX_NODES:
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
            raise SourceError(f"the key {_clipped(key)!r} holds a line break, tab or invisible character", *where)
        if key in parent.value:
            raise SourceError(
                f"duplicate key {key!r}: the later value would silently replace the earlier one", *where
            )
        parent.pending_key = key
        parent.weight += 1
        self.positions[parent.path + (key,)] = where


def _too_many_values(where: Position) -> SourceError:
    return SourceError(
        f"the file holds (or, through aliases, expands to) more than {MAX_NODES:,} values",
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


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_MAP_TAGS = {None, "!", "tag:yaml.org,2002:map"}
_SEQ_TAGS = {None, "!", "tag:yaml.org,2002:seq"}


def _refused_tag(tag: str, where: Position) -> SourceError:
    return SourceError(f"YAML tag {tag!r} is not allowed in a model file (only plain data is read)", *where)


def _check_container_tag(tag: str | None, is_mapping: bool, where: Position) -> None:
    if tag not in (_MAP_TAGS if is_mapping else _SEQ_TAGS):
        raise _refused_tag(str(tag), where)


def _mark(event: Any) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


# YAML 1.1's booleans and nulls, looked up before its regular expressions are tried.
_PLAIN_WORDS: dict[str, Any] = {
    **dict.fromkeys(["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"], True),
    **dict.fromkeys(["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"], False),
    **dict.fromkeys(["null", "Null", "NULL", "~", ""], None),
}


class _ScalarReader:
    """Gives a scalar event its plain value with YAML 1.1 safe-loading rules, refusing the exotic ones.

    Most scalars are names or small decimal integers, so those skip PyYAML's
    regex resolver; everything else goes through it and SafeConstructor.
    """

    def __init__(self) -> None:
        import yaml

        self.yaml = yaml
        self.resolver = yaml.resolver.Resolver()
        implicit = yaml.resolver.Resolver.yaml_implicit_resolvers
        self.first_characters = frozenset(implicit)  # what the resolver never looks at stays text
        # Where the resolver only looks for YAML 1.1's booleans and nulls (letters
        # such as `n` or `t`), one `_PLAIN_WORDS` lookup gives its answer for one-line text.
        self.word_initials = frozenset(
            initial
            for initial, resolvers in implicit.items()
            if initial
            and initial.isalpha()
            and all(tag in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:null") for tag, _ in resolvers)
        )
        constructor = yaml.constructor.SafeConstructor()
        self.converters = {
            "tag:yaml.org,2002:int": constructor.construct_yaml_int,
            "tag:yaml.org,2002:float": constructor.construct_yaml_float,
            "tag:yaml.org,2002:bool": constructor.construct_yaml_bool,
            "tag:yaml.org,2002:null": constructor.construct_yaml_null,
        }

    def read(self, event: Any, where: Position) -> Any:
        text = event.value
        if len(text) > MAX_STRING:
            raise SourceError(
                f"a value of {len(text):,} characters is longer than the {MAX_STRING:,} allowed",
                *where,
                code="SC008",
            )
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return _checked_text(text, where)  # quoted, or tagged `!`: text as written
            if text[:1] not in self.first_characters:
                return _checked_text(text, where)
            if text.isdigit() and text.isascii() and (text[0] != "0" or len(text) == 1):
                return int(text) if len(text) < 19 else _checked_int(text, where, lambda: int(text))
            if text in _PLAIN_WORDS:
                return _PLAIN_WORDS[text]
            tag = self.resolver.resolve(self.yaml.ScalarNode, text, (True, False))
            if tag == "tag:yaml.org,2002:str" and _EXPONENT_FLOAT.fullmatch(text):
                return float(text)
        elif tag not in _SCALAR_TAGS:
            raise _refused_tag(tag, where)
        if tag == "tag:yaml.org,2002:merge":
            raise SourceError(
                "YAML merge keys (`<<: *anchor`) are not supported in a model file: write the arguments out",
                *where,
            )
        convert = self.converters.get(tag)
        if convert is None:  # text, and timestamps and the like: the schema says what it expected
            return _checked_text(text, where)
        node = self.yaml.ScalarNode(tag, text, event.start_mark, event.end_mark)
        if tag == "tag:yaml.org,2002:int":
            return _checked_int(text, where, lambda: convert(node))
        try:
            return convert(node)
        except (ValueError, KeyError, TypeError, IndexError, ArithmeticError):
            kind = tag.rsplit(":", 1)[-1]
            raise SourceError(f"{_clipped(text)!r} is not a valid {kind}", *where) from None


def _checked_int(text: str, where: Position, convert: Any) -> int:
    """An integer within 64 bits: larger ones mean nothing to a framework and may not even print."""
    too_large = SourceError(
        f"the integer {_clipped(text)} does not fit in {MAX_INT_BITS} bits; no layer argument can be that large",
        *where,
        code="SC008",
    )
    if sum(character.isdigit() for character in text) > 1000:
        raise too_large  # before int() refuses it: Python will not convert more than 4300 digits
    try:
        value = convert()
    except (ValueError, KeyError, TypeError, IndexError, ArithmeticError):
        value = None
    if not isinstance(value, int):
        raise SourceError(f"{_clipped(text)!r} is not a valid integer", *where) from None
    if value.bit_length() > MAX_INT_BITS:
        raise too_large
    return value


def _clipped(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "..."


def _checked_text(text: str, where: Position) -> str:
    if text.isascii() and text.isprintable():
        return text
    bad = _UNSAFE_CHARACTER.search(text)
    if bad is None:
        return text
    character = ord(bad.group())
    if 0xD800 <= character <= 0xDFFF:
        raise SourceError(f"a string holds a lone surrogate (U+{character:04X}), which is not text", *where)
    raise SourceError(
        f"a string holds the control character U+{character:04X}; model files hold plain text", *where
    )


class _Unusual(Exception):
    """Text outside `_SimpleReader`'s subset: the event builder reads the file instead."""


_SUBSET_CHARACTERS = bytes(range(0x20, 0x7F)) + b"\n"  # no tabs, CR, control or non-ASCII characters
_BLOCK_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,999}):(?: +|$)")
_WORD = r"-?[A-Za-z0-9_][A-Za-z0-9_.+-]*"  # a one-word plain scalar: no quote, space or flow indicator
_PLAIN_TOKEN = re.compile(_WORD)
_FLOW_KEY = re.compile(f"({_WORD}): +")
# A scalar entry (`a`, `key: a`) and what follows it: the closer (last group), or a comma and the next entry.
_FLOW_SEQUENCE_SCALAR = re.compile(f"({_WORD}) *(?:(\\])|, *(?![ ,\\]}}]))")
_FLOW_SCALAR_PAIR = re.compile(f"({_WORD}): +({_WORD}) *(?:(\\}})|, *(?![ ,\\]}}]))")
_LINE_END = re.compile(r"(?: +#.*| *)$")  # nothing more on the line, or a comment


class _SimpleReader:
    """Reads the plain subset of YAML most model files (and all generated ones) are written in, fast.

    The subset: block mappings with name keys, block sequences of `- ` items,
    one-line flow collections, and unquoted one-word scalars; comments and blank
    lines. It produces exactly the data and positions the event builder would
    (same values through the same `_ScalarReader`, positions where the parser
    marks each node), at a fraction of the cost of 1.3M parser events. Anything
    else, and anything the builder would refuse (a duplicate key, a non-text
    key, too many values, too deep), raises `_Unusual`, and the event builder
    reads the whole file again, so every refusal keeps its message and place.
    """

    def __init__(self, text: str):
        self.text = text
        self.lines: list[tuple[int, int, str]] = []  # (line number, indent, line) of each content line
        self.at = 0  # index in `lines` of the next line to read
        self.positions: dict[DocPath, Position] = {}
        self.nodes = 0
        self.depth = 0
        self.scalars = _ScalarReader()
        self.resolved: dict[str, Any] = {}  # plain scalar text -> its value

    def document(self, path: str) -> Document | None:
        """The Document, or None when the text is outside the subset."""
        try:
            with paused_gc():
                data = self.root()
        except (_Unusual, SourceError, IndexError):
            return None
        return Document(path, data, self.positions)

    def root(self) -> dict[str, Any]:
        text = self.text
        if not text.isascii() or text.encode("ascii").translate(None, _SUBSET_CHARACTERS):
            raise _Unusual  # what is left after deleting the subset's characters is outside it
        keep = self.lines.append
        for number, line in enumerate(text.split("\n"), 1):
            content = line.lstrip(" ")
            if content and content[0] != "#":  # blank and comment lines hold no node
                keep((number, len(line) - len(content), line))
        number, indent, line = self.lines[0]
        if indent != 0 or not _BLOCK_KEY.match(line):
            raise _Unusual
        self.positions[()] = (number, 1)
        data = self.block_mapping((), 0)
        if self.at != len(self.lines) or self.nodes > MAX_NODES:
            raise _Unusual
        return data

    def open(self) -> None:
        """A mapping or sequence starts: the builder's depth bound, and one value."""
        if self.depth >= MAX_DEPTH:
            raise _Unusual
        self.depth += 1
        self.nodes += 1

    def block_mapping(self, path: DocPath, indent: int) -> dict[str, Any]:
        """`key: value` lines at `indent`; a value is on the key's line, or below it."""
        self.open()
        mapping: dict[str, Any] = {}
        lines, positions = self.lines, self.positions
        while self.at < len(lines):
            number, column, line = lines[self.at]
            if column < indent:
                break
            found = _BLOCK_KEY.match(line, column)
            if column > indent or found is None:
                raise _Unusual
            key = self.key(found.group(1), mapping)
            key_path = path + (key,)
            positions[key_path] = (number, column + 1)
            start = found.end()
            if start < len(line) and line[start] != "#":
                mapping[key] = self.value_on_line(line, start, key_path, number)
                self.at += 1
            else:
                self.at += 1
                mapping[key] = self.value_below(key_path, indent)
        self.depth -= 1
        return mapping

    def key(self, text: str, mapping: dict[str, Any]) -> str:
        key = self.resolved.get(text, _NO_KEY)
        if key is _NO_KEY:
            key = self.resolve(text)
        if type(key) is not str or key in mapping:
            raise _Unusual  # the builder's refusals
        self.nodes += 1
        return key

    def value_below(self, path: DocPath, indent: int) -> Any:
        """The value of a key that ends its line: a block node below it, or null."""
        if self.at < len(self.lines):
            _, column, line = self.lines[self.at]
            if column > indent:
                return self.block_node(path, column)
            if column == indent and line.startswith("- ", column):
                return self.block_sequence(path, indent)  # YAML lets a key's list start at its indent
        self.nodes += 1
        return None

    def block_node(self, path: DocPath, indent: int) -> Any:
        _, column, line = self.lines[self.at]
        if line.startswith("- ", column):
            return self.block_sequence(path, indent)
        if _BLOCK_KEY.match(line, column):
            return self.block_mapping(path, indent)
        raise _Unusual

    def block_sequence(self, path: DocPath, indent: int) -> list[Any]:
        """`- item` lines at `indent`; an item is a value, or a mapping starting on its line."""
        self.open()
        sequence: list[Any] = []
        lines, positions = self.lines, self.positions
        while self.at < len(lines):
            number, column, line = lines[self.at]
            if column < indent or (column == indent and not line.startswith("- ", column)):
                break
            if column > indent:
                raise _Unusual
            start = column + 2
            while line[start] == " ":
                start += 1
            item_path = path + (len(sequence),)
            positions.setdefault(item_path, (number, start + 1))
            found = _BLOCK_KEY.match(line, start)
            if found is not None and self.ends_item(found, start):
                sequence.append(self.one_pair(found, start, item_path, number))
            elif found is not None:
                lines[self.at] = (number, start, line)  # the item's mapping: its keys are at `start`
                sequence.append(self.block_mapping(item_path, start))
            else:
                sequence.append(self.value_on_line(line, start, item_path, number))
                self.at += 1
        self.depth -= 1
        return sequence

    def ends_item(self, found: re.Match[str], start: int) -> bool:
        """Whether `- key: value` is a whole item: a value on the line, and no more lines of it below."""
        line = found.string
        end = found.end()
        if end == len(line) or line[end] == "#":
            return False
        following = self.at + 1
        return following == len(self.lines) or self.lines[following][1] < start

    def one_pair(self, found: re.Match[str], start: int, path: DocPath, number: int) -> dict[str, Any]:
        """The one-key mapping of such an item, as `block_mapping` reads it, without its loop."""
        self.open()
        key = self.key(found.group(1), {})
        key_path = path + (key,)
        self.positions[key_path] = (number, start + 1)
        mapping = {key: self.value_on_line(found.string, found.end(), key_path, number)}
        self.at += 1
        self.depth -= 1
        return mapping

    def value_on_line(self, line: str, start: int, path: DocPath, number: int) -> Any:
        """A scalar or flow collection that must end its line (a comment may follow)."""
        value, end = self.flow_node(line, start, path, number)
        if not _LINE_END.match(line, end):
            raise _Unusual
        return value

    def flow_node(self, line: str, start: int, path: DocPath, number: int) -> tuple[Any, int]:
        """The value starting at `start` and the column after it."""
        opener = line[start]
        if opener == "[":
            return self.flow_sequence(line, start, path, number)
        if opener == "{":
            return self.flow_mapping(line, start, path, number)
        token = _PLAIN_TOKEN.match(line, start)
        if token is None:
            raise _Unusual
        self.nodes += 1
        text = token.group()
        value = self.resolved.get(text, _NO_KEY)
        return (self.resolve(text) if value is _NO_KEY else value), token.end()

    def flow_sequence(self, line: str, start: int, path: DocPath, number: int) -> tuple[list[Any], int]:
        """`[a, b]`: an item that is a scalar is read with its separator by one regex."""
        self.open()
        sequence: list[Any] = []
        positions, resolved, scalar_item = self.positions, self.resolved, _FLOW_SEQUENCE_SCALAR.match
        scalars = 0  # added to `self.nodes` at the end
        at = _skip_spaces(line, start + 1)
        done = line[at] == "]"
        if done:
            at += 1
        while not done:
            item_path = path + (len(sequence),)
            positions.setdefault(item_path, (number, at + 1))
            found = scalar_item(line, at)
            if found is None:
                value, at = self.flow_node(line, at, item_path, number)
                at, done = self.flow_separator(line, at, "]")
            else:
                text, closer = found.groups()
                value = resolved.get(text, _NO_KEY)
                if value is _NO_KEY:
                    value = self.resolve(text)
                scalars += 1
                at, done = found.end(), closer is not None
            sequence.append(value)
        self.nodes += scalars
        self.depth -= 1
        return sequence, at

    def flow_mapping(self, line: str, start: int, path: DocPath, number: int) -> tuple[dict[str, Any], int]:
        """`{a: 1, b: c}`: an entry whose value is a scalar is read with its separator by one regex."""
        self.open()
        mapping: dict[str, Any] = {}
        positions, resolved, scalar_pair = self.positions, self.resolved, _FLOW_SCALAR_PAIR.match
        scalars = 0  # keys and scalar values, added to `self.nodes` at the end
        at = _skip_spaces(line, start + 1)
        done = line[at] == "}"
        if done:
            at += 1
        while not done:
            pair = scalar_pair(line, at)
            found = pair or _FLOW_KEY.match(line, at)
            if found is None:
                raise _Unusual
            text = found.group(1)
            key = resolved.get(text, _NO_KEY)
            if key is _NO_KEY:
                key = self.resolve(text)
            if type(key) is not str or key in mapping:
                raise _Unusual  # the builder's refusals
            key_path = path + (key,)
            positions[key_path] = (number, at + 1)
            if pair is None:
                mapping[key], at = self.flow_node(line, found.end(), key_path, number)
                at, done = self.flow_separator(line, at, "}")
                scalars += 1
            else:
                _, text, closer = pair.groups()
                value = resolved.get(text, _NO_KEY)
                if value is _NO_KEY:
                    value = self.resolve(text)
                mapping[key] = value
                scalars += 2
                at, done = pair.end(), closer is not None
        self.nodes += scalars
        self.depth -= 1
        return mapping, at

    @staticmethod
    def flow_separator(line: str, at: int, closer: str) -> tuple[int, bool]:
        """After an entry: past the closer and True, or past a comma at the next entry and False.

        A trailing or doubled comma is left to the event builder.
        """
        at = _skip_spaces(line, at)
        if line[at] == closer:
            return at + 1, True
        if line[at] != ",":
            raise _Unusual
        at = _skip_spaces(line, at + 1)
        if line[at] in ",]}":
            raise _Unusual
        return at, False

    def resolve(self, text: str) -> Any:
        """`scalar`, remembered: a model file repeats its argument names and values."""
        value = self.resolved[text] = self.scalar(text)
        return value

    def scalar(self, text: str) -> Any:
        """What `_Builder.consume` and `_ScalarReader.read` make of a plain one-word scalar."""
        if len(text) > MAX_STRING:
            raise _Unusual
        scalars = self.scalars
        initial = text[0]
        if initial not in scalars.first_characters:
            return text
        if initial in scalars.word_initials:
            return _PLAIN_WORDS.get(text, text)
        if text.isdigit() and (initial != "0" or len(text) == 1) and len(text) < 19:
            return int(text)
        return scalars.read(_PlainScalar(text), (1, 1))  # a SourceError sends the file to the builder


class _PlainScalar:
    """What `_ScalarReader.read` needs of a scalar event: a plain, untagged scalar."""

    __slots__ = ("value",)
    tag = None
    implicit = (True, False)
    start_mark = end_mark = None

    def __init__(self, value: str):
        self.value = value


def _skip_spaces(line: str, at: int) -> int:
    while line[at] == " ":
        at += 1
    return at
