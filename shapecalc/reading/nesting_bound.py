"""Picks the YAML loader for the event builder so that our nesting bound acts before the parser's own.

The event builder refuses the 65th level of nesting when it sees the event
that opens it. The parser's scanner, though, reads ahead of the events it has
handed out: a flow collection may turn out to be a mapping key, so the scanner
holds tokens back until the end of the line (YAML's implicit keys are one
line long). On a line of 1,000 `[`, the C scanner of PyYAML 6.0.4 (libyaml)
reached its own limit of 1,000 levels before the builder saw level 65, and the
user got libyaml's message at column 1001 instead of ours at column 65.

So a line with more flow openers than the bound is read by PyYAML's
pure-Python loader, whose scanner checks the bound itself: at the first flow
opener past it, the scan stops, and the text up to that opener is read again
(it holds no line deeper than the bound any more), so the builder refuses the
file at exactly the place it would have with an unlimited parser. Every other
file keeps the C loader, whose look-ahead then stays within one line of at
most MAX_DEPTH openers: the scanner is never more than 2 x MAX_DEPTH levels
deep when the builder refuses, far below any parser's limit (libyaml's is
1,000). The bound is ours whatever PyYAML's version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from shapecalc.reading.document import MAX_DEPTH, SourceError

T = TypeVar("T")


def build_bounded(text: str, build: Callable[[str, Any], T], python_only: bool = False) -> T:
    """`build(text, loader_class)` with a loader class that cannot outrun the nesting bound;
    `python_only` asks for PyYAML's pure-Python loader whatever the text (surrogates.py)."""
    import yaml

    if not python_only and not _has_line_deeper_than_bound(text):
        return build(text, getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:
        return build(text, _bounded_python_loader())
    except _ScannerPastBound as past:
        build(text[: past.index + 1], yaml.SafeLoader)  # refuses at or before that opener
        raise SourceError(f"the file nests deeper than {MAX_DEPTH} levels", *past.where, code="SC008") from None


def _has_line_deeper_than_bound(text: str) -> bool:
    """True when some line holds more `[` and `{` than MAX_DEPTH (counted in any context: an upper bound)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    return any(line.count("[") + line.count("{") > MAX_DEPTH for line in text.split("\n"))


class _ScannerPastBound(Exception):
    """The scanner met a flow opener past the bound: where, as an offset and as line:column."""

    def __init__(self, index: int, where: tuple[int, int]):
        super().__init__(index)
        self.index = index
        self.where = where


_BOUNDED_LOADER: Any = None


def _bounded_python_loader() -> Any:
    """PyYAML's pure-Python safe loader whose scanner stops at the flow opener past MAX_DEPTH."""
    global _BOUNDED_LOADER
    if _BOUNDED_LOADER is None:
        import yaml

        class BoundedSafeLoader(yaml.SafeLoader):
            def fetch_flow_collection_start(self, TokenClass: Any) -> None:  # noqa: N803 (PyYAML's name)
                if self.flow_level >= MAX_DEPTH:
                    raise _ScannerPastBound(self.index, (self.line + 1, self.column + 1))
                super().fetch_flow_collection_start(TokenClass)

        _BOUNDED_LOADER = BoundedSafeLoader
    return _BOUNDED_LOADER
