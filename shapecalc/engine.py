"""Walks a validated model through its layers and returns an Analysis: plain data, no rendering.

It names layers as a fresh Keras session would, has the graph wired
(graph.py), computes every output shape and parameter count through the
layers' own rules, orders the rows as Keras's summary does, and turns what
went wrong into diagnostics. One mistake gives one diagnostic: layers
downstream of a failed layer are skipped in silence.

Calls of a layer are numbered 0, 1, ... in the order they are evaluated, and
a node's output tensors 0, 1, ...; "Connected to" shows `layer[call][tensor]`
as Keras does.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapecalc.codes import ERROR, WARNING, Code
from shapecalc.costs import receptive
from shapecalc.costs.macs import total as total_macs
from shapecalc.costs.memory import calls_bytes, estimate, tensor_bytes
from shapecalc.costs.receptive import Field
from shapecalc.diagnostics import Diagnostic
from shapecalc.gcpause import paused_gc
from shapecalc.graph import (
    Node,
    build_graph,
    diagnostic_at,
    evaluation_order,
    keras_order,
    plain_chain,
    resolve,
)
from shapecalc.layers.base import Params, Why
from shapecalc.layers.naming import REUSE_TYPE, is_reuse, name_layers
from shapecalc.model import (
    INPUT_TYPE,
    Analysis,
    Connection,
    LayerSpec,
    ModelSpec,
    Row,
)
from shapecalc.shapes import Shape, ShapeError, format_shape
from shapecalc.tensor_limits import check_layer

SC104 = Code("SC104", ERROR, "an `expect` assertion failed",
             "an `expect` assertion failed; when pixels were lost to flooring, the message names the layers")
SC210 = Code("SC210", WARNING, "a layer no model output depends on: Keras leaves it out of the model")


@dataclass(slots=True)
class Call:
    """What one evaluated node received and produced."""

    node: str
    inputs: list[Shape]
    output: Shape | list[Shape]
    params: Params
    connections: list[Connection]
    why: Why
    macs: int | None = 0
    field: Field | None = None  # receptive field of the output (shapecalc.costs.receptive)


def analyze(spec: ModelSpec) -> Analysis:
    """Compute every layer's output shape and parameters; raise InvalidModel for graph problems."""
    with paused_gc():
        name_layers(spec)
        nodes = build_graph(spec)
        order = evaluation_order(spec, nodes)
        return _Walker(spec, nodes).run(order)


class _Walker:
    """Evaluates nodes in order, keeping shapes, calls and diagnostics; then lays out the rows."""

    def __init__(self, spec: ModelSpec, nodes: dict[str, Node]):
        self.spec = spec
        self.nodes = nodes
        self.functional = spec.functional or REUSE_TYPE in {layer.type_name for layer in spec.layers}  # any Reuse
        self.outputs: dict[str, list[Shape]] = {}  # node name -> its output tensors
        self.calls: dict[str, list[Call]] = {}  # layer name -> its evaluated calls
        self.diagnostics: list[Diagnostic] = []
        self.fields: dict[str, Field | None] = {}  # node name -> the receptive field of its outputs

    def run(self, order: list[str]) -> Analysis:
        for name in order:
            node = self.nodes[name]
            if node.is_input:
                self.add_input(node)
            else:
                self.add_call(node)
        outputs = self.output_nodes()
        self.check_expectations(outputs[-1] if outputs else None)
        layers, connected = self.layout(outputs)
        rows = [row for layer in layers if (row := self.row(layer)) is not None]
        totals = Params(sum(r.params.trainable for r in rows), sum(r.params.non_trainable for r in rows))
        return Analysis(
            path=self.spec.path,
            model=self.spec.name or ("functional" if self.functional else "sequential"),
            framework=self.spec.framework,
            functional=self.functional,
            rows=rows,
            diagnostics=sorted(self.diagnostics, key=Diagnostic.sort_key),
            totals=totals,
            input_names=list(self.spec.inputs),
            output_names=[self.nodes[name].layer for name in outputs],
            connected_column=connected,
            partial_totals=any(name not in self.outputs for name in order),  # a call failed, or was poisoned
            memory=estimate((self.nodes[name].shape for name in self.spec.inputs),  # type: ignore[misc]
                            (row.output_bytes for row in rows if row.type != INPUT_TYPE), totals.total),
        )

    def output_nodes(self) -> list[str]:
        if self.spec.outputs:
            return [found[0] for name in self.spec.outputs if (found := resolve(name, self.nodes))]
        return [self.spec.layers[-1].name] if self.spec.layers else []

    def layout(self, outputs: list[str]) -> tuple[list[str], bool]:
        """The layers in the model, in summary order, and whether Keras would show "Connected to"."""
        if not self.functional:
            return [layer.name for layer in self.spec.layers], False
        ordered, depths = keras_order(self.nodes, outputs, list(self.spec.inputs))
        self.warn_unreached(set(depths))
        for name, node in self.nodes.items():
            if name not in depths:
                node.call = -1  # not in the model: its connections are not shown
        if self.spec.framework == "pytorch":  # SPEC §1: inputs first, then file order
            # every module, used by an output or not: module.parameters() counts them all
            ordered = list(self.spec.inputs) + [layer.name for layer in self.spec.layers]
        return ordered, not plain_chain(self.nodes, depths)

    def warn_unreached(self, reached: set[str]) -> None:
        """A layer no output depends on: Keras leaves it out of the model, which is rarely what was meant.

        Quiet when an error already stopped the model: one mistake, one diagnostic.
        """
        if any(d.severity.value == "error" for d in self.diagnostics):
            return
        unreached = [n for n, node in self.nodes.items() if n not in reached and not node.is_input]
        consumers = {source for name in unreached for source, _ in self.nodes[name].links}
        unreached_set = set(unreached)
        for name in unreached:
            node = self.nodes[name]
            if name in consumers or node.layer not in self.calls:
                continue
            feeding = [self.display(n) for n in self.upstream_unreached(name, unreached_set)]
            extra = f" (nor do {len(feeding)} layer(s) that only feed it: {', '.join(feeding)})" if feeding else ""
            subject, what = (self.display(name), "this call") if is_reuse(node.spec) else (node.layer, "this layer")
            assert node.spec is not None
            consequence = ("the forward pass computes it for nothing, though module.parameters() still counts "
                           "its parameters" if self.spec.framework == "pytorch"
                           else "Keras leaves it out of the model and its parameters uncounted")
            self.diagnostics.append(diagnostic_at(self.spec, node.spec, "SC210",
                f"{subject}: no model output depends on {what}{extra}: {consequence}; "
                f"list it under `outputs:` or feed it to a layer that leads to one"))

    def display(self, name: str) -> str:
        """How a message names a node: its layer, or for an unnamed Reuse entry the call and its line."""
        node = self.nodes[name]
        if node.spec is None or not is_reuse(node.spec) or node.spec.keys.name is not None:
            return name
        return f"the call of {node.layer} at line {node.spec.line}"

    def upstream_unreached(self, name: str, unreached: set[str]) -> list[str]:
        found: list[str] = []
        stack = [source for source, _ in self.nodes[name].links]
        while stack:
            source = stack.pop()
            if source in unreached and source not in found:
                found.append(source)
                stack.extend(s for s, _ in self.nodes[source].links)
        return sorted(found)

    def add_input(self, node: Node) -> None:
        assert node.shape is not None
        self.outputs[node.name] = [node.shape]
        self.fields[node.name] = receptive.of_input(node.shape, self.spec.framework)
        self.calls[node.name] = [Call(node.name, [], node.shape, Params(), [], Why())]

    def add_call(self, node: Node) -> None:
        """Evaluate one call of a layer, unless an earlier error poisoned one of its sources.

        The hottest loop of the engine (once per layer): lookups are held in
        locals and each check is called only when it could raise.
        """
        assert node.spec is not None
        outputs, nodes = self.outputs, self.nodes
        sources: list[str] = []
        connections: list[Connection] = []
        for source, tensor in node.links:
            if source not in outputs:
                return  # poisoned by an earlier error: stay quiet
            feeding = nodes[source]  # evaluated already, so its call number is final
            sources.append(feeding.layer)
            connections.append((feeding.layer, feeding.call, tensor))
        layer = nodes[node.layer].spec
        assert layer is not None
        why = Why(sources=sources)
        earlier = self.calls.get(node.layer)
        try:
            inputs = []
            for source, tensor in node.links:
                produced = outputs[source]
                inputs.append(produced[tensor] if tensor < len(produced) else self.tensor(source, tensor))
            if not self.functional and len(inputs) == 1:
                self.check_sequential_feed(node)
            self.check_arity(layer, inputs)
            output = layer.layer.output_shape(inputs, why)
            params = layer.layer.params(inputs, why)
            check_layer(output, params.total)
            if earlier:
                self.check_shared_weights(node, earlier[0], inputs, params)
        except ShapeError as error:
            self.diagnostics.append(diagnostic_at(self.spec, node.spec, error.code, error.message))
            return
        if not layer.keys.trainable:
            params = params.frozen()
        if earlier is None:
            earlier = self.calls[node.layer] = []
        node.call = len(earlier)
        fields = self.fields
        field = fields[node.name] = layer.layer.receptive_field([fields.get(source) for source, _ in node.links], inputs)
        earlier.append(Call(node.name, inputs, output, params, connections, why, layer.layer.macs(inputs, output),
                            field))
        outputs[node.name] = list(output) if isinstance(output, list) else [output]
        if node.spec.keys.expect is not None:
            self.check_expect(node.layer, output, node.spec.keys.expect, (node.spec.line, node.spec.column))

    def tensor(self, source: str, index: int) -> Shape:
        tensors = self.outputs[source]
        if index >= len(tensors):
            raise ShapeError(f"{self.nodes[source].layer!r} has {len(tensors)} output(s): there is no output {index}",
                             code="SC102")
        return tensors[index]

    def check_shared_weights(self, node: Node, first: Call, inputs: list[Shape], params: Params) -> None:
        """A shared layer's weights were made for its first call: another call must fit them."""
        if params.total != first.params.total:
            shown = ", ".join(format_shape(s) for s in inputs)
            built = ", ".join(format_shape(s) for s in first.inputs)
            raise ShapeError(f"{node.layer}: a shared layer's weights were built for input {built} at its first "
                             f"call and do not fit input {shown} here", code="SC102")

    def row(self, name: str) -> Row | None:
        calls = self.calls.get(name)
        if not calls:
            return None
        spec = self.nodes[name].spec
        if spec is None:  # an input
            line, column = self.spec.input_positions.get(name, (1, 1))
            span, stride = receptive.per_axis(self.fields.get(name))
            return Row(name, INPUT_TYPE, calls[0].output, Params(), [], line, column,
                       receptive_field=span, effective_stride=stride, output_bytes=tensor_bytes(calls[0].output))
        first = calls[0]
        if len(calls) == 1:  # shown whether or not the model reaches it, as `or calls[:1]` below says
            connections = list(first.connections)
        else:
            shown = [call for call in calls if self.nodes[call.node].call >= 0] or calls[:1]
            connections = [c for call in shown for c in call.connections]
        if self.functional:
            inputs = [c[0] for c in connections]
        else:
            model_inputs = self.spec.inputs
            inputs = [c[0] for c in connections if c[0] not in model_inputs]
            connections = []
        macs = first.macs if len(calls) == 1 else total_macs(call.macs for call in calls)
        span, stride = receptive.per_axis(first.field)
        return Row(name, spec.layer.type_name(), calls[-1].output, first.params, inputs, spec.line, spec.column,
                   first.why.steps, first.why.axes, first.inputs, spec, connections, macs, span, stride,
                   calls_bytes([call.output for call in calls]))

    def check_sequential_feed(self, node: Node) -> None:
        """Keras's Sequential hands every output of a layer to the next one, which takes a single tensor.

        A PyTorch file passes the first output on (SPEC §6: `name` alone is the
        first output), as a module's forward written `x, _ = self.lstm(x)` does.
        """
        if self.functional or len(node.links) != 1 or self.spec.framework == "pytorch":
            return
        source = node.links[0][0]
        count = len(self.outputs[source])
        if count > 1 and not self.nodes[source].is_input:
            raise ShapeError(
                f"{node.layer} expects 1 input, but {self.nodes[source].layer} gives {count} outputs and a Sequential "
                f"model passes them all; use `inputs: [{self.nodes[source].layer}]` (its first output) "
                f"or `{self.nodes[source].layer}[t]` (output t) to make the model functional", code="SC102")

    def check_arity(self, layer: LayerSpec, inputs: list[Shape]) -> None:
        cls = type(layer.layer)
        count = len(inputs)
        if count < cls.min_inputs or (cls.max_inputs is not None and count > cls.max_inputs):
            wanted = (f"{cls.min_inputs}" if cls.min_inputs == cls.max_inputs
                      else f"at least {cls.min_inputs}" if cls.max_inputs is None
                      else f"{cls.min_inputs} to {cls.max_inputs}")
            raise ShapeError(f"{layer.type_name} takes {wanted} input(s), received {count}", code="SC102")

    def check_expectations(self, last: str | None) -> None:
        expected = self.spec.expect_output
        if expected is None or last is None or last not in self.outputs:
            return
        node = self.nodes[last]
        call = next(c for c in self.calls[node.layer] if c.node == last)
        self.check_expect(node.layer, call.output, expected, self.spec.expect_position)

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
