"""Walks a validated model through its layers and returns an Analysis: plain data, no rendering.

It names layers as a fresh Keras session would, wires the graph (the previous
layer by default, `inputs:` where given), computes every output shape and
parameter count through the layers' own rules, and turns what went wrong
into diagnostics. One mistake gives one diagnostic: layers downstream of a
failed layer are skipped in silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shapecalc.diagnostics import Diagnostic
from shapecalc.layers.base import Params, Why
from shapecalc.schema import LayerSpec, ModelSpec, SchemaErrors
from shapecalc.shapes import Axis, Shape, ShapeError, format_shape

INPUT_TYPE = "InputLayer"


@dataclass
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

    def row(self, name: str) -> Row | None:
        return next((row for row in self.rows if row.name == name), None)


@dataclass
class Node:
    """A vertex of the layer graph: an input or a layer entry, and the names feeding it."""

    name: str
    spec: LayerSpec | None
    sources: list[str]
    shape: Shape | None = None  # for inputs


def analyze(spec: ModelSpec) -> Analysis:
    """Compute every layer's output shape and parameters; raise SchemaErrors for graph problems."""
    name_layers(spec)
    nodes = build_graph(spec)
    order = evaluation_order(spec, nodes)
    return _Walker(spec, nodes).run(order)


def name_layers(spec: ModelSpec) -> None:
    """Keras's fresh-session auto names: conv2d, conv2d_1, ... in the order layers are written."""
    counters: dict[str, int] = {}
    for layer in spec.layers:
        layer.name = _take_name(layer, counters)


def _take_name(layer: LayerSpec, counters: dict[str, int]) -> str:
    """Keras's order: a wrapper's inner layers are made first; unnamed sublayers appear when a layer builds."""
    for inner in layer.layer.inner_layers():
        inner.name = _take_name(inner, counters)
    name = layer.keys.name or _next_name(type(layer.layer).name_prefix(), counters)
    for prefix in type(layer.layer).built_sublayers:
        _next_name(prefix, counters)
    return name


def _next_name(prefix: str, counters: dict[str, int]) -> str:
    count = counters.get(prefix, 0)
    counters[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def build_graph(spec: ModelSpec) -> dict[str, Node]:
    """Nodes by name; SC005/SC006 problems are raised as SchemaErrors."""
    problems: list[Diagnostic] = []
    nodes: dict[str, Node] = {}
    for name, shape in spec.inputs.items():
        nodes[name] = Node(name, None, [], shape=(spec.batch, *shape))
    input_names = list(spec.inputs)
    previous = input_names[0] if input_names else None
    for layer in spec.layers:
        if layer.name in nodes:
            problems.append(_at(spec, layer, "SC006", f"duplicate layer name {layer.name!r}: names must be unique"))
            continue
        sources = layer.keys.inputs if layer.keys.inputs is not None else ([previous] if previous else [])
        nodes[layer.name] = Node(layer.name, layer, list(sources))
        previous = layer.name
    for node in nodes.values():
        for source in node.sources:
            if source not in nodes:
                problems.append(_unknown_reference(spec, node, source, nodes))
    if problems:
        raise SchemaErrors(problems)
    return nodes


def _unknown_reference(spec: ModelSpec, node: Node, source: str, nodes: dict[str, Node]) -> Diagnostic:
    import difflib

    close = difflib.get_close_matches(source, list(nodes), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    assert node.spec is not None
    line, column = spec.document.locate(node.spec.args_path + ("inputs",))
    return Diagnostic("SC005", f"{node.name}: input {source!r} is not a layer or input of this model{hint}",
                      node.name, line, column, spec.path)


def evaluation_order(spec: ModelSpec, nodes: dict[str, Node]) -> list[str]:
    """Inputs first, then layers so that each comes after its sources (file order where free)."""
    order: list[str] = []
    state: dict[str, int] = {}
    for root in nodes:
        if state.get(root):
            continue
        stack = [(root, iter(nodes[root].sources))]
        state[root] = 1
        while stack:
            name, pending = stack[-1]
            source = next(pending, None)
            if source is None:
                stack.pop()
                state[name] = 2
                order.append(name)
            elif state.get(source) == 1:
                raise SchemaErrors([_at(spec, nodes[name].spec, "SC007",
                                        f"{name}: cycle in the layer graph through {source!r}")])
            elif not state.get(source):
                state[source] = 1
                stack.append((source, iter(nodes[source].sources)))
    return order


def _at(spec: ModelSpec, layer: LayerSpec | None, code: str, message: str) -> Diagnostic:
    line, column = (layer.line, layer.column) if layer else (1, 1)
    return Diagnostic(code, message, layer.name if layer else None, line, column, spec.path)


class _Walker:
    """Evaluates nodes in order, keeping shapes, rows and diagnostics."""

    def __init__(self, spec: ModelSpec, nodes: dict[str, Node]):
        self.spec = spec
        self.nodes = nodes
        self.shapes: dict[str, Shape] = {}
        self.rows: list[Row] = []
        self.diagnostics: list[Diagnostic] = []

    def run(self, order: list[str]) -> Analysis:
        for name in order:
            node = self.nodes[name]
            if node.spec is None:
                self.add_input(node)
            else:
                self.add_layer(node, node.spec)
        self.check_expectations()
        rows = self.rows if self.spec.functional else [r for r in self.rows if r.spec is not None]
        totals = Params(sum(r.params.trainable for r in rows), sum(r.params.non_trainable for r in rows))
        return Analysis(
            path=self.spec.path,
            model=self.spec.name or ("functional" if self.spec.functional else "sequential"),
            framework=self.spec.framework,
            functional=self.spec.functional,
            rows=rows,
            diagnostics=sorted(self.diagnostics, key=Diagnostic.sort_key),
            totals=totals,
            input_names=list(self.spec.inputs),
            output_names=self.spec.outputs or ([self.spec.layers[-1].name] if self.spec.layers else []),
        )

    def add_input(self, node: Node) -> None:
        assert node.shape is not None
        self.shapes[node.name] = node.shape
        line, column = self.spec.input_positions.get(node.name, (1, 1))
        self.rows.append(Row(node.name, INPUT_TYPE, node.shape, Params(), [], line, column))

    def add_layer(self, node: Node, layer: LayerSpec) -> None:
        if any(source not in self.shapes for source in node.sources):
            return  # poisoned by an earlier error: stay quiet
        inputs = [self.shapes[source] for source in node.sources]
        why = Why()
        try:
            self.check_arity(layer, inputs)
            output = layer.layer.output_shape(inputs, why)
            params = layer.layer.params(inputs, why)
        except ShapeError as error:
            self.diagnostics.append(_at(self.spec, layer, error.code, error.message))
            return
        if not layer.keys.trainable:
            params = params.frozen()
        shown_inputs = node.sources if self.spec.functional else [s for s in node.sources if s not in self.spec.inputs]
        row = Row(layer.name, layer.type_name, output, params, list(shown_inputs),
                  layer.line, layer.column, why.steps, why.axes, inputs, layer)
        self.rows.append(row)
        self.shapes[layer.name] = row.main_shape
        if layer.keys.expect is not None:
            self.check_expect(layer.name, row.output_shape, layer.keys.expect, (layer.line, layer.column))

    def check_arity(self, layer: LayerSpec, inputs: list[Shape]) -> None:
        cls = type(layer.layer)
        count = len(inputs)
        if count < cls.min_inputs or (cls.max_inputs is not None and count > cls.max_inputs):
            wanted = (f"{cls.min_inputs}" if cls.min_inputs == cls.max_inputs
                      else f"at least {cls.min_inputs}" if cls.max_inputs is None
                      else f"{cls.min_inputs} to {cls.max_inputs}")
            raise ShapeError(f"{layer.type_name} takes {wanted} input(s), received {count}", code="SC102")

    def check_expectations(self) -> None:
        expected = self.spec.expect_output
        if expected is None or not self.spec.layers:
            return
        last = self.spec.outputs[-1] if self.spec.outputs else self.spec.layers[-1].name
        row = next((r for r in self.rows if r.name == last), None)
        if row is not None:
            self.check_expect(last, row.output_shape, expected, self.spec.expect_position)

    def check_expect(self, name: str, produced: Shape | list[Shape], expected: list, where: tuple[int, int]) -> None:
        if isinstance(produced, list):
            got = [list(shape[1:]) for shape in produced]
        else:
            got = list(produced[1:])
        if got != expected:
            shown = format_shape(tuple(produced[1:])) if not isinstance(produced, list) else str(got)
            self.diagnostics.append(Diagnostic(
                "SC104",
                f"{name}: expected output {format_shape(tuple(expected)) if expected and not isinstance(expected[0], list) else expected} "
                f"(batch axis excluded), but the model gives {shown}",
                name, where[0], where[1], self.spec.path))
