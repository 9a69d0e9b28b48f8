"""`shapecalc summarize FILE`: the Keras-style table, totals and diagnostics, or the JSON document."""

from __future__ import annotations

import sys
from typing import Any

from shapecalc.commands.pipeline import accepted, analyze_path, report_internal_error
from shapecalc.render.terminal import wants_colour

RICH_ROWS = 1_000  # Rich lays out 5,000 rows in 1.5 s; past this a terminal gets the plain table


def keras_view(analysis: Any, expand: bool, indent: bool = True) -> Any:
    """Nested Keras models as Keras lists them (shapecalc/blocks/nested.py); other files as they are."""
    if analysis.framework != "keras" or not any(row.spec is not None and row.spec.block for row in analysis.rows):
        return analysis
    from shapecalc.blocks.nested import keras_view as view

    return view(analysis, expand, indent)


def run(path: str, output_format: str, depth: int | None = None, ignore: list[str] | None = None,
        select: list[str] | None = None, expand: bool = False, columns: list[str] | None = None) -> int:
    """Summarize one file; `depth` folds the table's rows below it into their block instances (the JSON
    keeps every layer, with its block path). Diagnostics the user accepted (`# shapecalc: ignore`,
    --ignore/--select, `[tool.shapecalc]`) are left out of every output. A Keras model holding models
    lists each as one row, as Keras does, and with `expand` its rows under it (expand_nested=True).
    `columns` chooses the table's columns (else `columns` in the configuration, else Keras's)."""
    from shapecalc.commands.config import ConfigError, config_for
    from shapecalc.commands.options import codes_option, columns_option

    accepting = (codes_option(ignore, "--ignore"), codes_option(select, "--select"))
    chosen = columns_option(columns)
    if None in accepting or chosen is None:
        return 2
    try:
        chosen = chosen or config_for(path).columns
        outcome, _ = accepted(analyze_path(path), *accepting)  # summarize fails on errors only
    except ConfigError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    except Exception as error:
        if output_format != "json":
            raise  # the entry point reports it in one line
        from shapecalc.render import json as json_render

        report_internal_error(path, error)  # and stdout still holds the one JSON document promised
        sys.stdout.write(json_render.render(json_render.failure_document(path, [])))
        return 2
    out = sys.stdout
    if output_format == "json":
        from shapecalc.render import json as json_render

        if outcome.analysis is not None:
            payload = json_render.document(keras_view(outcome.analysis, expand, indent=False))
        else:
            payload = json_render.failure_document(path, outcome.problems, outcome.framework)
        out.write(json_render.render(payload))
        return outcome.exit_code()
    if outcome.analysis is None:
        from shapecalc.render.text import diagnostic_line

        for problem in outcome.problems:
            sys.stderr.write(diagnostic_line(problem) + "\n")
        return outcome.exit_code()
    analysis = outcome.analysis
    if depth is not None:
        from shapecalc.blocks.depth import collapse

        analysis = collapse(analysis, depth)
    else:
        analysis = keras_view(analysis, expand)
    if wants_colour(out) and len(analysis.rows) <= RICH_ROWS:
        from shapecalc.render import rich_table

        rich_table.render(analysis, out, chosen or None)
    else:
        from shapecalc.render import text

        out.write(text.render(analysis, chosen or None))
    return outcome.exit_code()
