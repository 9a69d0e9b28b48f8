"""What the passes share: an analysed model with its rows by name, graph walks, spatial axes, re-analysis.

A pass never recomputes shapes itself: when it wants to know whether a fix
works (another input size, `padding='same'` on one layer) it re-runs the
engine on a modified copy of the model and looks at what comes out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from shapecalc.codes import Severity
from shapecalc.diagnostics import Diagnostic
from shapecalc.layers.base import Layer, Why
from shapecalc.model import INPUT_TYPE, Analysis, InvalidModel, LayerSpec, ModelSpec, Row
from shapecalc.shapes import Axis, Shape, axis_labels

UNIT = {"H": ("row", "rows"), "W": ("column", "columns"), "D": ("plane", "planes")}
STEP = ("step", "steps")
MAX_LAYER_EVALUATIONS = 10_000  # all hint searches of one model together: 0.3 s on a busy machine

# Layers that only add pixels at the edges: a window that leaves their last padded
# pixels unread loses nothing real. Exact type names, per framework.
PADDING_TYPES = {
    "keras": {"ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"},
    "pytorch": {
        f"{kind}Pad{n}d"
        for kind in ("Zero", "Constant", "Reflection", "Replication", "Circular")
        for n in (1, 2, 3)
    },
}


def spatial(shape: Shape, layout: str) -> Shape:
    """The spatial sizes of a batch-first tensor: between batch and channels (channels_last, Keras's
    default), or after the channels (channels_first: PyTorch, or Keras layers that say so)."""
    if len(shape) < 3:
        return ()
    return tuple(shape[2:]) if layout in ("pytorch", "channels_first") else tuple(shape[1:-1])


def axis_label(index: int, count: int) -> str:
    return (axis_labels(count) if 1 <= count <= 3 else [str(i) for i in range(count)])[index]


def unit_names(label: str, count: int) -> tuple[str, str]:
    """What one pixel along an axis is called: a row, a column, a plane; a step for sequences."""
    return STEP if count == 1 else UNIT.get(label, ("pixel", "pixels"))


def plural(count: int, names: tuple[str, str]) -> str:
    return f"{count} {names[0] if count == 1 else names[1]}"


def window_label(axis: Axis, index: int, count: int) -> str:
    """The axis label written in the formula (`H: ...`), else the conventional one."""
    head, sep, _ = axis.formula.partition(": ")
    return head if sep and len(head) <= 3 else axis_label(index, count)


class Budget:
    """How much more work hint searches may do, counted in layer evaluations, not seconds.

    Every try re-runs the engine on the whole model, so a try costs as many
    units as the model has layers. Counting work instead of time keeps the
    output the same on a fast and a slow machine, and bounds a huge model's
    hints to a few tries.
    """

    def __init__(self, layers_per_run: int = 1, total: int = MAX_LAYER_EVALUATIONS):
        self.cost = max(layers_per_run, 1)
        self.remaining = total

    def left(self) -> bool:
        """Whether one more engine run fits; if it does, it is paid for now."""
        if self.remaining < self.cost:
            return False
        self.remaining -= self.cost
        return True


@dataclass
class AnalyzedModel:
    """An Analysis and the spec it came from, with the lookups the passes need."""

    analysis: Analysis
    spec: ModelSpec
    diagnostics: list[Diagnostic] = field(default_factory=list)
    rows: dict[str, Row] = field(default_factory=dict)
    positions: dict[int, int] = field(default_factory=dict, repr=False)  # id(LayerSpec) -> index
    by_name: tuple[dict[str, LayerSpec], list[LayerSpec]] | None = field(default=None, repr=False)
    budget: Budget = field(default_factory=Budget, repr=False)  # shared by every hint search of a run

    @classmethod
    def of(cls, analysis: Analysis, spec: ModelSpec) -> AnalyzedModel:
        return cls(analysis, spec, list(analysis.diagnostics), {row.name: row for row in analysis.rows},
                   budget=Budget(len(spec.layers)))

    @property
    def framework(self) -> str:
        return self.analysis.framework

    @property
    def layout(self) -> str:
        """channels_first for PyTorch, and for a Keras model whose layers say `data_format: channels_first`."""
        if self.framework == "pytorch":
            return "channels_first"
        formats = {getattr(layer.layer, "data_format", None) for layer in self.spec.layers} - {None}
        return "channels_first" if formats == {"channels_first"} else "channels_last"

    def add(self, code: str, message: str, row: Row | None = None, where: tuple[int, int] | None = None) -> None:
        line, column = where or ((row.line, row.column) if row else (1, 1))
        self.diagnostics.append(Diagnostic(code, message, row.name if row else None, line, column, self.spec.path))

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def layer_spec(self, name: str) -> LayerSpec | None:
        """The layer entry of this name (a dict built once: a scan per diagnostic was quadratic)."""
        if self.by_name is None or self.by_name[1] is not self.spec.layers:
            self.by_name = ({layer.name: layer for layer in reversed(self.spec.layers)}, self.spec.layers)
        return self.by_name[0].get(name)

    def sources(self, layer: LayerSpec) -> list[str]:
        """The names feeding a layer entry, as the engine wires them."""
        if layer.keys.inputs is not None:
            return list(layer.keys.inputs)
        position = self.position_of(layer)
        if position > 0:
            return [self.spec.layers[position - 1].name]
        return list(self.spec.inputs)[:1]

    def position_of(self, layer: LayerSpec) -> int:
        """Where a layer entry stands in the model, by identity: `list.index` compares LayerSpecs
        field by field, which made `sources()` quadratic (seconds for a few thousand layers)."""
        found = self.positions.get(id(layer))
        if found is None or found >= len(self.spec.layers) or self.spec.layers[found] is not layer:
            self.positions = {id(entry): i for i, entry in enumerate(self.spec.layers)}
            found = self.positions[id(layer)]
        return found

    def shape_of(self, name: str) -> Shape | None:
        row = self.rows.get(name)
        if row is not None:
            return row.main_shape
        if name in self.spec.inputs:
            return (self.spec.batch, *self.spec.inputs[name])
        return None

    def source_row(self, row: Row) -> Row | None:
        """The row feeding a single-input layer (None for the model input of a sequential model)."""
        if row.spec is None:
            return None
        sources = self.sources(row.spec)
        if len(sources) != 1:
            return None
        found = self.rows.get(sources[0])
        return found if found is not None and found.type != INPUT_TYPE else None

    def ancestors(self, name: str) -> set[str]:
        """`name` and every row or input it depends on."""
        seen: set[str] = set()
        stack = [name]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            row = self.rows.get(current)
            if row is not None and row.spec is not None:
                stack.extend(self.sources(row.spec))
        return seen

    def descendants(self, name: str) -> set[str]:
        """`name` and every row that depends on it."""
        consumers: dict[str, list[str]] = {}
        for row in self.analysis.rows:
            for source in self.sources(row.spec) if row.spec is not None else []:
                consumers.setdefault(source, []).append(row.name)
        seen: set[str] = set()
        stack = [name]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(consumers.get(current, []))
        return seen

    def output_rows(self) -> list[Row]:
        return [self.rows[name] for name in self.analysis.output_names if name in self.rows]

    def model_input(self, output: Row) -> tuple[str, Shape] | None:
        """The one model input an output depends on, with its batch-first shape."""
        names = [name for name in self.spec.inputs if name in self.ancestors(output.name)]
        if len(names) != 1:
            return None
        return names[0], (self.spec.batch, *self.spec.inputs[names[0]])


def trailing_padding(model: AnalyzedModel, row: Row, index: int, count: int) -> int:
    """Pixels a padding layer right before `row` added at the far end of spatial axis `index`."""
    source = model.source_row(row)
    if source is None or source.type not in PADDING_TYPES.get(model.framework, set()) or not source.input_shapes:
        return 0
    assert source.spec is not None
    return padding_at_end(source.spec.layer, source.input_shapes[0], source.main_shape, index, count,
                          model.framework, model.layout)


def padding_at_end(padding_layer: Layer, before_shape: Shape, after_shape: Shape, index: int, count: int,
                   framework: str, layout: str) -> int:
    """Pixels a padding layer (PADDING_TYPES) that turned `before_shape` into `after_shape` added at the far
    end of spatial axis `index`; shapecalc.fit calls it without Rows, on its own sweep."""
    before = spatial(before_shape, layout)
    after = spatial(after_shape, layout)
    if len(before) != count or len(after) != count or before[index] is None or after[index] is None:
        return 0
    added = after[index] - before[index]
    written = _written_high_pad(getattr(padding_layer, "padding", None), index, count, framework)
    return written if written is not None else added - added // 2


def _written_high_pad(padding: object, index: int, count: int, framework: str) -> int | None:
    """The high-side pad as written: Keras per axis ((lo, hi) pairs), PyTorch last axis first."""
    if isinstance(padding, int):
        return padding
    if not isinstance(padding, list | tuple):
        return None
    if framework == "pytorch":
        pair = count - 1 - index
        return padding[2 * pair + 1] if len(padding) == 2 * count else None
    if count == 1 and len(padding) == 2 and all(isinstance(p, int) for p in padding):
        return padding[1]
    if len(padding) != count:
        return None
    entry = padding[index]
    if isinstance(entry, int):
        return entry
    return entry[1] if isinstance(entry, list | tuple) and len(entry) == 2 else None


def real_losses(model: AnalyzedModel, row: Row) -> list[tuple[int, Axis, int]]:
    """(axis index, axis, real pixels lost) for each window axis of `row` that drops input pixels.

    A window narrower than its stride skips pixels everywhere (SC302), so its
    trailing gap is not counted here as a flooring loss.
    """
    found = []
    count = len(row.axes)
    for index, axis in enumerate(row.axes):
        if not axis.span or axis.stride > axis.span:
            continue
        lost = axis.lost - trailing_padding(model, row, index, count)
        if lost > 0:
            found.append((index, axis, lost))
    return found


def variant(layer: Layer, update: dict) -> Layer | None:
    """The layer with some arguments changed, or None if that copy cannot be made."""
    try:
        return layer.model_copy(update=update)
    except (AttributeError, TypeError, ValueError):
        return None


def try_layer(layer: Layer, inputs: list[Shape], why: Why | None = None, update: dict | None = None
              ) -> Shape | list[Shape] | None:
    """The output the layer (with `update` applied) would give, or None if the framework would refuse it."""
    from shapecalc.arguments.types import ArgumentError
    from shapecalc.shapes import ShapeError

    changed = variant(layer, update) if update else layer
    if changed is None:
        return None
    try:
        changed.check()
        return changed.output_shape(inputs, why or Why())
    except (ShapeError, ArgumentError, ValueError, TypeError, AttributeError):
        return None


def reanalyze(
    spec: ModelSpec, inputs: dict[str, tuple] | None = None, replace: tuple[LayerSpec, Layer] | None = None
) -> AnalyzedModel | None:
    """The engine's analysis of a modified copy: other input sizes, or one layer with other arguments."""
    from shapecalc.engine import analyze

    layers = spec.layers
    if replace is not None:
        old, new = replace
        layers = [dataclasses.replace(layer, layer=new) if layer is old else layer for layer in spec.layers]
    changed = dataclasses.replace(spec, inputs=inputs if inputs is not None else spec.inputs, layers=layers)
    try:
        analysis = analyze(changed)
    except InvalidModel:
        return None
    return AnalyzedModel.of(analysis, changed)
