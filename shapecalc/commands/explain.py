"""`shapecalc explain FILE [--layer NAME]`: the arithmetic behind every layer's shape and parameter count.

For each layer: what it receives, each spatial axis's formula with the
numbers put in (`H: floor((28 + 1 + 1 - 3) / 1) + 1 = 28`), the parameter
count written out (`params: 3*3*1*32 + 32 = 320`), what it gives, and the
diagnostics found at it. Plain text when piped; colour on a terminal unless
NO_COLOR is set. User text is never read as Rich markup.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterator

from shapecalc.commands.pipeline import analyze_path
from shapecalc.diagnostics import Diagnostic
from shapecalc.model import Analysis, Row
from shapecalc.render.summary import macs_line, memory_lines, readable_size, shape_text
from shapecalc.render.terminal import StyledLine, write_styled

Line = StyledLine

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def run(path: str, layer: str | None = None) -> int:
    outcome = analyze_path(path)
    if outcome.analysis is None:
        from shapecalc.render.lines import diagnostic_line

        for problem in outcome.problems:
            sys.stderr.write(diagnostic_line(problem) + "\n")
        return outcome.exit_code()
    analysis = outcome.analysis
    if layer is not None and analysis.row(layer) is None and not layer_diagnostics(analysis, layer):
        sys.stderr.write(unknown_layer(analysis, layer) + "\n")
        return 2
    write_styled(list(explain_lines(analysis, layer)), sys.stdout)
    return outcome.exit_code()


def unknown_layer(analysis: Analysis, name: str) -> str:
    names = [row.name for row in analysis.rows]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else f"; its layers are: {', '.join(names[:12])}" + (
        ", ..." if len(names) > 12 else "")
    return f"shapecalc explain: {analysis.path} has no layer named {name!r}{hint}"


def layer_diagnostics(analysis: Analysis, name: str) -> list[Diagnostic]:
    return [d for d in analysis.diagnostics if d.layer == name]


def explain_lines(analysis: Analysis, only: str | None = None) -> Iterator[Line]:
    """The explanation as styled lines: a header, one block per layer, the totals."""
    yield (f'Model: "{analysis.model}" ({analysis.framework})', "bold")
    if only is None:
        yield from batch_note(analysis)
    shown = {row.name for row in analysis.rows}
    for row in analysis.rows:
        if only is None or row.name == only:
            yield ("", "")
            yield from row_lines(analysis, row)
    failed = [d for d in analysis.diagnostics if d.layer and d.layer not in shown and (only in (None, d.layer))]
    for diagnostic in failed:
        yield ("", "")
        yield (f"{diagnostic.layer}  (line {diagnostic.line}:{diagnostic.column}): not computed", "bold")
        yield from diagnostic_lines([diagnostic])
    if only is None:
        yield ("", "")
        totals = analysis.totals
        of = " of the layers before the error" if analysis.partial_totals else ""
        yield (f"Total params{of}: {totals.total:,} ({readable_size(totals.total)}): "
               f"{totals.trainable:,} trainable, {totals.non_trainable:,} non-trainable", "bold")
        memory = [] if analysis.partial_totals else memory_lines(analysis.memory)  # no model, no estimate
        for line in (macs_line(analysis.total_macs).replace("Total MACs", f"Total MACs{of}", 1), *memory):
            yield (line, "bold")
        unplaced = [d for d in analysis.diagnostics if not d.layer]
        yield from diagnostic_lines(unplaced)


def batch_note(analysis: Analysis) -> Iterator[Line]:
    """What the first axis of every shape is, since 'what is None?' is the first question people ask."""
    first = analysis.rows[0].main_shape if analysis.rows else ()
    if not first:
        return
    if first[0] is None:
        yield ("The first axis of every shape is the batch: None means any batch size, fixed only when "
               "the model is called on data (write `batch: N` in the file to see a number there).", "dim")
    else:
        yield (f"The first axis of every shape is the batch: {first[0]}, from `batch:` in the file.", "dim")


def row_lines(analysis: Analysis, row: Row) -> Iterator[Line]:
    yield (f"{row.name} ({row.type})  line {row.line}:{row.column}", "bold")
    if row.spec is None:
        yield (f"  input shape {shape_text(row.output_shape)}", "")
        return
    for index, shape in enumerate(row.input_shapes):
        source = f"  from {row.inputs[index]}" if index < len(row.inputs) and len(row.input_shapes) > 1 else ""
        yield (f"  input   {shape_text(shape)}{source}", "")
    steps = [step for step in row.steps if not step.startswith("params:")]
    for step in steps:
        yield (f"  {step}", "")
    yield (f"  output  {shape_text(row.output_shape)}", "cyan")
    yield (f"  {params_text(row)}", "green")
    yield from diagnostic_lines(layer_diagnostics(analysis, row.name))


def params_text(row: Row) -> str:
    """The parameter step as the layer wrote it, and how the count splits."""
    written = next((step for step in row.steps if step.startswith("params:")), None)
    params = row.params
    text = written or f"params: {params.total:,}"
    if row.spec is not None and not row.spec.keys.trainable and params.total:
        text += " (trainable: false, so all non-trainable)"
    elif params.non_trainable and params.trainable:
        text += f" ({params.trainable:,} trainable, {params.non_trainable:,} non-trainable)"
    elif params.non_trainable:
        text += " (non-trainable)"
    return text


def diagnostic_lines(diagnostics: list[Diagnostic]) -> Iterator[Line]:
    for d in diagnostics:
        yield (f"  {d.severity.value}[{d.code}] {d.message}", SEVERITY_STYLE[d.severity.value])
