"""`shapecalc fit MODEL`: which input sizes the model takes, per spatial axis, as a rule, with the nearest ones.

Exit codes (SPEC §3): 2 for a file that does not read or validate (as
`summarize`), or a model or request fit cannot answer (several inputs, no
spatial axis, a bad --ratio or range); 1 when some axis has no size that
works in the range; else 0. Shape errors at the declared size do not stop
it: finding the sizes without them is the point.
"""

from __future__ import annotations

import sys
from fractions import Fraction

from shapecalc.commands.pipeline import analyze_path, report_internal_error


def run(path: str, output_format: str = "text", ratio: str | None = None, min_size: int | None = None,
        max_size: int | None = None) -> int:
    stated = parse_ratio(ratio)
    if ratio is not None and stated is None:
        sys.stderr.write(f"shapecalc fit: --ratio {ratio!r} is not a positive number or fraction (1, 2, 1/2, 0.5)\n")
        return 2
    try:
        outcome = analyze_path(path)
    except Exception as error:
        if output_format != "json":
            raise  # the entry point reports it in one line
        from shapecalc.render import json as json_render

        report_internal_error(path, error)
        sys.stdout.write(json_render.render(json_render.failure_document(path, [])))
        return 2
    if outcome.analysis is None or outcome.spec is None:
        return refused_file(outcome, path, output_format)
    from shapecalc.fit.render import document, render_json, text_lines
    from shapecalc.fit.search import Refusal, fit

    try:
        report = fit(outcome.spec, outcome.analysis, min_size, max_size, stated)
    except Refusal as refusal:
        sys.stderr.write(f"{path}: shapecalc fit: {refusal}\n")
        return 2
    if output_format == "json":
        sys.stdout.write(render_json(document(report, path)))
    else:
        from shapecalc.render.terminal import write_styled

        write_styled(text_lines(report, path), sys.stdout)
    return 0 if report.answered else 1


def refused_file(outcome, path: str, output_format: str) -> int:
    """A file that does not read or validate: its located problems, as `summarize` gives them."""
    if output_format == "json":
        from shapecalc.render import json as json_render

        sys.stdout.write(json_render.render(json_render.failure_document(path, outcome.problems, outcome.framework)))
    else:
        from shapecalc.render.lines import diagnostic_line

        for problem in outcome.problems:
            sys.stderr.write(diagnostic_line(problem) + "\n")
    return outcome.exit_code()


def parse_ratio(text: str | None) -> Fraction | None:
    """`2`, `1/2` or `0.5` as an exact positive fraction; None if it is none of those."""
    if text is None:
        return None
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        return None
    return value if value > 0 else None
