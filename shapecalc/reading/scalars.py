"""Plain scalars with YAML 1.1 safe-loading rules, shared by both readers; exotic tags and values refused.

PyYAML's resolver and SafeConstructor decide what a scalar is; names and
small integers, most of any model file, are answered before them.
"""

from __future__ import annotations

import re
from typing import Any

from shapecalc.reading import document
from shapecalc.reading.document import Position, SourceError

# Text a terminal or a `path:line:col:` line could misread: control characters
# other than tab and newline, and lone surrogates (not text at all).
_UNSAFE_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# YAML 1.1 reads `1e-3` and `1.0E5` as text; JSON and YAML 1.2 read them as numbers.
_EXPONENT_FLOAT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+")
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


def refused_tag(tag: str, where: Position) -> SourceError:
    return SourceError(f"YAML tag {tag!r} is not allowed in a model file (only plain data is read)", *where)


def mark_of(event: Any) -> Position:
    """Where a parser event starts, 1-based."""
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


# YAML 1.1's booleans and nulls, looked up before its regular expressions are tried.
PLAIN_WORDS: dict[str, Any] = {
    **dict.fromkeys(["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"], True),
    **dict.fromkeys(["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"], False),
    **dict.fromkeys(["null", "Null", "NULL", "~", ""], None),
}


# The first characters PyYAML's YAML 1.1 resolver looks at (its implicit resolvers' keys):
# a plain scalar starting otherwise stays text. Written out so that reading a file of the
# plain subset never imports yaml; tests/unit/test_source.py checks both against PyYAML.
RESOLVED_INITIALS = frozenset(["", *"!&*+-.0123456789<=FNOTYfnoty~"])
# Initials the resolver looks at only for YAML 1.1's booleans and nulls: one
# `PLAIN_WORDS` lookup gives its answer for one-line text.
WORD_INITIALS = frozenset("FNOTYfnoty")


class ScalarReader:
    """Gives a scalar event its plain value with YAML 1.1 safe-loading rules, refusing the exotic ones.

    Most scalars are names or small decimal integers, so those skip PyYAML's
    regex resolver; everything else goes through it and SafeConstructor,
    which are made (and yaml imported) on the first scalar that needs them.
    """

    first_characters = RESOLVED_INITIALS
    word_initials = WORD_INITIALS

    def __init__(self, escapes: Any = None) -> None:
        self.resolver: Any = None
        self.escapes = escapes  # the text's surrogate escapes (surrogates.py), None when it has none

    def load_yaml(self) -> None:
        """PyYAML's resolver and safe constructors, for the scalars the shortcuts do not answer."""
        import yaml

        self.yaml = yaml
        self.resolver = yaml.resolver.Resolver()
        constructor = yaml.constructor.SafeConstructor()
        self.converters = {
            "tag:yaml.org,2002:int": constructor.construct_yaml_int,
            "tag:yaml.org,2002:float": constructor.construct_yaml_float,
            "tag:yaml.org,2002:bool": constructor.construct_yaml_bool,
            "tag:yaml.org,2002:null": constructor.construct_yaml_null,
        }

    def read(self, event: Any, where: Position) -> Any:
        text = event.value
        if self.escapes is not None:
            span = (event.start_mark.index, event.end_mark.index)
            text = self.escapes.restore(text, event.style, span, where)
        if len(text) > document.MAX_STRING:
            raise SourceError(
                f"a value of {len(text):,} characters is longer than the {document.MAX_STRING:,} allowed",
                *where,
                code="SC008",
            )
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return checked_text(text, where)  # quoted, or tagged `!`: text as written
            if text[:1] not in self.first_characters:
                return checked_text(text, where)
            if text.isdigit() and text.isascii() and (text[0] != "0" or len(text) == 1):
                return int(text) if len(text) < 19 else _checked_int(text, where, lambda: int(text))
            if text in PLAIN_WORDS:
                return PLAIN_WORDS[text]
            if self.resolver is None:
                self.load_yaml()
            tag = self.resolver.resolve(self.yaml.ScalarNode, text, (True, False))
            if tag == "tag:yaml.org,2002:str" and _EXPONENT_FLOAT.fullmatch(text):
                return float(text)
        elif tag not in _SCALAR_TAGS:
            raise refused_tag(tag, where)
        elif self.resolver is None:
            self.load_yaml()
        if tag == "tag:yaml.org,2002:merge":
            raise SourceError(
                "YAML merge keys (`<<: *anchor`) are not supported in a model file: write the arguments out",
                *where,
            )
        convert = self.converters.get(tag)
        if convert is None:  # text, and timestamps and the like: the schema says what it expected
            return checked_text(text, where)
        node = self.yaml.ScalarNode(tag, text, event.start_mark, event.end_mark)
        if tag == "tag:yaml.org,2002:int":
            return _checked_int(text, where, lambda: convert(node))
        try:
            return convert(node)
        except (ValueError, KeyError, TypeError, IndexError, ArithmeticError):
            kind = tag.rsplit(":", 1)[-1]
            raise SourceError(f"{clipped(text)!r} is not a valid {kind}", *where) from None


def _checked_int(text: str, where: Position, convert: Any) -> int:
    """An integer within 64 bits: larger ones mean nothing to a framework and may not even print."""
    too_large = SourceError(
        f"the integer {clipped(text)} does not fit in {document.MAX_INT_BITS} bits; no layer argument can be that large",
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
        raise SourceError(f"{clipped(text)!r} is not a valid integer", *where) from None
    if value.bit_length() > document.MAX_INT_BITS:
        raise too_large
    return value


def clipped(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "..."


def checked_text(text: str, where: Position) -> str:
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


