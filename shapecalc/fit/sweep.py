"""One input axis swept over a range of sizes: at each size, does the model compute, floor nowhere, and what comes out?

`shapecalc fit` asks the same question at a thousand sizes per axis, so it
does not re-run the whole engine each time (rows, names, Keras ordering,
receptive fields and MACs are the same or beside the point). The graph is
built once by graph.py, as the engine builds it; each size then walks it calling
every layer's `output_shape` and `params`, the same calls the engine makes,
and stops at the first layer that refuses the size (a ShapeError) or floors.
Flooring is judged as SC201 judges it (checks/analyzed.py `real_losses`):
real pixels lost, not pixels of padding.

What the walk decides is re-checked through the full engine for every size
`fit` proposes (fit/search.py), and tests/fit compares the two over whole
ranges for the shipped specs.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapecalc.checks.analyzed import PADDING_TYPES, padding_at_end, spatial
from shapecalc.graph import Node, build_graph, evaluation_order, resolve
from shapecalc.layers.base import Layer, Why
from shapecalc.model import ModelSpec
from shapecalc.shapes import Axis, Shape, ShapeError


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the model does with one input size: `output` when it computes and floors nowhere, else why not."""

    size: int
    output: Shape | None = None
    layer: str | None = None  # the layer that refused or floored
    problem: str = ""  # "floors" or the framework's error message

    @property
    def computes(self) -> bool:
        return self.output is not None


class Sweep:
    """The model's graph, built once, walked at one input size after another.

    `axis` is the index of the swept spatial axis among the input's spatial
    axes. With `others_known` the other spatial axes keep their sizes and a
    loss on them is not held against the swept axis (a layer whose window
    axes line up with the input's is judged per axis, as SC202's search
    does); otherwise they are unknown (null), so every loss is the swept axis's.
    """

    def __init__(self, spec: ModelSpec, layout: str):
        self.spec = spec
        self.layout = layout
        self.nodes: dict[str, Node] = build_graph(spec)
        self.order = evaluation_order(spec, self.nodes)
        self.output = self._first_output()
        self.padding_types = PADDING_TYPES.get(spec.framework, set())
        self.refusals: dict[tuple, str | None] = {}  # see _weights_refused
        self.computed: dict[tuple, tuple] = {}  # see _computed
        self.steps = [(name, node.layer, None if node.spec is None else self.nodes[node.layer].spec.layer,  # type: ignore[union-attr]
                       node.links) for name, node in ((name, self.nodes[name]) for name in self.order)]

    def _first_output(self) -> str:
        if self.spec.outputs:
            found = resolve(self.spec.outputs[0], self.nodes)
            if found is not None:
                return found[0]
        return self.spec.layers[-1].name

    def verdict(self, shape: Shape, axis: int, size: int, others_known: bool) -> Verdict:
        """Walk the graph with the model input of batch-first `shape` (its swept axis already set to `size`).

        Called a thousand times per axis: the graph's lookups are made once, in `steps`.
        """
        outputs: dict[str, list[Shape]] = {}
        spatial_count = len(shape) - 2
        for name, called, layer, links in self.steps:
            if layer is None:
                outputs[name] = [shape]
                continue
            inputs = []
            for source, tensor in links:
                produced = outputs[source]
                if tensor >= len(produced):
                    return Verdict(size, layer=called, problem=f"{source!r} has no output {tensor}")
                inputs.append(produced[tensor])
            output, windows = self._computed(name, layer, inputs)
            if isinstance(output, str):
                return Verdict(size, layer=called, problem=output)
            count = len(windows)
            for index, window in enumerate(windows):
                if not window.span or window.stride > window.span or (others_known and count == spatial_count
                                                                       and index != axis):
                    continue
                lost = window.lost
                if lost and lost > self._padded(self.nodes[name], index, count, outputs):
                    return Verdict(size, layer=called, problem="floors")
            outputs[name] = output if isinstance(output, list) else [output]
        return Verdict(size, output=outputs[self.output][0])

    def _computed(self, name: str, layer: Layer, inputs: list[Shape]) -> tuple[Shape | list[Shape] | str, list[Axis]]:
        """The layer's output and window axes for these inputs, or the framework's refusal (a message).

        Kept per layer and inputs: past the first strided layers, many model
        sizes reach a layer with the same input (a ResNet's last stage sees
        32 sizes where its input saw 1,024), so the deep layers are computed
        once per size they see, not once per model size.
        """
        key = (name, *inputs)
        try:
            found = self.computed.get(key)
        except TypeError:  # an input that is not a plain tuple of sizes: computed every time
            key, found = None, None
        if found is None:
            why = Why()
            try:
                found = layer.output_shape(inputs, why), why.axes
            except ShapeError as error:
                found = error.message, []
            if not isinstance(found[0], str):
                refused = self._weights_refused(name, layer, inputs)
                found = (refused, []) if refused is not None else found
            if key is not None:
                self.computed[key] = found
        return found

    def _weights_refused(self, name: str, layer: Layer, inputs: list[Shape]) -> str | None:
        """Why the layer cannot make its weights for these inputs (a Dense after a Flatten of unknown size), or None.

        Weights depend on the channel and feature sizes, which a spatial size
        reaches only by being known or not: the answer is kept per pattern of
        unknown sizes, so a thousand sizes cost one call per layer, not a thousand.
        """
        key = (name, *[tuple(map(_unknown, shape)) for shape in inputs])
        if key not in self.refusals:
            try:
                layer.params(inputs, Why())
                self.refusals[key] = None
            except ShapeError as error:
                self.refusals[key] = error.message
        return self.refusals[key]

    def _padded(self, node: Node, index: int, count: int, outputs: dict[str, list[Shape]]) -> int:
        """Pixels of padding at the far end of axis `index` of this layer's input, added by the layer before it."""
        if len(node.links) != 1:
            return 0
        source = self.nodes[node.links[0][0]]
        if source.spec is None or source.spec.layer.type_name() not in self.padding_types:
            return 0
        feeding = source.links[0][0] if len(source.links) == 1 else None
        if feeding is None:
            return 0
        return padding_at_end(source.spec.layer, outputs[feeding][0], outputs[source.name][0], index, count,
                              self.spec.framework, self.layout)

    def output_size(self, output: Shape, axis: int) -> int | None:
        """The output's size along the swept axis, when the output has as many spatial axes as the input."""
        sizes = spatial(output, self.layout)
        input_count = len(spatial((None, *next(iter(self.spec.inputs.values()))), self.layout))
        return sizes[axis] if len(sizes) == input_count else None


def _unknown(size: int | None) -> bool:
    return size is None
