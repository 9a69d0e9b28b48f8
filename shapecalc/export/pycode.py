"""Python source text that `ruff format --check` accepts as it is, at line length 88 or 100.

Every call with arguments is written one argument per line with a trailing
comma (ruff's "magic trailing comma" keeps such a call expanded whatever the
line length), short literals stay on one line, and long ones are expanded
the same way. Strings use double quotes, as ruff writes them.
"""

from __future__ import annotations

import keyword
import math
import re
from typing import Any

from shapecalc.textwidth import display_width as width  # columns, as ruff counts a line

INDENT = "    "
SHORT = 60  # a literal up to this long stays on one line (an indented line then stays under 88)
_NOT_IDENTIFIER = re.compile(r"\W")


class Code:
    """Source text standing for itself inside a literal (a variable, a call already written)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def literal(value: Any) -> str:
    """A Python literal for plain data, on one line."""
    if isinstance(value, Code):
        return value.text
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, float):
        if math.isinf(value):
            return 'float("inf")' if value > 0 else 'float("-inf")'
        if math.isnan(value):
            return 'float("nan")'
        return repr(value).replace("e+", "e")  # ruff writes 1e38, not 1e+38
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, tuple):
        inner = ", ".join(literal(item) for item in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{string(str(key))}: {literal(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"no literal for {type(value).__name__}")


def string(text: str) -> str:
    """A double-quoted string literal, as ruff writes one."""
    body = repr(text)
    if body.startswith("'"):
        inner = body[1:-1].replace('\\"', '"').replace("\\'", "'")
        inner = inner.replace('"', '\\"')
        return f'"{inner}"'
    return body


def value_lines(value: Any, indent: str) -> list[str]:
    """A value possibly spread over lines: the first line carries no indent, the rest carry `indent`."""
    text = literal(value)
    if width(text) <= SHORT or not isinstance(value, (list, tuple, dict)) or not value:
        return [text]
    opener, closer = ("[", "]") if isinstance(value, list) else ("(", ")") if isinstance(value, tuple) else ("{", "}")
    lines = [opener]
    items = value.items() if isinstance(value, dict) else [(None, item) for item in value]
    for key, item in items:
        head = f"{string(str(key))}: " if key is not None else ""
        inner = value_lines(item, indent + INDENT)
        lines.append(f"{indent}{INDENT}{head}{inner[0]}")
        lines.extend(inner[1:-1])
        if len(inner) > 1:
            lines.append(inner[-1])
        lines[-1] += ","
    lines.append(f"{indent}{closer}")
    return lines


WIDTH = 88  # ruff's default line length; code within it is also within the project's 100


def call_lines(function: str, positional: list[Any], keywords: dict[str, Any], indent: str,
               used: int | None = None) -> list[str]:
    """`function(...)` on one line when `used` columns (text before and after it on its line) leave room
    for it within WIDTH, else one argument per line with trailing commas. The first line carries no
    indent; the closing parenthesis line carries `indent`."""
    if not positional and not keywords:
        return [f"{function}()"]
    if used is not None and not any(_multiline(item) for item in [*positional, *keywords.values()]):
        inline = ", ".join([literal(item) for item in positional] + [f"{k}={literal(v)}" for k, v in keywords.items()])
        if used + width(function) + width(inline) + 2 <= WIDTH:
            return [f"{function}({inline})"]
    lines = [f"{function}("]
    arguments = [("", item) for item in positional] + [(f"{key}=", item) for key, item in keywords.items()]
    for head, item in arguments:
        inner = item_lines(item, indent + INDENT, len(indent + INDENT + head) + 1)
        lines.append(f"{indent}{INDENT}{head}{inner[0]}")
        lines.extend(inner[1:])
        lines[-1] += ","
    lines.append(f"{indent})")
    return lines


def _multiline(item: Any) -> bool:
    return isinstance(item, Call) or isinstance(item, list) and any(isinstance(element, Call) for element in item) \
        or width(literal(item)) > SHORT


def item_lines(item: Any, indent: str, used: int | None = None) -> list[str]:
    """A call, a list holding calls, or a plain value, over as many lines as it needs."""
    if isinstance(item, Call):
        return item.lines(indent, used)
    if isinstance(item, list) and any(isinstance(element, Call) for element in item):
        lines = ["["]
        for element in item:
            inner = item_lines(element, indent + INDENT, len(indent + INDENT) + 1)
            lines.append(f"{indent}{INDENT}{inner[0]}")
            lines.extend(inner[1:])
            lines[-1] += ","
        return [*lines, f"{indent}]"]
    return value_lines(item, indent)


class Call:
    """A call written over lines (an argument of another call: a wrapper's inner layer)."""

    def __init__(self, function: str, positional: list[Any] | None = None, keywords: dict[str, Any] | None = None):
        self.function = function
        self.positional = positional or []
        self.keywords = keywords or {}

    def lines(self, indent: str, used: int | None = None) -> list[str]:
        return call_lines(self.function, self.positional, self.keywords, indent, used)


def identifier(name: str, taken: set[str]) -> str:
    """A Python identifier for a layer name, unique among `taken` (which it joins)."""
    candidate = _NOT_IDENTIFIER.sub("_", name) or "_"
    if candidate[0].isdigit():
        candidate = f"_{candidate}"
    if keyword.iskeyword(candidate) or keyword.issoftkeyword(candidate):
        candidate += "_"
    base, number = candidate, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}_{number}"
    taken.add(candidate)
    return candidate


def assignment(target: str, render: Any, indent: str) -> list[str]:
    """`target = <value>` where `render(indent, used)` writes the value; when even its first line would pass
    WIDTH, the value goes inside parentheses on the next lines, as ruff writes a long right-hand side."""
    head = f"{indent}{target} = "
    lines = render(indent, width(head))
    if width(head) + width(lines[0]) <= WIDTH:
        return [head + lines[0], *lines[1:]]
    inner = render(indent + INDENT, len(indent + INDENT))
    return [f"{head}(", f"{indent}{INDENT}{inner[0]}", *inner[1:], f"{indent})"]
