"""Which input sizes work, axis by axis: the sweep, the output relation, the rule, the nearest sizes, the proposal.

A size works on an axis when the model computes at it and no layer floors
(no SC201), and, when the model's output is a map like its input (an
encoder-decoder, a U-Net), the output keeps the ratio the model is built
for. That ratio is the one stated (`--ratio`), or else the one the output
keeps exactly at two or more of the sizes that floor nowhere (a 'same'
U-Net gives 1 there; the original U-Net keeps none, 572 -> 388, and is only
asked not to floor). The sizes proposed are re-run through the full engine.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from shapecalc.checks.analyzed import AnalyzedModel, real_losses, reanalyze, spatial
from shapecalc.codes import Severity
from shapecalc.fit.rule import Rule, find_rule, nearest
from shapecalc.fit.sweep import Sweep, Verdict
from shapecalc.model import Analysis, ModelSpec
from shapecalc.shapes import Shape, axis_labels

DEFAULT_HIGH = 1024
MAX_SPAN = 16_384  # sizes swept per axis, at most: about a second per axis on a U-Net


class Refusal(Exception):
    """A model or request `fit` cannot answer (no spatial axis, several inputs, a bad ratio): exit 2."""


@dataclass
class Relation:
    """How the output's size follows the input's over the sizes that work: out = ratio * in + offset."""

    ratio: Fraction
    offset: Fraction
    required: bool  # the ratio is asked of every size (stated, or kept by the model), not only observed

    def text(self, label: str) -> str:
        scaled = label if self.ratio == 1 else f"{fraction_text(self.ratio)}·{label}"
        if self.offset == 0:
            return f"out = {scaled}"
        sign = "+" if self.offset > 0 else "-"
        return f"out = {scaled} {sign} {fraction_text(abs(self.offset))}"


def fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


@dataclass
class AxisFit:
    """One spatial axis: the sizes that work in the range, as a rule when there is one, and the nearest."""

    label: str
    position: int  # in the input shape, batch axis excluded
    declared: int | None
    valid: list[int]
    rule: Rule | None
    relation: Relation | None
    declared_verdict: Verdict | None = None  # why the declared size does not work
    declared_output: int | None = None  # the output's size there, when it computes but breaks the ratio
    others_known: bool = False  # the other axes held at their declared sizes, or the swept one (else unknown)
    failure: Verdict | None = None  # with no size that works: what stops the most sizes

    @property
    def nearest(self) -> tuple[int | None, int | None]:
        if self.declared is None:
            return None, (self.valid[0] if self.valid else None)
        return nearest(self.valid, self.declared)

    @property
    def chosen(self) -> int | None:
        """The size proposed for this axis: the declared one if it works, else the nearest (the larger on a tie)."""
        if self.declared is not None and self.declared in self.valid:
            return self.declared
        below, above = self.nearest
        if below is None or above is None:
            return below if above is None else above
        return below if self.declared is not None and self.declared - below < above - self.declared else above


@dataclass
class FitReport:
    """Everything `shapecalc fit` says about one model."""

    model: str
    framework: str
    input_name: str
    declared: tuple[int | None, ...]
    low: int
    high: int
    axes: list[AxisFit]
    proposal: tuple[int | None, ...] | None = None
    proposal_checked: bool = False
    proposal_problems: list[str] = field(default_factory=list)

    @property
    def unknown(self) -> bool:
        return any(axis.declared is None for axis in self.axes)

    @property
    def answered(self) -> bool:
        return all(axis.valid for axis in self.axes)


def spatial_positions(rank: int, layout: str) -> list[int]:
    """Positions of the spatial axes in an input shape of `rank` axes without the batch axis."""
    if rank < 2:
        return []
    return list(range(1, rank)) if layout == "channels_first" else list(range(0, rank - 1))


def fit(spec: ModelSpec, analysis: Analysis, low: int | None, high: int | None, ratio: Fraction | None) -> FitReport:
    """Sweep every spatial axis of the model's one input over low..high (default 1..max(1024, 2 x declared))."""
    if not spec.layers:
        raise Refusal("the model has no layers, so there is nothing to fit")
    if len(spec.inputs) != 1:
        raise Refusal(f"fit handles models with one input; this one has {len(spec.inputs)} ({', '.join(spec.inputs)})")
    layout = AnalyzedModel.of(analysis, spec).layout
    name, declared = next(iter(spec.inputs.items()))
    positions = spatial_positions(len(declared), layout)
    if not positions:
        raise Refusal(f"the input {name!r} {list(declared)} has no spatial axis to fit: a 1-D input is features "
                      "(or tokens), not a map or a sequence with channels")
    known = [declared[p] for p in positions if declared[p] is not None]
    low = low or 1
    high = high or max(DEFAULT_HIGH, 2 * max(known, default=0))
    if high < low:
        raise Refusal(f"the range {low}..{high} is empty")
    if high - low + 1 > MAX_SPAN:
        raise Refusal(f"the range {low}..{high} has {high - low + 1} sizes; fit sweeps at most {MAX_SPAN}")
    sweep = Sweep(spec, layout)
    labels = axis_labels(len(positions), single="L")
    axes = [fit_axis(sweep, declared, positions, index, labels[index], low, high, ratio)
            for index in range(len(positions))]
    report = FitReport(spec.name or analysis.model, spec.framework, name, declared, low, high, axes)
    propose(report, spec, sweep, positions)
    return report


def fit_axis(sweep: Sweep, declared: tuple, positions: list[int], index: int, label: str, low: int, high: int,
             ratio: Fraction | None) -> AxisFit:
    """One axis swept with the others unknown; if nothing computes that way (a Flatten before a Dense needs
    every size), swept again with the others known: at their declared sizes, or where the file leaves them
    unknown, at the swept size (square inputs)."""
    result = _sweep_axis(sweep, declared, positions, index, low, high, others_known=False)
    others_known = not any(v.computes for v in result.values()) and len(positions) > 1
    if others_known:
        result = _sweep_axis(sweep, declared, positions, index, low, high, others_known=True)
    relation = output_relation(sweep, result, index, ratio)
    valid = [size for size, v in result.items() if v.computes and keeps(relation, sweep, v, index)]
    size = declared[positions[index]]
    axis = AxisFit(label, positions[index], size, valid, find_rule(set(valid), low, high), relation,
                   others_known=others_known)
    if not valid:
        axis.failure = most_common_failure(result)
    if size is not None and size not in valid:
        axis.declared_verdict = _verdict_at(sweep, declared, positions, index, size, others_known)
        if axis.declared_verdict.output is not None:
            axis.declared_output = sweep.output_size(axis.declared_verdict.output, index)
    return axis


def most_common_failure(result: dict[int, Verdict]) -> Verdict | None:
    """The refusal or floor met at the most sizes (the first size it was met at stands for them)."""
    failures = [v for v in result.values() if not v.computes]
    if not failures:
        return None
    counts = Counter((v.layer, v.problem) for v in failures)
    layer, problem = counts.most_common(1)[0][0]
    return next(v for v in failures if (v.layer, v.problem) == (layer, problem))


def _shape(declared: tuple, positions: list[int], index: int, size: int, others_known: bool) -> Shape:
    shape = list(declared)
    for i, position in enumerate(positions):
        if i == index:
            shape[position] = size
        elif not others_known:
            shape[position] = None
        elif shape[position] is None:  # known, but not declared: the same size as the swept axis
            shape[position] = size
    return (None, *shape)


def _sweep_axis(sweep: Sweep, declared: tuple, positions: list[int], index: int, low: int, high: int,
                others_known: bool) -> dict[int, Verdict]:
    return {size: sweep.verdict(_shape(declared, positions, index, size, others_known), index, size, others_known)
            for size in range(low, high + 1)}


def _verdict_at(sweep: Sweep, declared: tuple, positions: list[int], index: int, size: int,
                others_known: bool) -> Verdict:
    return sweep.verdict(_shape(declared, positions, index, size, others_known), index, size, others_known)


def output_relation(sweep: Sweep, result: dict[int, Verdict], index: int, ratio: Fraction | None) -> Relation | None:
    """out = ratio * in + offset over the sizes that work: the stated ratio, else the one kept at two or more
    sizes, else the straight line through them all if there is one (observed, not asked)."""
    pairs = [(size, out) for size, v in result.items() if v.computes
             and (out := sweep.output_size(v.output, index)) is not None]  # type: ignore[arg-type]
    if ratio is not None:
        if not pairs and any(v.computes for v in result.values()):
            raise Refusal(f"--ratio {fraction_text(ratio)}: the model's output has no spatial axes to keep a ratio to the input's")
        return Relation(ratio, Fraction(0), required=True)
    if not pairs:
        return None
    kept = Counter(Fraction(out, size) for size, out in pairs).most_common(1)[0]
    if kept[1] >= 2:
        return Relation(kept[0], Fraction(0), required=True)
    (first, out_first), (last, out_last) = pairs[0], pairs[-1]
    slope = Fraction(out_last - out_first, last - first) if last != first else Fraction(out_first, first)
    offset = out_first - slope * first
    if all(out == slope * size + offset for size, out in pairs):
        return Relation(slope, offset, required=False)
    return None


def keeps(relation: Relation | None, sweep: Sweep, verdict: Verdict, index: int) -> bool:
    if relation is None or not relation.required:
        return True
    out = sweep.output_size(verdict.output, index)  # type: ignore[arg-type]
    return out is not None and out == relation.ratio * verdict.size


def propose(report: FitReport, spec: ModelSpec, sweep: Sweep, positions: list[int]) -> None:
    """The declared input with each axis at its chosen size, checked by running the full engine on it."""
    if not report.answered:
        return
    shape = list(report.declared)
    for axis in report.axes:
        shape[axis.position] = axis.chosen
    report.proposal = tuple(shape)
    report.proposal_problems = check_input(spec, sweep, report.input_name, report.proposal, report.axes)
    report.proposal_checked = True


def check_input(spec: ModelSpec, sweep: Sweep, name: str, shape: tuple, axes: list[AxisFit]) -> list[str]:
    """What the full engine (and SC201's own test) finds wrong with the model at input `shape`: [] if nothing."""
    candidate = reanalyze(spec, inputs={name: shape})
    if candidate is None:
        return ["the model no longer builds"]
    problems = [f"{d.code} {d.message}" for d in candidate.diagnostics
                if d.severity is Severity.ERROR and d.code != "SC104"]
    problems += [f"{row.name} floors" for row in candidate.analysis.rows if real_losses(candidate, row)]
    outputs = candidate.output_rows()
    if outputs and not problems:
        after = spatial(outputs[0].main_shape, sweep.layout)
        for axis_index, axis in enumerate(axes):
            relation = axis.relation
            if relation is not None and relation.required and len(after) == len(axes):
                wanted = relation.ratio * shape[axis.position]
                if after[axis_index] != wanted:
                    problems.append(f"the output's {axis.label} is {after[axis_index]}, not {fraction_text(wanted)}")
    return problems
