"""A FitReport as aligned text lines (styled on a terminal) or as one JSON document: layout only, no search."""

from __future__ import annotations

from typing import Any

from shapecalc.fit.search import AxisFit, FitReport, fraction_text
from shapecalc.render.terminal import StyledLine

LISTED = 8  # sizes listed when there is no rule


def shape_text(shape: tuple | None) -> str:
    return "[" + ", ".join("null" if d is None else str(d) for d in shape or ()) + "]"


def works_text(axis: AxisFit, report: FitReport) -> str:
    if not axis.valid:
        return f"none in {report.low}..{report.high}"
    if axis.rule is not None:
        return axis.rule.text(axis.label)
    shown = ", ".join(str(s) for s in axis.valid[:LISTED])
    more = f", ... ({len(axis.valid)} in all)" if len(axis.valid) > LISTED else ""
    return f"only {shown}{more}"


def declared_text(axis: AxisFit) -> str:
    if axis.declared is None:
        return "null"
    return f"{axis.declared} {'✓' if axis.declared_verdict is None else '✗'}"


def nearest_text(axis: AxisFit) -> str:
    if axis.declared is None:
        return "smallest " + ", ".join(str(s) for s in axis.valid[:3]) if axis.valid else "-"
    sizes = [s for s in axis.nearest if s is not None]
    return ", ".join(str(s) for s in sizes) if sizes else "-"


def why_not(axis: AxisFit) -> str | None:
    """Why the declared size does not work, in a few words."""
    verdict = axis.declared_verdict
    if verdict is None:
        return None
    if verdict.computes and axis.relation is not None:
        wanted = fraction_text(axis.relation.ratio * verdict.size)
        return f"{axis.declared} does not work: the output comes out {axis.declared_output}, not {wanted}"
    if verdict.problem == "floors":
        return f"{axis.declared} does not work: {verdict.layer} floors"
    return f"{axis.declared} does not work: {verdict.layer}: {verdict.problem}"


def failure_text(axis: AxisFit) -> str | None:
    """What stops most sizes of an axis where none works."""
    verdict = axis.failure
    if verdict is None:
        return None
    if verdict.problem == "floors":
        return f"most sizes stop at {verdict.layer}, which floors (e.g. at {verdict.size})"
    return f"most sizes stop at {verdict.layer} (e.g. at {verdict.size}): {verdict.problem}"


def text_lines(report: FitReport, path: str) -> list[StyledLine]:
    held = ("the others held at their declared sizes (or at the same size where unknown)"
            if any(a.others_known for a in report.axes) else "the others left unknown")
    lines: list[StyledLine] = [
        (f"{path}: {report.model} ({report.framework}), input {report.input_name} {shape_text(report.declared)}", "bold"),
        (f"sizes {report.low}..{report.high} tried on each spatial axis, one axis at a time ({held})", ""),
    ]
    if report.unknown:
        lines.append(("the input's size is unknown (null) on some axis: searched the default range "
                      f"{report.low}..{report.high} there", "yellow"))
    header = ("axis", "sizes that work", "output", "declared", "nearest")
    rows = [(a.label, works_text(a, report), a.relation.text(a.label) if a.relation else "-", declared_text(a),
             nearest_text(a)) for a in report.axes]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines.append(("", ""))
    lines.append(("  ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True)).rstrip(), "bold"))
    for axis, row in zip(report.axes, rows, strict=True):
        style = "red" if not axis.valid else ("green" if axis.declared_verdict is None else "yellow")
        lines.append(("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip(), style))
        for reason in (why_not(axis), failure_text(axis)):
            if reason:
                lines.append((" " * (widths[0] + 2) + reason, ""))
    lines.append(("", ""))
    lines.append(proposal_line(report))
    return lines


def proposal_line(report: FitReport) -> StyledLine:
    if report.proposal is None:
        missing = ", ".join(a.label for a in report.axes if not a.valid)
        return f"no size of {missing} works in {report.low}..{report.high}: try another range (--min-size/--max-size)", "red"
    shown = shape_text(report.proposal)
    if report.proposal == report.declared:
        what = "the declared input works"
    else:
        what = f"{'an' if report.unknown else 'the nearest'} input that works: {shown}"
    if report.proposal_problems:
        return f"{what}, but the full model at {shown} says: {'; '.join(report.proposal_problems)}", "red"
    return f"{what} (re-run through the engine at {shown}: computes, no layer floors)", "green"


def document(report: FitReport, path: str) -> dict[str, Any]:
    return {
        "path": path,
        "model": report.model,
        "framework": report.framework,
        "input": {"name": report.input_name, "declared": list(report.declared)},
        "range": [report.low, report.high],
        "unknown_sizes": report.unknown,
        "axes": [axis_json(axis) for axis in report.axes],
        "proposal": list(report.proposal) if report.proposal is not None else None,
        "proposal_checked": report.proposal_checked,
        "proposal_problems": report.proposal_problems,
        "diagnostics": [],
    }


def axis_json(axis: AxisFit) -> dict[str, Any]:
    below, above = axis.nearest
    relation = axis.relation
    return {
        "axis": axis.label,
        "position": axis.position,
        "declared": axis.declared,
        "declared_works": None if axis.declared is None else axis.declared_verdict is None,
        "why_not": why_not(axis),
        "why_none": failure_text(axis),
        "others": "declared" if axis.others_known else "unknown",
        "rule": axis.rule.as_json(axis.label) if axis.rule is not None else None,
        "output": None if relation is None else {
            "text": relation.text(axis.label), "ratio": fraction_text(relation.ratio), "offset": _plain(relation.offset),
            "required": relation.required},
        "nearest": {"below": below, "above": above},
        "valid_sizes": axis.valid,
    }


def _plain(value: Any) -> int | str:
    """An offset as JSON: an integer when whole, else "p/q"."""
    return int(value) if value.denominator == 1 else fraction_text(value)


def render_json(payload: dict[str, Any]) -> str:
    """One document, one axis per line, as `summarize --format json` lays out its layers."""
    from shapecalc.render import json as json_render

    return json_render.render(payload)
