"""The layer graph of a model: its nodes, how references resolve, and the two orders it is walked in.

A *node* is one call of a layer (Keras's `Node`): a layer entry is its
layer's first call, each `Reuse` entry another one. `build_graph` wires the
nodes (the previous layer by default, `inputs:` where given, `Reuse` entries
calling a layer again) and reports references that lead nowhere, duplicate
names and cycles (SC005-SC007); `evaluation_order` is the order shapes can
be computed in, `keras_order` the order Keras's summary lists the rows in.
The engine (engine.py) walks the graph and computes what flows along it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shapecalc.codes import ERROR, Code
from shapecalc.diagnostics import Diagnostic
from shapecalc.layers.naming import REUSE_TYPE, is_reuse
from shapecalc.model import InvalidModel, LayerSpec, ModelSpec
from shapecalc.shapes import Shape

SC005 = Code("SC005", ERROR, "reference to a layer or input that does not exist")
SC006 = Code("SC006", ERROR, "duplicate layer name")
SC007 = Code("SC007", ERROR, "cycle in the layer graph")


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
                raise InvalidModel([diagnostic_at(spec, nodes[name].spec, "SC007",
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


def diagnostic_at(spec: ModelSpec, layer: LayerSpec | None, code: str, message: str) -> Diagnostic:
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
