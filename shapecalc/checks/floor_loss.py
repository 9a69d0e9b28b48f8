"""SC201 pixels dropped by flooring, and SC302 strides that skip pixels: what one window layer does to its input.

A window of span k moving by s over i pixels (padded by lo, hi) makes
floor((i + lo + hi - k) / s) + 1 outputs; the last

    a = (i + lo + hi - k) mod s

pixels are read by no window. Pixels of padding lost that way cost nothing;
real pixels lost are reported at the layer (SC201) with the fixes that would
tile the input: `padding='same'` (Keras), `ceil_mode=True` or a padding
(PyTorch), or an input size to this layer that tiles exactly. A stride larger
than the window (s > k) skips s - k pixels between every two windows (SC302).
"""

from __future__ import annotations

from shapecalc.checks.analyzed import (
    AnalyzedModel,
    plural,
    real_losses,
    try_layer,
    unit_names,
    window_label,
)
from shapecalc.codes import INFO, WARNING, Code
from shapecalc.layers.base import Layer, Why
from shapecalc.model import Row
from shapecalc.shapes import Axis

SC201 = Code("SC201", WARNING, "pixels dropped by flooring: the windows do not tile the input",
             "pixels dropped by flooring: a pooling or strided layer whose windows do not tile its input, `a = (i + lo + hi - k) mod s`")
SC302 = Code("SC302", INFO, "stride larger than the window: some pixels are never read")


def run(model: AnalyzedModel) -> None:
    for row in model.analysis.rows:
        losses = real_losses(model, row)
        if losses:
            model.add("SC201", floor_message(model, row, losses), row)
        skipping = [(i, axis) for i, axis in enumerate(row.axes) if axis.span and axis.stride > axis.span]
        if skipping:
            model.add("SC302", skip_message(row, skipping), row)


def sizes_text(values: list) -> str:
    return "x".join("None" if v is None else str(v) for v in values)


def floor_message(model: AnalyzedModel, row: Row, losses: list[tuple[int, Axis, int]]) -> str:
    count = len(row.axes)
    window_axes = [axis for axis in row.axes if axis.span]
    before = sizes_text([axis.input for axis in window_axes])
    after = sizes_text([axis.size for axis in window_axes])
    lost_parts, working = [], []
    for index, axis, lost in losses:
        label = window_label(axis, index, count)
        lost_parts.append(plural(lost, unit_names(label, count)))
        padding_note = f", {axis.dropped - lost} of them padding" if axis.dropped != lost else ""
        working.append(f"{label}: a = {axis.remainder()}{padding_note}")
    first = losses[0][1]
    message = (
        f"{row.name} floors {before} -> {after}: its windows ({first.span} wide, stride {first.stride}) "
        f"do not tile the input, so the last {' and '.join(lost_parts)} "
        f"{'is' if len(losses) == 1 and losses[0][2] == 1 else 'are'} never read "
        f"({'; '.join(working)})"
    )
    fixes = floor_fixes(model, row, losses)
    return message + (f". Fix: {'; or '.join(fixes)}" if fixes else "")


def floor_fixes(model: AnalyzedModel, row: Row, losses: list[tuple[int, Axis, int]]) -> list[str]:
    """Changes to this layer that make its windows tile the input, each checked by recomputing it."""
    fixes = []
    layer = row.spec.layer if row.spec else None
    for update in candidate_updates(layer, losses) if layer is not None else []:
        why = Why()
        shape = try_layer(layer, row.input_shapes, why, update)
        if shape is None or isinstance(shape, list) or any(axis.lost for axis in why.axes):
            continue
        setting = ", ".join(f"{key}={value!r}" for key, value in update.items())
        fixes.append(f"{setting} gives {sizes_text([axis.size for axis in why.axes if axis.span])}")
        break
    tiling = {}
    for index, axis, lost in losses:
        lower, upper = axis.input - lost, axis.input + axis.stride - axis.dropped
        sizes = f"{lower} or {upper}" if lower >= axis.span else f"{upper}"
        tiling.setdefault(sizes, []).append(window_label(axis, index, len(row.axes)))
    if len(tiling) == 1:
        text = next(iter(tiling))
    else:
        text = ", ".join(f"{' and '.join(labels)} {sizes}" for sizes, labels in tiling.items())
    fixes.append(f"an input of {text} to this layer loses nothing")
    return fixes


def candidate_updates(layer: Layer, losses: list[tuple[int, Axis, int]]) -> list[dict]:
    """Argument changes worth trying: 'same' padding (Keras), ceil_mode or a padding (PyTorch)."""
    fields = type(layer).model_fields
    padding = getattr(layer, "padding", None)
    updates = []
    if "padding" in fields and padding == "valid" and type(layer).framework == "keras":
        updates.append({"padding": "same"})
    if "ceil_mode" in fields and getattr(layer, "ceil_mode", None) is False:
        updates.append({"ceil_mode": True})
    if "padding" in fields and isinstance(padding, int) and not isinstance(padding, bool):
        widest = max(axis.span for _, axis, _ in losses)
        updates.extend({"padding": p} for p in range(padding + 1, widest // 2 + 1))
    return updates


def skip_message(row: Row, skipping: list[tuple[int, Axis]]) -> str:
    count = len(row.axes)
    first = skipping[0][1]
    labels = [window_label(axis, index, count) for index, axis in skipping]
    units = " and ".join(unit_names(label, count)[1] for label in labels)
    working = "; ".join(axis.formula for _, axis in skipping)
    skipped = first.stride - first.span
    return (
        f"{row.name}: stride {first.stride} is larger than the {first.span}-pixel window, so {skipped} of every "
        f"{first.stride} {units} are never read ({working}); a window at least as large as the stride "
        f"reads every pixel"
    )
