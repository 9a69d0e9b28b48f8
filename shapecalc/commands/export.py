"""`shapecalc export MODEL --to keras|pytorch [-o FILE]`: the model as framework code (see shapecalc/export/).

Exit 0 with the module written (to FILE, all at once, or to stdout); exit 2
with the reason on stderr when the model does not read cleanly or cannot be
written correctly for the target.
"""

from __future__ import annotations

import sys


def run(path: str, target: str, output: str | None) -> int:
    from shapecalc.commands.convert import write_whole
    from shapecalc.export import ExportRefused, export_text

    try:
        text = export_text(path, target)
    except ExportRefused as refused:
        sys.stderr.write(f"{refused}\n" if "\n" in str(refused) else f"shapecalc export: {refused}\n")
        return 2
    if output is None:
        sys.stdout.write(text)
        return 0
    return write_whole(output, text)
