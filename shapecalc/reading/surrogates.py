"""JSON's surrogate-pair escapes (`"\\ud83d\\ude00"`, one emoji) read through a YAML parser that refuses them.

JSON writes a character beyond U+FFFF as two `\\uXXXX` escapes, a UTF-16
surrogate pair, and Python's `json.dumps` (so Keras's `to_json()`) always
does. YAML is meant to read JSON, but libyaml (PyYAML's C parser) refuses any
surrogate escape, and PyYAML's pure-Python parser decodes each half alone, to
two lone surrogates that are not text. So the escapes are handled here,
around the parser, without moving a single character:

- Before parsing, each surrogate escape `\\uD83D` becomes `\\uE83D` (its first
  hex digit D made E, in the same case): an escape of a private-use
  character, the same length, so every line:column stays where it was.
- Each scalar the parser gives back is mapped back (`restore`): in a
  double-quoted scalar, where the escape was decoded, characters
  U+E800..U+EFFF are the surrogates again, and a high surrogate followed
  by a low one becomes the character they encode, as `json.loads` does;
  in any other scalar (plain, single-quoted, block), where a backslash is
  no escape, the text `\\uE83D` is put back as it was written.
- A surrogate without its partner (`"\\ud800"`) is not text: a SourceError
  at the escape.

The mapping is unambiguous only when the file holds nothing of its own in
that range: no character U+E800..U+EFFF and no text `\\uE8xx`..`\\uEFxx` or
`\\U0000E8xx`..., in any context. A file that does (none is known in
practice) is read by PyYAML's pure-Python parser instead (`needs_python`),
slower, whose lone halves are joined the same way.
"""

from __future__ import annotations

import re

from shapecalc.reading.document import Position, SourceError, offset_to_position

# An escape of a surrogate, preceded by an even number of backslashes (`\\\\uD83D` is a backslash and text).
_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u([dD])([89a-fA-F][0-9a-fA-F]{2})")
# What the file could hold of its own that the placeholders would be mistaken for.
_OWN_PLACEHOLDERS = re.compile(r"[\ue800-\uefff]|\\u[eE][89a-fA-F]|\\U0000[eE][89a-fA-F]")
_PLACEHOLDER_TEXT = re.compile(r"\\u([eE])([89a-fA-F][0-9a-fA-F]{2})")
_PLACEHOLDER_CHARACTERS = re.compile("[\ue800-\uefff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SHIFT = 0x1000  # U+D800..U+DFFF <-> U+E800..U+EFFF
DOUBLE_QUOTED = '"'


class SurrogateEscapes:
    """The surrogate escapes of one text: the text the parser reads, and how its scalars are restored."""

    def __init__(self, text: str):
        self.original = text
        self.needs_python = bool(_OWN_PLACEHOLDERS.search(text))
        self.text = text if self.needs_python else _ESCAPE.sub(_to_placeholder, text)

    @staticmethod
    def of(text: str) -> SurrogateEscapes | None:
        """None for the usual text without a surrogate escape (a quick look for `\\u` first)."""
        if "\\u" not in text or _ESCAPE.search(text) is None:
            return None
        return SurrogateEscapes(text)

    def restore(self, value: str, style: str | None, span: tuple[int, int], where: Position) -> str:
        """A scalar's value as the file means it; `span` is its offsets in the text, `where` its position."""
        if style != DOUBLE_QUOTED:
            if self.needs_python or "\\u" not in value:
                return value
            return _PLACEHOLDER_TEXT.sub(_from_placeholder, value)
        if not self.needs_python:
            value = _PLACEHOLDER_CHARACTERS.sub(lambda match: chr(ord(match.group()) - _SHIFT), value)
        if _SURROGATE.search(value) is None:
            return value
        return self.joined(value, span, where)

    def joined(self, value: str, span: tuple[int, int], where: Position) -> str:
        """Pairs joined into the characters they encode; a lone half is an error at its escape."""
        try:
            return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        except UnicodeDecodeError:
            lone = self.lone_escape(span)
            code, at = lone if lone is not None else (ord(_SURROGATE.search(value).group()), where)  # type: ignore[union-attr]
            half = "high" if code < 0xDC00 else "low"
            partner = "a low surrogate after it" if half == "high" else "a high surrogate before it"
            raise SourceError(f"the escape \\u{code:04x} is a lone {half} surrogate (U+{code:04X}) without "
                              f"{partner}: it is half of a character, not text", *at) from None

    def lone_escape(self, span: tuple[int, int]) -> tuple[int, Position] | None:
        """The first escape in the scalar's text that is not half of an adjacent high-low pair, and where."""
        start, end = span
        escapes = [(match.end(1), int(match.group(2) + match.group(3), 16))
                   for match in _ESCAPE.finditer(self.original, start, end)]
        index = 0
        while index < len(escapes):
            offset, code = escapes[index]
            following = escapes[index + 1] if index + 1 < len(escapes) else None
            if code < 0xDC00 and following is not None and following[0] == offset + 6 and following[1] >= 0xDC00:
                index += 2
                continue
            return code, offset_to_position(self.original, offset)
        return None


def _to_placeholder(match: re.Match[str]) -> str:
    return f"{match.group(1)}\\u{'e' if match.group(2) == 'd' else 'E'}{match.group(3)}"


def _from_placeholder(match: re.Match[str]) -> str:
    return f"\\u{'d' if match.group(1) == 'e' else 'D'}{match.group(2)}"
