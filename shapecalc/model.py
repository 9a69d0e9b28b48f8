"""The plain records every stage passes on: a validated model file, and the analysis of it.

    validate/ -> ModelSpec (its LayerSpecs, each with its LayerKeys)  -> engine.py
    engine.py   -> Analysis (its Rows, each with its Connections)       -> checks/, render/, commands/

Records only: no validation, no arithmetic, no output. `InvalidModel` is the
exception that carries the located diagnostics of a file that is not a valid
model (reading, validation or the graph), so it travels with the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shapecalc.arguments.declarative import Declared
from shapecalc.arguments.types import PositiveInt

if TYPE_CHECKING:
    from shapecalc.costs.memory import Memory
    from shapecalc.diagnostics import Diagnostic
    from shapecalc.layers.base import Layer, Params
    from shapecalc.reading import DocPath, Document
    from shapecalc.shapes import Axis, Shape

DimSpec = PositiveInt | None  # one axis as a file writes it: a size, or null for unknown
ShapeSpec = list[DimSpec]  # a shape as a file writes it, without the batch axis

INPUT_TYPE = "InputLayer"  # the type shown on an input's row

Connection = tuple[str, int, int]  # (layer name, call index, tensor index), Keras's name[node][tensor]


ARGS_KEY = "args"  # `Conv2d: {args: [3, 16, 3], padding: 1}`: positional arguments (layers/positional.py)


class LayerKeys(Declared):
    """The keys every layer accepts besides its own arguments."""

    name: str | None = None
    inputs: list[str] | None = None
    trainable: bool = True
    expect: ShapeSpec | list[ShapeSpec] | None = None
    input_shape: ShapeSpec | None = None
    batch_size: PositiveInt | None = None
    dtype: str | None = None


@dataclass
class LayerSpec:
    """One layer entry of the file, validated."""

    index: int
    type_name: str
    layer: Layer
    keys: LayerKeys
    path: DocPath  # the entry in the document
    args_path: DocPath  # where its arguments (and `name`, `inputs`, ...) are written
    line: int
    column: int
    name: str = ""  # filled by the engine: given or Keras's auto name
    block: tuple[Any, ...] = ()  # the block instances (blocks.expand.Instance) it was expanded from, outermost first
    origin: str = ""  # for an expanded layer: its block and definition line, for messages


@dataclass
class ModelSpec:
    """A validated model file, ready for the engine."""

    path: str
    framework: str
    name: str | None
    inputs: dict[str, tuple[int | None, ...]]
    input_positions: dict[str, tuple[int, int]]
    batch: int | None
    layers: list[LayerSpec]
    outputs: list[str] | None
    expect_output: list[Any] | None
    functional: bool
    document: Document
    expect_position: tuple[int, int] = (1, 1)
    diagnostics: list[Diagnostic] = field(default_factory=list)


class InvalidModel(Exception):
    """The file is not a valid model file; carries every located problem found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass(slots=True)
class Row:
    """One line of the summary: a layer (or an InputLayer) and what it produced."""

    name: str
    type: str
    output_shape: Shape | list[Shape]
    params: Params
    inputs: list[str]
    line: int
    column: int
    steps: list[str] = field(default_factory=list)
    axes: list[Axis] = field(default_factory=list)
    input_shapes: list[Shape] = field(default_factory=list)
    spec: LayerSpec | None = None
    connections: list[Connection] = field(default_factory=list)
    macs: int | None = 0  # every call's, for one sample (shapecalc.costs)
    receptive_field: list[int] | None = None  # per spatial axis, in input pixels (shapecalc.costs.receptive)
    effective_stride: list[int] | None = None
    output_bytes: int | None = 0  # every call's output for one sample, float32 (shapecalc.costs.memory)

    @property
    def main_shape(self) -> Shape:
        """The output that downstream layers receive (the first, for several outputs)."""
        shape = self.output_shape
        return shape[0] if isinstance(shape, list) else shape


@dataclass
class Analysis:
    """Everything `summarize`, `check` and `explain` report about one model file."""

    path: str
    model: str
    framework: str
    functional: bool
    rows: list[Row]
    diagnostics: list[Diagnostic]
    totals: Params
    input_names: list[str] = field(default_factory=list)
    output_names: list[str] = field(default_factory=list)
    connected_column: bool = False  # Keras adds "Connected to" unless the graph is a plain chain
    # Some layer of the model could not be computed: `totals` counts only the layers before the error,
    # which is not the model's total (Keras refuses the model and has none).
    partial_totals: bool = False
    memory: Memory | None = None  # input, forward pass and parameter bytes for one sample (shapecalc.costs.memory)

    @property
    def total_macs(self) -> int | None:
        """Every layer's multiply-accumulates for one sample; unknown if any layer's is."""
        from shapecalc.costs.macs import total

        return total(row.macs for row in self.rows)

    def row(self, name: str) -> Row | None:
        return next((row for row in self.rows if row.name == name), None)
