"""Walks a validated model through its layers and returns an Analysis: plain data, no rendering.

It names layers as a fresh Keras session would, wires the graph (the previous
layer by default, `inputs:` where given, `Reuse` entries calling a layer
again), computes every output shape and parameter count through the layers'
own rules, orders the rows as Keras's summary does, and turns what went wrong
into diagnostics. One mistake gives one diagnostic: layers downstream of a
failed layer are skipped in silence.

Vocabulary: a *node* is one call of a layer (Keras's `Node`): a layer entry
is its layer's first call, each `Reuse` entry another one. Calls of a layer
are numbered 0, 1, ... in the order they are evaluated, and a node's output
tensors 0, 1, ...; "Connected to" shows `layer[call][tensor]` as Keras does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shapecalc.codes import ERROR, WARNING, Code
from shapecalc.costs import receptive
from shapecalc.costs.macs import total as total_macs
from shapecalc.costs.receptive import Field
from shapecalc.diagnostics import Diagnostic
from shapecalc.gcpause import paused_gc
from shapecalc.layers.base import Params, Why
from shapecalc.layers.naming import REUSE_TYPE, is_reuse, name_layers
from shapecalc.model import (
    INPUT_TYPE,
    Analysis,
    Connection,
    InvalidModel,
    LayerSpec,
    ModelSpec,
    Row,
)
from shapecalc.shapes import Shape, ShapeError, format_shape
from shapecalc.tensor_limits import check_layer

SC005 = Code("SC005", ERROR, "reference to a layer or input that does not exist")
SC006 = Code("SC006", ERROR, "duplicate layer name")
SC007 = Code("SC007", ERROR, "cycle in the layer graph")
SC104 = Code("SC104", ERROR, "an `expect` assertion failed",
             "an `expect` assertion failed; when pixels were lost to flooring, the message names the layers")
SC210 = Code("SC210", WARNING, "a layer no model output depends on: Keras leaves it out of the model")



@dataclass(slots=True)
class Node:
    """A vertex of the graph: an input, or one call of a layer, with the references feeding it."""

    name: str  # how `inputs:` and `outputs:` refer to it
    spec: LayerSpec | None
    sources: list[str]  # references as written
    shape: Shape | None = None  # for inputs
    layer: str = ""  # the layer it calls: its own name, or a Reuse entry's target
    links: list[tuple[str, int]] = field(default_factory=list)  # (node name, tensor index) per source
    call: int = 0  # Keras's node index among the calls of `layer`, set when evaluated

    @property
    def is_input(self) -> bool:
        return self.spec is None


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


def build_graph(spec: ModelSpec) -> dict[str, Node]:
    """Nodes by name, each source resolved; SC005/SC006 problems are raised as InvalidModel."""
    problems: list[Diagnostic] = []
    nodes: dict[str, Node] = {}
    for name, shape in spec.inputs.items():
        nodes[name] = Node(name, None, [], shape=(spec.batch, *shape), layer=name)
    previous = next(iter(spec.inputs), None)
    for layer in spec.layers:
        if layer.name in nodes:
            problems.append(_duplicate(spec, layer, nodes[layer.name]))
            continue
        sources = layer.keys.inputs
        if sources is None:  # the previous layer, unless this layer starts a branch (a Parameter takes no input)
            sources = [previous] if previous and type(layer.layer).max_inputs != 0 else []
        nodes[layer.name] = Node(layer.name, layer, list(sources), layer=layer.name)
        previous = layer.name
    problems += _resolve_reuse(spec, nodes)
    calls: dict[str, list[str]] | None = None  # made on the first `name[n][t]` reference
    for node in nodes.values():
        links = node.links
        for index, source in enumerate(node.sources):
            if source in nodes:  # a plain name, as resolve() would answer first
                links.append((source, 0))
                continue
            if calls is None:
                calls = calls_by_layer(nodes)
            link = resolve(source, nodes, calls)
            if link is None:
                problems.append(_unknown_reference(spec, node, index, source, nodes, hint=len(problems) < HINTED_PROBLEMS))
            else:
                links.append(link)
    for index, name in enumerate(spec.outputs or []):
        if resolve(name, nodes) is None:
            line, column = spec.document.locate(("outputs", index))
            problems.append(Diagnostic("SC005", f"output {name!r} is not a layer or input of this model"
                                       f"{_hint(name, nodes)}", None, line, column, spec.path))
    if problems:
        raise InvalidModel(sorted(problems, key=Diagnostic.sort_key))
    return nodes


_REFERENCE = re.compile(r"^(?P<name>.+?)(?:\[(?P<first>\d{1,9})\])(?:\[(?P<second>\d{1,9})\])?$")  # int() of 5,000 digits raises


def calls_by_layer(nodes: dict[str, Node]) -> dict[str, list[str]]:
    """Each layer's nodes (its calls) in file order, for `name[n][t]` references."""
    calls: dict[str, list[str]] = {}
    for node in nodes.values():
        calls.setdefault(node.layer, []).append(node.name)
    return calls


def resolve(reference: str, nodes: dict[str, Node], calls: dict[str, list[str]] | None = None) -> tuple[str, int] | None:
    """(node name, tensor index) that a reference means, or None if it names nothing.

    `name` is the node's first output; `name[t]` its output t (a layer with
    several outputs); `name[n][t]` Keras's notation, output t of call n of
    layer `name` (calls counted in file order).
    """
    if reference in nodes:
        return reference, 0
    match = _REFERENCE.match(reference)
    if match is None or match["name"] not in nodes:
        return None
    name = match["name"]
    if match["second"] is None:
        return name, int(match["first"])
    layer_calls = (calls if calls is not None else calls_by_layer(nodes)).get(nodes[name].layer, [])
    call = int(match["first"])
    return (layer_calls[call], int(match["second"])) if call < len(layer_calls) else None


def _resolve_reuse(spec: ModelSpec, nodes: dict[str, Node]) -> list[Diagnostic]:
    """Point every Reuse node at the layer it calls (following Reuse names to their layer)."""
    problems = []
    for node in nodes.values():
        if node.spec is None or node.spec.type_name != REUSE_TYPE:  # is_reuse(), once per node
            continue
        target = node.spec.layer.layer  # type: ignore[attr-defined]
        seen = {node.name}
        while target in nodes and nodes[target].spec is not None and is_reuse(nodes[target].spec) and target not in seen:
            seen.add(target)
            target = nodes[target].spec.layer.layer  # type: ignore[union-attr]
        if not node.spec.keys.trainable:
            line, column = spec.document.locate(node.spec.args_path + ("trainable",))
            problems.append(Diagnostic("SC004", f"Reuse: `trainable` belongs on the entry that defines {target!r}: "
                                       "a shared layer's weights are frozen for every call or for none",
                                       None, line, column, spec.path))
        found = nodes.get(target)
        if found is None or found.spec is None or is_reuse(found.spec):
            what = "an input, not a layer" if found is not None and found.spec is None else "not a layer of this model"
            line, column = spec.document.locate(node.spec.args_path + ("layer",))
            hint = _hint(target, nodes, layers_only=True) if len(problems) < HINTED_PROBLEMS else ""
            problems.append(Diagnostic("SC005", f"Reuse: {target!r} is {what}{hint}",
                                       None, line, column, spec.path))
        else:
            node.layer = target
    return problems


HINTED_PROBLEMS = 20  # each hint compares a name with every layer's: thousands of them would take seconds


def _hint(name: str, nodes: dict[str, Node], layers_only: bool = False) -> str:
    import difflib

    known = [n for n, node in nodes.items() if not (node.spec is not None and is_reuse(node.spec) and node.spec.keys.name is None)]
    if layers_only:
        known = [n for n in known if nodes[n].spec is not None and not is_reuse(nodes[n].spec)]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _unknown_reference(spec: ModelSpec, node: Node, index: int, source: str, nodes: dict[str, Node],
                       hint: bool = True) -> Diagnostic:
    assert node.spec is not None
    line, column = spec.document.locate(node.spec.args_path + ("inputs", index))
    who = node.layer if node.spec.keys.name is not None or not is_reuse(node.spec) else f"Reuse of {node.layer!r}"
    match = _REFERENCE.match(source)
    if match is not None and match["second"] is not None and match["name"] in nodes:
        layer = nodes[match["name"]].layer
        calls = sum(1 for other in nodes.values() if other.layer == layer)
        why = f"{layer!r} is called {calls} time(s), so its calls are numbered 0 to {calls - 1}"
        return Diagnostic("SC005", f"{who}: input {source!r} names no call of a layer: {why}",
                          node.spec.name, line, column, spec.path)
    return Diagnostic("SC005", f"{who}: input {source!r} is not a layer or input of this model{_hint(source, nodes) if hint else ''}",
                      node.spec.name, line, column, spec.path)


def _duplicate(spec: ModelSpec, layer: LayerSpec, first: Node) -> Diagnostic:
    line, column = spec.document.locate(layer.args_path + ("name",))
    if first.spec is None:
        where = "an input"
    else:
        where = f"the layer at line {first.spec.line}"
    auto = "" if layer.keys.name is not None else " (Keras's automatic name for this layer)"
    return Diagnostic("SC006", f"duplicate layer name {layer.name!r}{auto}: {where} has it already; names must be unique",
                      layer.name, line, column, spec.path)


def evaluation_order(spec: ModelSpec, nodes: dict[str, Node]) -> list[str]:
    """Inputs first, then layers so that each comes after its sources (file order where free)."""
    if sources_come_first(nodes):
        return list(nodes)
    order: list[str] = []
    state: dict[str, int] = {}
    for root in nodes:
        if state.get(root):
            continue
        stack = [(root, iter(nodes[root].links))]
        state[root] = 1
        while stack:
            name, pending = stack[-1]
            link = next(pending, None)
            if link is None:
                stack.pop()
                state[name] = 2
                order.append(name)
            elif state.get(link[0]) == 1:
                cycle = [entry for entry, _ in stack]
                cycle = cycle[cycle.index(link[0]):] + [link[0]]
                raise InvalidModel([_at(spec, nodes[name].spec, "SC007",
                                        f"{name}: cycle in the layer graph: {' -> '.join(reversed(cycle))}")])
            elif not state.get(link[0]):
                state[link[0]] = 1
                stack.append((link[0], iter(nodes[link[0]].links)))
    return order


def sources_come_first(nodes: dict[str, Node]) -> bool:
    """Whether every node's sources precede it in file order (most files): then the file order is the
    evaluation order, as the depth-first walk finds every source already done (and no cycle) at each node."""
    done: set[str] = set()
    for name, node in nodes.items():
        for source, _ in node.links:
            if source not in done:
                return False
        done.add(name)
    return True


def _at(spec: ModelSpec, layer: LayerSpec | None, code: str, message: str) -> Diagnostic:
    line, column = (layer.line, layer.column) if layer else (1, 1)
    return Diagnostic(code, message, layer.name if layer else None, line, column, spec.path)


def keras_order(nodes: dict[str, Node], outputs: list[str], inputs: list[str]) -> tuple[list[str], dict[str, int]]:
    """Keras 3's `map_graph`: the layers of the model in summary order, and each node's depth.

    A depth-first walk from the outputs (sources in order) numbers each
    layer when first reached and lists nodes after their sources. Walking
    that list backwards, a node's depth is the largest depth of the nodes it
    feeds plus one (outputs 0), and a layer takes the largest depth of its
    calls. Layers are listed by decreasing depth, ties by walk number. Inputs
    that feed no output still appear, at depth 0, before the rest. Nodes the
    walk never reaches are not in the model at all.
    """
    walk, first_seen = _walk_from(outputs, nodes)
    node_depth, layer_depth = _depths(walk, nodes)
    for name in inputs:
        if name not in layer_depth:
            layer_depth[name], first_seen[name], node_depth[name] = 0, -1, 0
    ordered = sorted(layer_depth, key=lambda layer: (-layer_depth[layer], first_seen[layer]))
    return ordered, node_depth


def _walk_from(outputs: list[str], nodes: dict[str, Node]) -> tuple[list[str], dict[str, int]]:
    """keras_order's depth-first walk: nodes after their sources, and each layer's number when first reached.

    One loop with its lookups held in locals: a 100,000-layer chain takes
    100,000 steps here, each once.
    """
    finished: set[str] = set()
    walk: list[str] = []
    first_seen: dict[str, int] = {}
    see = first_seen.setdefault
    for start in outputs:
        if start in finished:
            continue
        stack = [(start, iter(nodes[start].links))]
        see(nodes[start].layer, len(first_seen))
        while stack:
            name, pending = stack[-1]
            for source, _ in pending:  # resumes where this node's sources were left
                if source not in finished:  # the graph has no cycles (evaluation_order refused them)
                    node = nodes[source]
                    see(node.layer, len(first_seen))
                    stack.append((source, iter(node.links)))
                    break
            else:
                stack.pop()
                finished.add(name)
                walk.append(name)
    return walk, first_seen


def _depths(walk: list[str], nodes: dict[str, Node]) -> tuple[dict[str, int], dict[str, int]]:
    """Each node's depth (the largest depth of the nodes it feeds plus one; a layer's calls share the
    largest) and each layer's, from the walk read backwards."""
    node_depth: dict[str, int] = {}
    layer_depth: dict[str, int] = {}
    for name in reversed(walk):
        node = nodes[name]
        depth = node_depth.setdefault(name, 0)
        shared = layer_depth.get(node.layer, 0)
        if shared > depth:
            depth = node_depth[name] = shared
        layer_depth[node.layer] = depth
        below = depth + 1
        for source, _ in node.links:
            if node_depth.get(source, 0) < below:
                node_depth[source] = below
    return node_depth, layer_depth


def plain_chain(nodes: dict[str, Node], depths: dict[str, int]) -> bool:
    """Keras prints no "Connected to" column when the graph is one chain (print_summary's `sequential_like`)."""
    per_depth: dict[int, int] = {}
    calls: dict[str, int] = {}
    for name, depth in depths.items():
        per_depth[depth] = per_depth.get(depth, 0) + 1
        if per_depth[depth] > 1 or len(nodes[name].links) > 1:
            return False
        calls[nodes[name].layer] = calls.get(nodes[name].layer, 0) + 1
    return all(count == 1 for count in calls.values())


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
            self.diagnostics.append(_at(self.spec, node.spec, "SC210",
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
            self.diagnostics.append(_at(self.spec, node.spec, error.code, error.message))
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
                       receptive_field=span, effective_stride=stride)
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
                   first.why.steps, first.why.axes, first.inputs, spec, connections, macs, span, stride)

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
