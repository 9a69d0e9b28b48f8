"""SC202 the loss that shows up later, and the cause of a failed `expect` (SC104) when it is lost pixels.

An encoder-decoder whose output comes back smaller than its input (28 -> ...
-> 24) lost pixels to flooring somewhere on the way down, and every later
upsampling multiplied the loss. For each layer that floored on the path to
the output, its share of the missing pixels is

    share = a / s * up / down

(a pixels dropped at a window of stride s, `up` the product of the later
exact upsampling factors, `down` of the later exact downsampling factors):
7 -> 3 drops 1 of stride 2, three UpSampling2D(2) multiply by 8: 1/2 * 8 = 4.
The comparison holds only along axes that stay themselves: a layer that
rearranges axes (Permute, Reshape, Flatten, a torch Linear over the last
axis) ends it, so flooring before one is not traced through it. A share is
a whole number of pixels, or the flooring does not explain the difference
and nothing is claimed. Every fix offered is checked by re-running the
model with it, and offered only if the output then has the size wanted:
the nearest input sizes that lose nothing, `padding='same'` (or ceil_mode)
on the flooring layer, and the padding or cropping at the end.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from shapecalc.checks.analyzed import (
    AnalyzedModel,
    axis_label,
    plural,
    real_losses,
    reanalyze,
    spatial,
    try_layer,
    unit_names,
    variant,
)
from shapecalc.checks.floor_loss import candidate_updates
from shapecalc.codes import WARNING, Code, Severity
from shapecalc.model import Row
from shapecalc.shapes import format_shape

SC202 = Code("SC202", WARNING, "output spatial size differs from the input's: pixels lost earlier, multiplied by upsampling",
             "the output's spatial size differs from the input's: the layers that lost pixels, how later upsampling multiplied the loss, and input sizes that lose nothing")

SEARCH_STEPS = 64
MAX_TRACED = 20  # flooring layers named in one message, at most


@dataclasses.dataclass
class Loss:
    """One flooring layer's part in a lost-pixel difference."""

    row: Row
    axes: list[tuple[int, int, int]]  # (model spatial axis, pixels lost, stride)
    uppers: list[Row]
    share: Fraction


def run(model: AnalyzedModel) -> None:
    for diagnostic in [d for d in model.diagnostics if d.code == "SC103" and d.layer is not None]:
        explain_merge(model, diagnostic)
    for diagnostic in [d for d in model.diagnostics if d.code == "SC104" and d.layer in model.rows]:
        row = model.rows[diagnostic.layer]
        explain_failed_expect(model, row, diagnostic, expected_shape(model, row, diagnostic))
    for output in model.output_rows():
        report_shrunk_output(model, output)


def expected_shape(model: AnalyzedModel, row: Row, diagnostic) -> list | None:
    """The `expect` a failed SC104 is about: the layer's own (at the layer) or the model's `expect.output`."""
    own = row.spec.keys.expect if row.spec is not None else None
    if own is not None and (diagnostic.line, diagnostic.column) == (row.line, row.column):
        return own
    return model.spec.expect_output


def report_shrunk_output(model: AnalyzedModel, output: Row) -> None:
    """SC202 at the output of an encoder-decoder whose output spatial size differs from its input's."""
    found = model.model_input(output)
    if found is None or isinstance(output.output_shape, list):
        return
    _, input_shape = found
    if rearranging_rows(model, model.ancestors(output.name)):
        return  # the output's axes are not the input's: their sizes do not compare
    before, after = spatial(input_shape, model.layout), spatial(output.main_shape, model.layout)
    differing = [j for j in range(len(before)) if len(after) == len(before) and None not in (before[j], after[j])
                 and before[j] != after[j]]
    if not differing:
        return
    losses = trace(model, output, differing)
    if not any(loss.uppers for loss in losses):
        return  # a shrinking encoder, or valid convolutions by design (U-Net): nothing lost to flooring
    message = (
        f"the output {format_shape(output.main_shape)} is "
        f"{'smaller than' if all(after[j] < before[j] for j in differing) else 'not the size of'} "
        f"the input {format_shape(input_shape)} ({difference_text(before, after, differing)}): "
        f"{trace_text(model, losses)}{share_note(losses, before[differing[0]] - after[differing[0]])}"
    )
    fixes = fixes_text(model, output, losses, before, after, differing, target=before)
    model.add("SC202", message + (f". Fix: {fixes}" if fixes else ""), output)


def explain_failed_expect(model: AnalyzedModel, output: Row, diagnostic, target: list | None) -> None:
    """Point a failed `expect` at the layers that lost the pixels, when that is the cause."""
    if isinstance(output.output_shape, list):
        return
    if not target or isinstance(target[0], list):
        return
    wanted = spatial((None, *target), model.layout)
    got = spatial(output.main_shape, model.layout)
    if len(wanted) != len(got):
        return
    differing = [j for j in range(len(got)) if None not in (wanted[j], got[j]) and wanted[j] != got[j]]
    losses = trace(model, output, differing) if differing else []
    if not losses or sum(loss.share for loss in losses) != wanted[differing[0]] - got[differing[0]]:
        return  # the lost pixels are not what makes the expectation fail
    found = model.model_input(output)
    fixes = ""
    if found is not None:
        before = spatial(found[1], model.layout)
        fixes = fixes_text(model, output, losses, before, got, differing, match_input=False, target=wanted)
    cause = f"; cause: {trace_text(model, losses)}" + (f". Fix: {fixes}" if fixes else "")
    model.diagnostics[model.diagnostics.index(diagnostic)] = dataclasses.replace(
        diagnostic, message=diagnostic.message + cause)


def explain_merge(model: AnalyzedModel, diagnostic) -> None:
    """The U-Net crop problem: say which flooring made one branch of a merge smaller than the other."""
    layer = model.layer_spec(diagnostic.layer)
    sources = [model.rows.get(name) for name in model.sources(layer)] if layer is not None else []
    if len(sources) < 2 or any(row is None or isinstance(row.output_shape, list) for row in sources):
        return
    sizes = [spatial(row.main_shape, model.layout) for row in sources]
    if len({len(s) for s in sizes}) != 1 or not sizes[0]:
        return
    axis = next((j for j in range(len(sizes[0])) if len({s[j] for s in sizes}) > 1 and None not in {s[j] for s in sizes}),
                None)
    if axis is None:
        return
    small = min(sources, key=lambda row: spatial(row.main_shape, model.layout)[axis])
    large = max(sources, key=lambda row: spatial(row.main_shape, model.layout)[axis])
    shared = model.ancestors(large.name)
    losses = [loss for loss in trace(model, small, [axis]) if loss.row.name not in shared]
    difference = spatial(large.main_shape, model.layout)[axis] - spatial(small.main_shape, model.layout)[axis]
    if not losses or sum(loss.share for loss in losses) != difference:
        return
    found = model.model_input(small)
    shown = []
    if found is not None:
        input_sizes = spatial(found[1], model.layout)
        alike = [j for j, size in enumerate(input_sizes) if size == input_sizes[axis]]  # a square input stays square
        sizes = nearest(model, diagnostic.layer, found[0], found[1], alike, match_input=False)
        shown = [format_input(model, found[1], alike, size) for size in sizes]
    fixes = f". Fix: an input of {' or '.join(shown)} loses nothing" if shown else ""
    model.diagnostics[model.diagnostics.index(diagnostic)] = dataclasses.replace(
        diagnostic, message=f"{diagnostic.message}; cause: {trace_text(model, losses, 'at the merge')}{fixes}")


def trace(model: AnalyzedModel, output: Row, differing: list[int]) -> list[Loss]:
    """The flooring layers on the path to `output` along the differing axes, with their shares."""
    path = model.ancestors(output.name)
    rows = [row for row in model.analysis.rows if row.name in path]
    rearranging = rearranging_rows(model, path)
    if rearranging:  # only the layers after the last one that rearranges axes work on the output's axes
        rows = rows[max(rows.index(row) for row in rearranging) + 1:]
    count = len(differing) and len(spatial(output.main_shape, model.layout))
    losses: list[Loss] = []
    for position, row in enumerate(rows):
        if len(losses) >= MAX_TRACED:
            break
        if len(row.axes) != count:
            continue
        dropped = [(j, lost, axis.stride) for j, axis, lost in real_losses(model, row) if j in differing]
        if not dropped:
            continue
        downstream = model.descendants(row.name)
        later = [r for r in rows[position + 1:] if r.name in downstream]
        up, down, uppers = scale_after(model, later, dropped[0][0])
        _, lost, stride = dropped[0]
        losses.append(Loss(row, dropped, uppers, Fraction(lost, stride) * up / down))
    if any(loss.share.denominator != 1 for loss in losses):
        return []  # a pixel is not split: flooring does not account for this difference
    return losses


def rearranging_rows(model: AnalyzedModel, path: set[str]) -> list[Row]:
    """The rows on `path` whose layer rearranges axes (Permute, Reshape, Flatten, ...)."""
    return [row for row in model.analysis.rows if row.name in path and row.spec is not None
            and getattr(row.spec.layer, "rearranges_axes", False)]


def scale_after(model: AnalyzedModel, later: list[Row], axis: int) -> tuple[Fraction, Fraction, list[Row]]:
    """Up- and downsampling factors of the later rows along one axis: every growth (a transposed
    convolution's 3 -> 7 too), and the exact integer divisions."""
    up, down, uppers = Fraction(1), Fraction(1), []
    for row in later:
        if not row.input_shapes:
            continue
        before, after = spatial(row.input_shapes[0], model.layout), spatial(row.main_shape, model.layout)
        if len(before) != len(after) or axis >= len(before) or None in (before[axis], after[axis]) or not before[axis]:
            continue
        ratio = Fraction(after[axis], before[axis])
        if ratio > 1:
            up *= ratio
            uppers.append(row)
        elif 0 < ratio < 1 and ratio.numerator == 1:
            down *= 1 / ratio
    return up, down, uppers


def share_note(losses: list[Loss], difference: int) -> str:
    """Say so when flooring is only part of the difference (valid padding shrinks by design)."""
    total = sum(loss.share for loss in losses)
    if total == difference:
        return ""
    return f" (flooring accounts for {number(total)} of the {difference} pixels; the rest is layers that shrink by design)"


def difference_text(before, after, differing: list[int]) -> str:
    count = len(before)
    parts = [f"{axis_label(j, count)} {before[j]} -> {after[j]}" for j in differing]
    return ", ".join(parts)


def number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.3g}"


def trace_text(model: AnalyzedModel, losses: list[Loss], where: str = "at the output") -> str:
    parts = []
    for loss in losses:
        row = loss.row
        count = len(row.axes)
        j, lost, stride = loss.axes[0]
        axis = row.axes[j]
        units = " and ".join(
            plural(n, unit_names(axis_label(k, count), count)) for k, n, _ in loss.axes)
        text = f"{row.name} (line {row.line}:{row.column}) floors {axis.input} -> {axis.size} and drops {units}"
        if loss.uppers:
            factor = Fraction(1)
            for upper in loss.uppers:
                before = spatial(upper.input_shapes[0], model.layout)[j]
                factor *= Fraction(spatial(upper.main_shape, model.layout)[j], before)
            names = ", ".join(upper.name for upper in loss.uppers)
            text += (f"; the later upsampling ({names}) multiplies by {number(factor)}: "
                     f"{lost}/{stride} * {number(factor)}"
                     f"{'' if factor == loss.share * stride / lost else ' (with the later downsampling)'}"
                     f" = {number(loss.share)} pixel{'' if loss.share == 1 else 's'} missing {where}")
        parts.append(text)
    return "; ".join(parts)


def fixes_text(model: AnalyzedModel, output: Row, losses: list[Loss], before, after, differing: list[int],
               match_input: bool = True, target=None) -> str:
    """The fixes that, re-run, give the output the `target` spatial sizes (the input's, or the `expect`ed)."""
    fixes = []
    sizes = lossless_inputs(model, output, differing, match_input)
    if sizes:
        fixes.append(f"an input of {' or '.join(sizes)} loses nothing")
    for loss in losses:
        fix = tiling_fix(model, loss.row, output, differing, target)
        if fix is not None:
            fixes.append(fix)
    if match_input:
        fix = edge_fix(model, output, before, after, differing)
        if fix is not None:
            fixes.append(fix)
    return "; or ".join(fixes)


def edge_fix(model: AnalyzedModel, output: Row, before, after, differing: list[int]) -> str | None:
    """The padding (or cropping) layer that brings the output back to the input's size, if running it
    on the output confirms that it does."""
    text, type_name, padding = edge_layer(model, before, after, differing)

    from shapecalc.layers.registry import lookup

    cls = lookup(model.framework, type_name)
    try:
        layer = cls.build({"padding" if type_name.startswith(("ZeroPad", "ZeroPadding")) else "cropping": padding})
    except Exception:  # noqa: BLE001 - a layer the framework would refuse is no fix
        return None
    shape = try_layer(layer, [output.main_shape])
    if shape is None or isinstance(shape, list):
        return None
    got = spatial(shape, model.layout)
    return text if len(got) == len(before) and all(got[j] == before[j] for j in differing) else None


def edge_layer(model: AnalyzedModel, before, after, differing: list[int]) -> tuple[str, str, object]:
    """The padding (or cropping) layer that should bring the output back: (text, type, its argument)."""
    count = len(before)
    pairs = []
    for j in range(count):
        diff = (before[j] - after[j]) if j in differing else 0
        pairs.append((abs(diff) // 2, abs(diff) - abs(diff) // 2))
    grow = any(before[j] > after[j] for j in differing)
    symmetric = len({p for pair in pairs for p in pair}) == 1
    change = ", ".join(f"{after[j]} -> {before[j]}" for j in differing[:1])
    if model.framework == "pytorch":
        sign = 1 if grow else -1
        flat = tuple(sign * p for pair in reversed(pairs) for p in pair)
        value = flat[0] if symmetric else flat
        return (f"a ZeroPad{count}d({value}) at the end ({change}{'' if grow else ': negative pads crop'})",
                f"ZeroPad{count}d", list(value) if isinstance(value, tuple) else value)
    kind = "ZeroPadding" if grow else "Cropping"
    value = pairs[0][0] if symmetric else (tuple(pairs) if count > 1 else pairs[0])
    written = [list(p) for p in value] if count > 1 and not symmetric else (list(value) if isinstance(value, tuple) else value)
    return f"a {kind}{count}D({value}) at the end ({change})", f"{kind}{count}D", written


def lossless_inputs(model: AnalyzedModel, output: Row, differing: list[int], match_input: bool) -> list[str]:
    """The nearest model input sizes, below and above, for which nothing is lost (and out == in)."""
    found = model.model_input(output)
    if found is None:
        return []
    name, shape = found
    sizes = nearest(model, output.name, name, shape, differing, match_input)
    return [format_input(model, shape, differing, n) for n in sizes]


def spatial_positions(model: AnalyzedModel, rank: int) -> list[int]:
    """Indices of the spatial axes in a batch-first shape of this rank."""
    return list(range(2, rank)) if model.layout == "channels_first" else list(range(1, rank - 1))


def with_size(model: AnalyzedModel, shape, differing: list[int], size: int) -> tuple:
    positions = spatial_positions(model, len(shape))
    changed = list(shape)
    for j in differing:
        changed[positions[j]] = size
    return tuple(changed)


def format_input(model: AnalyzedModel, shape, differing: list[int], size: int) -> str:
    return "[" + ", ".join("null" if d is None else str(d) for d in with_size(model, shape, differing, size)[1:]) + "]"


def nearest(model: AnalyzedModel, output: str, input_name: str, shape, differing: list[int],
            match_input: bool) -> list[int]:
    """The nearest input sizes below and above (searched alternately, nearest first) that lose nothing."""
    start = spatial(shape, model.layout)[differing[0]]
    found: dict[int, int] = {}
    for step in range(1, SEARCH_STEPS + 1):
        for direction in (-1, +1):
            size = start + direction * step
            if direction in found or size < 1:
                continue
            if not model.budget.left():
                return sorted(found.values())
            inputs = dict(model.spec.inputs)
            inputs[input_name] = with_size(model, shape, differing, size)[1:]
            candidate = reanalyze(model.spec, inputs=inputs)
            if candidate is not None and lossless(candidate, output, differing, size, match_input):
                found[direction] = size
        if len(found) == 2:
            break
    return sorted(found.values())


def lossless(candidate: AnalyzedModel, output: str, differing: list[int], size: int, match_input: bool) -> bool:
    if any(d.severity is Severity.ERROR and d.code != "SC104" for d in candidate.diagnostics):
        return False
    row = candidate.rows.get(output)
    if row is None or isinstance(row.output_shape, list):
        return False
    path = candidate.ancestors(output)
    for other in candidate.analysis.rows:
        if other.name in path and any(j in differing for j, _, _ in real_losses(candidate, other)):
            return False
    after = spatial(row.main_shape, candidate.layout)
    return not match_input or all(after[j] == size for j in differing)


def reaches(sizes, differing: list[int], target) -> bool:
    """Whether spatial `sizes` are the `target` ones along the differing axes (no target: any change will do)."""
    if target is None:
        return True
    return len(sizes) == len(target) and all(sizes[j] == target[j] for j in differing)


def tiling_fix(model: AnalyzedModel, row: Row, output: Row, differing: list[int], target) -> str | None:
    """The first argument change that makes the flooring layer tile ('same', ceil_mode) and, re-run, gives
    the output the `target` spatial sizes; with the new output."""
    layer = row.spec.layer if row.spec else None
    if layer is None:
        return None
    for update in candidate_updates(layer, real_losses(model, row)):
        changed = variant(layer, update)
        candidate = reanalyze(model.spec, replace=(row.spec, changed)) if changed is not None else None
        if candidate is None or candidate.has_errors() or real_losses(candidate, candidate.rows.get(row.name, row)):
            continue
        changed = candidate.rows.get(output.name)
        if changed is not None and not isinstance(changed.output_shape, list) and reaches(
                spatial(changed.main_shape, candidate.layout), differing, target):
            setting = ", ".join(f"{key}={value!r}" for key, value in update.items())
            return f"{setting} on {row.name} (the output becomes {format_shape(changed.main_shape)})"
    return None
