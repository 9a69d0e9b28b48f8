"""Per-axis sampling plan: for every output position, its source coordinate and taps.

Every supported resize is separable (2-D = the y plan times the x plan), so a plan per
axis is all that is needed to compute and to explain any output cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shapecalc.resample import conventions as mapping
from shapecalc.resample import kernels
from shapecalc.resample.conventions import CONVENTIONS, Ratio
from shapecalc.resample.errors import ResampleError
from shapecalc.resample.floats import format_number
from shapecalc.resample.sizing import AxisGeometry

MODES = ("nearest", "bilinear", "bicubic", "area")
MODE_ALIASES = {"linear": "bilinear", "cubic": "bicubic", "nearest-neighbor": "nearest"}


@dataclass(frozen=True)
class AxisSample:
    """How one output position along one axis is made from the input along that axis."""

    dst: int
    formula: str
    taps: tuple[kernels.Tap, ...]


AxisPlanner = Callable[[AxisGeometry], tuple[AxisSample, ...]]


def canonical_mode(mode: str | None, convention: str) -> str:
    """Normalise the mode name; repeat/zeros have a fixed rule and take no other mode."""
    if convention in ("repeat", "zeros"):
        if mode not in (None, "nearest"):
            raise ResampleError(
                f"--convention {convention} places values by a fixed rule; drop --mode {mode}"
            )
        return "nearest"
    name = (mode or "bilinear").strip().lower()
    name = MODE_ALIASES.get(name, name)
    if name not in MODES:
        raise ResampleError(f"unknown --mode {mode!r}; choose one of nearest, bilinear (linear), bicubic, area")
    return name


def check_supported(convention: str, mode: str) -> None:
    """Refuse combinations the framework itself refuses, with its reason."""
    if convention not in CONVENTIONS:
        raise ResampleError(f"unknown --convention {convention!r}; choose one of {', '.join(CONVENTIONS)}")
    reason = CONVENTIONS[convention].refusal(mode)
    if reason:
        raise ResampleError(reason)


def plan_axis(convention: str, mode: str, axis: AxisGeometry) -> tuple[AxisSample, ...]:
    """The sampling plan of one axis under a convention and mode (both already checked)."""
    check_supported(convention, mode)
    planner = _PLANNERS[(convention, mode)]
    return planner(axis)


def identity_plan() -> tuple[AxisSample, ...]:
    """The y plan of a 1-D input: its single row is read as it is."""
    return (AxisSample(0, "", (kernels.Tap(0, 1.0, 0),)),)


def _each(axis: AxisGeometry, sample: Callable[[int], AxisSample]) -> tuple[AxisSample, ...]:
    return tuple(sample(dst) for dst in range(axis.out_size))


def _nearest(axis: AxisGeometry, ratio: Ratio, exact: bool, torch_shortcut: bool = False) -> tuple[AxisSample, ...]:
    """floor of the coordinate; 'exact' (nearest-exact) samples at pixel centres."""

    def sample(dst: int) -> AxisSample:
        shortcut = _torch_nearest_shortcut(dst, axis) if torch_shortcut else None
        if shortcut:
            return shortcut
        source = mapping.nearest_source(dst, ratio, axis.name, centred=exact)
        tap = kernels.nearest_tap(source.value, axis.in_size)
        capped = f", capped at {axis.in_size - 1}" if tap.clamped else ""
        return AxisSample(dst, f"{source.formula}; floor -> {tap.index}{capped}", (tap,))

    return _each(axis, sample)


def _torch_nearest_shortcut(dst: int, axis: AxisGeometry) -> AxisSample | None:
    """torch's 2-D nearest copies indices when out == in and halves them when out == 2*in,
    whatever scale_factor says (scale 1.2 on 3 values gives a copy, not floor(dst/1.2));
    its 1-D kernel has no such shortcut and always uses the formula."""
    if axis.rank != 2:
        return None
    if axis.out_size == axis.in_size:
        return AxisSample(dst, f"out = in = {axis.in_size}: torch copies, src_{axis.name} = {dst}",
                          (kernels.Tap(dst, 1.0, dst),))
    if axis.out_size == 2 * axis.in_size:
        return AxisSample(dst, f"out = 2 * in: torch halves, src_{axis.name} = {dst} >> 1 = {dst // 2}",
                          (kernels.Tap(dst // 2, 1.0, dst // 2),))
    return None


def _linear(axis: AxisGeometry, ratio: Ratio, centres: bool, torch_copy: bool = False) -> tuple[AxisSample, ...]:
    """Two-tap interpolation; torch copies an axis whose length does not change, even when a
    scale_factor such as 1.2 on 4 values (floor(4.8) = 4) would move the sample points."""

    def sample(dst: int) -> AxisSample:
        if torch_copy and axis.out_size == axis.in_size:
            note = f"out = in = {axis.in_size}: torch copies, src_{axis.name} = {dst}"
            return AxisSample(dst, note, (kernels.Tap(dst, 1.0, dst),))
        if centres:
            source = mapping.half_pixel(dst, ratio, axis.name, clamp_negative=True)
        else:
            source = mapping.scaled(dst, ratio, axis.name)
        return AxisSample(dst, source.formula, kernels.linear_taps(source.value, axis.in_size))

    return _each(axis, sample)


def _cubic(axis: AxisGeometry, ratio: Ratio, centres: bool, table_steps: int | None) -> tuple[AxisSample, ...]:
    def sample(dst: int) -> AxisSample:
        if centres:
            source = mapping.half_pixel(dst, ratio, axis.name, clamp_negative=False)
        else:
            source = mapping.scaled(dst, ratio, axis.name)
        taps = kernels.cubic_taps(source.value, axis.in_size, kernels.TORCH_CUBIC_A, table_steps)
        note = f" (t rounded to 1/{table_steps} as TF's weight table does)" if table_steps else ""
        return AxisSample(dst, f"{source.formula}; cubic a = {kernels.TORCH_CUBIC_A}{note}", taps)

    return _each(axis, sample)


def _adaptive_average(axis: AxisGeometry) -> tuple[AxisSample, ...]:
    def sample(dst: int) -> AxisSample:
        start, end = kernels.adaptive_window(dst, axis.in_size, axis.out_size)
        formula = (
            f"window_{axis.name} = [floor({dst} * {axis.in_size}/{axis.out_size}), "
            f"ceil({dst + 1} * {axis.in_size}/{axis.out_size})) = [{start}, {end}), plain average"
        )
        return AxisSample(dst, formula, kernels.window_taps(start, end))

    return _each(axis, sample)


def _overlap_average(axis: AxisGeometry) -> tuple[AxisSample, ...]:
    ratio = mapping.size_ratio(axis)

    def sample(dst: int) -> AxisSample:
        taps, low, high = kernels.overlap_taps(dst, ratio.value, axis.in_size)
        formula = (
            f"span_{axis.name} = [{dst} * {ratio.text}, {dst + 1} * {ratio.text}) = "
            f"[{format_number(low)}, {format_number(high)}), weights = overlap / {ratio.text}"
        )
        return AxisSample(dst, formula, taps)

    return _each(axis, sample)


def _whole_factor(axis: AxisGeometry, convention: str) -> int:
    factor = axis.integer_factor
    if factor is None:
        raise ResampleError(
            f"--convention {convention} needs a whole factor, but the {axis.name} axis goes "
            f"from {axis.in_size} to {axis.out_size}"
        )
    return factor


def _repeat(axis: AxisGeometry) -> tuple[AxisSample, ...]:
    factor = _whole_factor(axis, "repeat")

    def sample(dst: int) -> AxisSample:
        src = dst // factor
        return AxisSample(dst, f"src_{axis.name} = {dst} // {factor} = {src}", (kernels.Tap(src, 1.0, src),))

    return _each(axis, sample)


def _zero_insertion(axis: AxisGeometry) -> tuple[AxisSample, ...]:
    factor = _whole_factor(axis, "zeros")

    def sample(dst: int) -> AxisSample:
        src, offset = divmod(dst, factor)
        if offset:
            return AxisSample(dst, f"{dst} % {factor} = {offset}, not a multiple of {factor}: zero", ())
        return AxisSample(dst, f"src_{axis.name} = {dst} / {factor} = {src}", (kernels.Tap(src, 1.0, src),))

    return _each(axis, sample)


_PLANNERS: dict[tuple[str, str], AxisPlanner] = {
    ("keras", "nearest"): lambda axis: _nearest(axis, mapping.size_ratio(axis), exact=True),
    ("keras", "bilinear"): lambda axis: _linear(axis, mapping.size_ratio(axis), centres=True),
    ("keras", "bicubic"): lambda axis: _cubic(axis, mapping.size_ratio(axis), centres=True, table_steps=None),
    ("pytorch", "nearest"): lambda axis: _nearest(axis, mapping.factor_ratio(axis), exact=False, torch_shortcut=True),
    ("pytorch", "bilinear"): lambda axis: _linear(axis, mapping.factor_ratio(axis), centres=True, torch_copy=True),
    ("pytorch", "bicubic"): lambda axis: _cubic(axis, mapping.factor_ratio(axis), centres=True, table_steps=None),
    ("pytorch", "area"): _adaptive_average,
    ("pytorch-align-corners", "bilinear"): lambda axis: _linear(axis, mapping.corner_ratio(axis), centres=False),
    ("pytorch-align-corners", "bicubic"): lambda axis: _cubic(
        axis, mapping.corner_ratio(axis), centres=False, table_steps=None
    ),
    ("tf-legacy", "nearest"): lambda axis: _nearest(axis, mapping.size_ratio(axis), exact=False),
    ("tf-legacy", "bilinear"): lambda axis: _linear(axis, mapping.size_ratio(axis), centres=False),
    ("tf-legacy", "bicubic"): lambda axis: _cubic(
        axis, mapping.size_ratio(axis), centres=False, table_steps=kernels.TF_CUBIC_TABLE_STEPS
    ),
    ("tf-legacy", "area"): _overlap_average,
    ("repeat", "nearest"): _repeat,
    ("zeros", "nearest"): _zero_insertion,
}
