"""How many terminal columns a text takes: what a table pads and wraps by, and exported code is laid out by.

A CJK character or an emoji takes two columns and a combining mark none, so
`len()` misaligns every row after a layer named `卷积层`, and writes exported
lines that ruff (which counts columns the same way) would wrap. Keras draws its
summary with Rich, so Rich's count (`rich.cells.cell_len`, a runtime
dependency already) is the one that lines up with it, down to Rich's Unicode
tables; it is imported only for a text that is not ASCII, which is counted by
`len()` without looking at a character.
"""

from __future__ import annotations


def display_width(text: str) -> int:
    """Terminal columns of `text` (on one line)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def pad(text: str, width: int, align: str) -> str:
    """`text` padded with spaces to `width` columns, on the right or (align "right") on the left."""
    spaces = " " * max(0, width - display_width(text))
    return spaces + text if align == "right" else text + spaces
