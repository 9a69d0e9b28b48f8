"""`summarize --depth N`: the rows below depth N folded into one row per block instance, as torchinfo's `depth`.

Layers written in `layers:` are at depth 1, the layers of a block used there
at depth 2, and so on. With `--depth N`, a layer deeper than N is shown as
the instance at depth N that holds it: one row named after the instance,
typed by its block, with the instance's output shape and the sum of its
layers' parameters. The totals do not change. Without `--depth` the table
stays flat, as Keras prints the models of `keras.applications`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from shapecalc.costs.macs import total as total_macs
from shapecalc.layers.base import Params
from shapecalc.model import Analysis, Row


def collapse(analysis: Analysis, depth: int) -> Analysis:
    """A copy of `analysis` whose rows deeper than `depth` are folded into their instances' rows."""
    return fold(analysis, lambda path: path[depth - 1] if len(path) >= depth else None)


def fold(analysis: Analysis, holder: Callable[[tuple[Any, ...]], Any]) -> Analysis:
    """A copy of `analysis` where each row whose block path `holder` maps to an instance is shown as that
    instance's row (one per instance, where its first layer was)."""
    order: list[Row | int] = []  # a row shown as it is, or the id of an instance shown in its place
    members: dict[int, list[Row]] = {}
    instances: dict[int, Any] = {}
    folded_into: dict[str, str] = {}  # a folded layer's name -> its instance's row
    for row in analysis.rows:
        instance = holder(row.spec.block) if row.spec is not None and row.spec.block else None
        if instance is None:
            order.append(row)
            continue
        folded_into[row.name] = instance.name
        if id(instance) not in members:
            members[id(instance)] = []
            instances[id(instance)] = instance
            order.append(id(instance))
        members[id(instance)].append(row)
    rows = [item if isinstance(item, Row) else group_row(instances[item], members[item], folded_into) for item in order]
    return replace(analysis, rows=[renamed(row, folded_into) for row in rows])


def group_row(instance: Any, layers: list[Row], folded_into: dict[str, str]) -> Row:
    """The instance's row: its output's shape, its layers' parameters, what feeds it from outside."""
    output = instance.output.partition("[")[0]
    last = next((layer for layer in layers if layer.name == output), layers[-1])
    shape = last.output_shape
    params = Params(sum(layer.params.trainable for layer in layers), sum(layer.params.non_trainable for layer in layers))
    name = instance.name
    connections = list(dict.fromkeys(c for layer in layers for c in layer.connections if folded_into.get(c[0]) != name))
    inputs = list(dict.fromkeys(source for layer in layers for source in layer.inputs if folded_into.get(source) != name))
    first = layers[0]
    macs = total_macs(layer.macs for layer in layers)  # the folded layers' work
    output_bytes = total_macs(layer.output_bytes for layer in layers)  # and the outputs they hold
    return Row(name, instance.block, shape, params, inputs, first.line, first.column, connections=connections,
               input_shapes=first.input_shapes, macs=macs, receptive_field=last.receptive_field,
               effective_stride=last.effective_stride, output_bytes=output_bytes)


def renamed(row: Row, folded_into: dict[str, str]) -> Row:
    """The row with its sources named as shown: a folded layer by its instance (each source once)."""
    if not any(name in folded_into for name, _, _ in row.connections):
        return row
    connections, seen = [], set()
    for name, call, tensor in row.connections:
        connection = (folded_into.get(name, name), call, tensor)
        if connection not in seen:
            seen.add(connection)
            connections.append(connection)
    inputs = list(dict.fromkeys(folded_into.get(name, name) for name in row.inputs))
    return replace(row, connections=connections, inputs=inputs)
