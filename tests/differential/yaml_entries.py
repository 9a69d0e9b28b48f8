"""Where a model file's layer entries are written, read with PyYAML's own composer (not shapecalc's reader)."""

from __future__ import annotations

from pathlib import Path

import yaml


def entry_span(path: Path, index: int) -> tuple[int, int]:
    """First and last line (1-based) of the index-th layer entry."""
    root = yaml.compose(path.read_text())
    for key, value in root.value:
        if key.value == "layers":
            node = value.value[index]
            last = node.end_mark.line + (1 if node.end_mark.column else 0)
            return node.start_mark.line + 1, max(last, node.start_mark.line + 1)
    raise AssertionError("no layers")
