"""Reads the plain subset of YAML most model files are written in, without the parser's events.

It is the fast path: for a 100,000-layer file it saves 13-30% of the whole run.
Whatever it is unsure of, it leaves to the event builder (events.py).
"""

from __future__ import annotations

import re
from typing import Any

from shapecalc.gcpause import paused_gc
from shapecalc.reading import document
from shapecalc.reading.document import DocPath, Document, Position, SourceError
from shapecalc.reading.scalars import PLAIN_WORDS, ScalarReader

_UNRESOLVED = object()  # a plain scalar not yet read


class _Unusual(Exception):
    """Text outside `SubsetReader`'s subset: the event builder reads the file instead."""


_SUBSET_CHARACTERS = bytes(range(0x20, 0x7F)) + b"\n"  # no tabs, CR, control or non-ASCII characters
# Beyond ASCII (a name such as `卷积_1`, a comment in Chinese), what PyYAML reads as printable text that breaks
# no line: not its line breaks NEL, LS and PS, not a byte-order mark, not a C1 control or a surrogate.
_OUTSIDE_SUBSET = re.compile("[^\x20-\x7e\n\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# Words are made of word characters (`\w`: ASCII letters, digits and `_`, and the letters and digits of every
# script); a key starts with a letter or `_`. Dots: `ops.add:`, `nn.Conv2d:`.
_BLOCK_KEY = re.compile(r"([^\W\d][\w.]{0,999}):(?: +|$)")
_WORD = r"-?\w[\w.+-]*"  # a one-word plain scalar: no quote, space or flow indicator
_PLAIN_TOKEN = re.compile(_WORD)
_FLOW_KEY = re.compile(f"({_WORD}): +")
# A scalar entry (`a`, `key: a`) and what follows it: the closer (last group), or a comma and the next entry.
_FLOW_SEQUENCE_SCALAR = re.compile(f"({_WORD}) *(?:(\\])|, *(?![ ,\\]}}]))")
_FLOW_SCALAR_PAIR = re.compile(f"({_WORD}): +({_WORD}) *(?:(\\}})|, *(?![ ,\\]}}]))")
# Numbers PyYAML's resolver (with `_EXPONENT_FLOAT`) reads as these, answered without it:
# a signed decimal integer (no leading zero: YAML 1.1 reads 0-led digits as octal), and a
# decimal with a point and an optional exponent (1.001e-5).
_SIGNED_INTEGER = re.compile(r"[-+](?:0|[1-9][0-9]{0,17})")
_DECIMAL_FLOAT = re.compile(r"[-+]?[0-9]{1,20}\.[0-9]{0,20}(?:[eE][-+]?[0-9]{1,2})?")
# Every character of a YAML 1.1 int (0x1F, 1_000, 1:30), float (1.5e+3) or timestamp (2001-12-14t21:59Z):
# a text starting with a digit and holding any other character is text to PyYAML's resolver.
_NUMBER_OR_TIME_CHARACTERS = frozenset("0123456789_.:+-eExXabcdefABCDEFTtZ \t")
_LINE_END = re.compile(r"(?: +#.*| *)$")  # nothing more on the line, or a comment
# Further words of a plain scalar (`4 * filters`): spaces, then words of expression characters, up to the
# next indicator (`,`, `]`, `}`, ` #`, line end); a `: ` or any other character leaves it to the builder.
_MORE_WORDS = re.compile(r"(?: +[A-Za-z0-9_.+*/%()-]+)+(?= *(?:[,\]}]| #|$))")
# YAML 1.1 reads `2001-12-14 21:59:43` as a timestamp: the only implicit type a text with spaces can have.
_TIMESTAMP_START = re.compile(r"[0-9]{4}-")


class SubsetReader:
    """Reads the plain subset of YAML most model files (and all generated ones) are written in, fast.

    The subset: block mappings with name keys, block sequences of `- ` items,
    one-line flow collections, and unquoted one-word scalars; comments and blank
    lines. It produces exactly the data and positions the event builder would
    (same values through the same `ScalarReader`, positions where the parser
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
        self.scalars = ScalarReader()
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
        if text.isascii():
            if text.encode("ascii").translate(None, _SUBSET_CHARACTERS):
                raise _Unusual  # what is left after deleting the subset's characters is outside it
        elif _OUTSIDE_SUBSET.search(text):
            raise _Unusual
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
        if self.at != len(self.lines) or self.nodes > document.MAX_NODES:
            raise _Unusual
        return data

    def open(self) -> None:
        """A mapping or sequence starts: the builder's depth bound, and one value."""
        if self.depth >= document.MAX_DEPTH:
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
        key = self.resolved.get(text, _UNRESOLVED)
        if key is _UNRESOLVED:
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
        if opener == '"' or opener == "'":
            return self.quoted(line, start)
        token = _PLAIN_TOKEN.match(line, start)
        if token is None:
            raise _Unusual
        self.nodes += 1
        more = _MORE_WORDS.match(line, token.end()) if line.startswith(" ", token.end()) else None
        if more is not None:
            return self.words(line[start:more.end()]), more.end()
        text = token.group()
        value = self.resolved.get(text, _UNRESOLVED)
        return (self.resolve(text) if value is _UNRESOLVED else value), token.end()

    def quoted(self, line: str, start: int) -> tuple[str, int]:
        """`"name{i + 2}"` or `'text'` on one line, without escapes (a backslash, or `''` in single quotes,
        is left to the builder): the text between the quotes."""
        quote = line[start]
        end = line.find(quote, start + 1)
        if end < 0 or line.startswith(quote, end + 1) or end - start - 1 > document.MAX_STRING:
            raise _Unusual
        text = line[start + 1:end]
        if quote == '"' and "\\" in text:
            raise _Unusual
        self.nodes += 1
        return text, end + 1

    @staticmethod
    def words(text: str) -> str:
        """A plain scalar of several words (an expression such as `4 * filters`): text, as YAML 1.1 reads it."""
        if _TIMESTAMP_START.match(text) or len(text) > document.MAX_STRING:
            raise _Unusual
        return text

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
                value = resolved.get(text, _UNRESOLVED)
                if value is _UNRESOLVED:
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
            key = resolved.get(text, _UNRESOLVED)
            if key is _UNRESOLVED:
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
                value = resolved.get(text, _UNRESOLVED)
                if value is _UNRESOLVED:
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
        """What `ScalarReader.read` makes of a plain one-word scalar."""
        if len(text) > document.MAX_STRING:
            raise _Unusual
        scalars = self.scalars
        initial = text[0]
        if initial not in scalars.first_characters:
            return text
        if initial in scalars.word_initials:
            return PLAIN_WORDS.get(text, text)
        if text.isdigit() and text.isascii() and (initial != "0" or len(text) == 1) and len(text) < 19:
            return int(text)
        if _SIGNED_INTEGER.fullmatch(text):
            return int(text)
        if _DECIMAL_FLOAT.fullmatch(text):
            return float(text)
        if initial.isdigit() and not _NUMBER_OR_TIME_CHARACTERS.issuperset(text):
            return text  # `0_conv`: a letter no YAML 1.1 number or timestamp holds
        return scalars.read(_PlainScalar(text), (1, 1))  # a SourceError sends the file to the builder


class _PlainScalar:
    """What `ScalarReader.read` needs of a scalar event: a plain, untagged scalar."""

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
