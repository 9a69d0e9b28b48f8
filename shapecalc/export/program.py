"""A model file as the steps of a program: its inputs, then each call of a layer in an order that computes it.

Both code writers (Keras, PyTorch) walk the same steps: what each call
receives (a variable, or output t of one), the variable that holds what it
gives, and the variable of a shared layer's object. The model is read,
validated and analysed first, as `summarize` does it; a model with errors
is not exported (there is nothing correct to write).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shapecalc.export.pycode import identifier
from shapecalc.layers.naming import REUSE_TYPE
from shapecalc.model import Analysis, LayerSpec, ModelSpec

RESERVED = {"keras", "torch", "nn", "build_model", "self", "x", "Model", "_flat", "functional"}


class ExportRefused(Exception):
    """The model cannot be written as correct code for the target; the message says why."""


@dataclass
class Source:
    """What a call receives: the variable of the call that made it, and which of its outputs (None: its only one)."""

    variable: str
    tensor: int | None

    def expression(self) -> str:
        return self.variable if self.tensor is None else f"{self.variable}[{self.tensor}]"


@dataclass
class Step:
    """One input, or one call of a layer."""

    node: str
    variable: str
    layer: LayerSpec | None = None  # None for an input
    layer_name: str = ""  # the layer called (a Reuse entry's target)
    sources: list[Source] = field(default_factory=list)
    shape: tuple[Any, ...] | None = None  # an input's shape, batch axis excluded
    first_call: bool = True
    shared: bool = False  # the layer is called more than once


@dataclass
class Program:
    spec: ModelSpec
    analysis: Analysis
    steps: list[Step]
    outputs: list[Source]
    layers: dict[str, LayerSpec]  # layer name -> its defining entry


def read_program(path: str) -> Program:
    """Read, validate and analyse `path`; raises ExportRefused when it does not analyse cleanly."""
    from shapecalc.blocks.stage import BlockErrors, attach, expand_document
    from shapecalc.checks import run_passes
    from shapecalc.engine import analyze
    from shapecalc.graph import build_graph, evaluation_order, resolve
    from shapecalc.kerasfile import read_document
    from shapecalc.model import InvalidModel
    from shapecalc.reading import SourceError
    from shapecalc.render.lines import diagnostic_line
    from shapecalc.validate import MAX_LAYERS, load_model

    try:
        document = read_document(path)
        spec = load_model(expand_document(document, MAX_LAYERS))
        attach(spec)
        analysis = analyze(spec)
        run_passes(analysis, spec)
    except SourceError as error:
        raise _refused(path, [f"{path}:{error.line}:{error.column}: error[{error.code}] {error.message}"]) from None
    except (InvalidModel, BlockErrors) as errors:
        raise _refused(path, [diagnostic_line(d) for d in errors.diagnostics]) from None
    problems = [d for d in analysis.diagnostics + list(getattr(document, "problems", []))
                if d.severity.value == "error"]
    if problems:
        raise _refused(path, [diagnostic_line(d) for d in problems])
    nodes = build_graph(spec)
    order = evaluation_order(spec, nodes)
    taken = set(RESERVED)
    variables: dict[str, str] = {}
    calls: dict[str, int] = {}
    layers = {layer.name: layer for layer in spec.layers if layer.type_name != REUSE_TYPE}
    outputs_of = {row.name: row.output_shape for row in analysis.rows}
    steps = []
    for name in order:
        node = nodes[name]
        variables[name] = identifier(name, taken)
        if node.is_input:
            steps.append(Step(name, variables[name], shape=tuple(spec.inputs[name])))
            continue
        sources = [Source(variables[source], tensor if isinstance(outputs_of.get(nodes[source].layer), list)
                          else _only(tensor, source)) for source, tensor in node.links]
        count = calls.get(node.layer, 0)
        calls[node.layer] = count + 1
        steps.append(Step(name, variables[name], layers[node.layer], node.layer, sources, first_call=count == 0))
    for step in steps:
        step.shared = calls.get(step.layer_name, 0) > 1
    references = spec.outputs or ([spec.layers[-1].name] if spec.layers else [])
    outputs = []
    for reference in references:
        found = resolve(reference, nodes)
        assert found is not None
        node_name, tensor = found
        multiple = isinstance(outputs_of.get(nodes[node_name].layer), list)
        outputs.append(Source(variables[node_name], tensor if multiple else _only(tensor, node_name)))
    return Program(spec, analysis, steps, outputs, layers)


def _refused(path: str, lines: list[str]) -> ExportRefused:
    return ExportRefused("\n".join([*lines, f"{path}: not exported: the model has errors, so no code is correct"]))


def _only(tensor: int, source: str) -> None:
    if tensor != 0:  # the engine refused this already (SC102); kept as a guard
        raise ExportRefused(f"{source} has one output: there is no output {tensor}")
    return None


def arguments(layer: Any, framework: str) -> dict[str, Any]:
    """The layer's arguments that differ from their defaults, under the names the framework uses."""
    from shapecalc.kerasfile.yaml_writer import same_value

    found: dict[str, Any] = {}
    primary = type(layer).primary  # written even at our default: a framework may require it (AveragePooling1D)
    for name, field_spec in type(layer).model_fields.items():
        value = getattr(layer, name)
        if not field_spec.is_required() and same_value(value, field_spec.default) and (name != primary or value is None):
            continue
        found[field_spec.alias or name] = value
    return found
