"""What a terminal gets: colour only when wanted, and styled lines written through Rich."""

from __future__ import annotations

import os
from typing import TextIO

StyledLine = tuple[str, str]  # text, Rich style ("" for plain)


def wants_colour(stream: object) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def write_styled(lines: list[StyledLine], stream: TextIO) -> None:
    """Plain text when piped; on a terminal each line in its style. User text is never read as markup."""
    if not wants_colour(stream):
        stream.write("".join(text + "\n" for text, _ in lines))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for text, style in lines:
        console.print(Text(text, style=style))
