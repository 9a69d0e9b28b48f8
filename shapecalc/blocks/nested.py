"""Keras's summary of a model that holds models: each nested model one row, or with `--expand` its rows under it.

A model used as a layer (`Sequential: {name: head, layers: [...]}`) is
written out in place like a block instance marked as a model. Keras 3's
`model.summary()` lists it as one row, `head (Sequential)`, with its output
shape and the parameters of all its layers; `summary(expand_nested=True)`
follows that row with the nested model's rows, each name indented
`"   " * level + "└ "` and connected to nothing ("-"), nested models within
nested models one level deeper. PyTorch files stay flat (torchinfo's
`--depth` folds them).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from shapecalc.blocks.depth import fold, group_row, renamed
from shapecalc.model import Analysis, Row


def has_nested_models(analysis: Analysis) -> bool:
    return analysis.framework == "keras" and any(
        row.spec is not None and any(instance.model for instance in row.spec.block) for row in analysis.rows)


def outermost_model(path: tuple[Any, ...]) -> Any:
    return next((instance for instance in path if instance.model), None)


def keras_view(analysis: Analysis, expand: bool = False, indent: bool = True) -> Analysis:
    """The rows Keras's summary lists; `indent` writes the nesting into the names (for the table only)."""
    if not has_nested_models(analysis):
        return analysis
    folded = fold(analysis, outermost_model)
    if analysis.connected_column and plain_chain(folded.rows):  # the branches were inside the nested models
        folded = replace(folded, connected_column=False)
    if not expand:
        return folded
    folded_into = {row.name: model.name for row in analysis.rows
                   if row.spec is not None and (model := outermost_model(row.spec.block)) is not None}
    members: dict[int, list[Row]] = {}
    for row in analysis.rows:
        for instance in row.spec.block if row.spec is not None else ():
            if instance.model:
                members.setdefault(id(instance), []).append(row)
    rows: list[Row] = []
    shown: set[int] = set()
    for row in analysis.rows:
        models = [instance for instance in row.spec.block if instance.model] if row.spec is not None else []
        for level, model in enumerate(models):
            if id(model) not in shown:
                shown.add(id(model))
                whole = group_row(model, members[id(model)], folded_into)
                rows.append(_nested(renamed(whole, folded_into), level, indent))
        rows.append(_nested(renamed(row, folded_into), len(models), indent))
    values = {field.name: getattr(folded, field.name) for field in fields(folded)}
    return ExpandedAnalysis(**{**values, "rows": rows}, layers_macs=analysis.total_macs)


@dataclass
class ExpandedAnalysis(Analysis):
    """The expanded view: a nested model's row and its layers' rows both show the same work, counted once."""

    layers_macs: int | None = None

    @property
    def total_macs(self) -> int | None:
        return self.layers_macs


def plain_chain(rows: list[Row]) -> bool:
    """print_summary's `sequential_like` on the rows Keras lists (a nested model one node): one input, each
    row fed by at most one tensor, no tensor feeding two rows. Then Keras prints no "Connected to"."""
    starts = 0
    fed: dict[str, int] = {}
    for row in rows:
        if len(row.connections) > 1:
            return False
        starts += not row.connections
        for source, _, _ in row.connections:
            fed[source] = fed.get(source, 0) + 1
    return starts <= 1 and all(count == 1 for count in fed.values())


def _nested(row: Row, level: int, indent: bool) -> Row:
    """A row `level` models deep: Keras connects it to nothing and indents its name."""
    if not level:
        return row
    name = "   " * level + "└ " + row.name if indent else row.name
    return replace(row, name=name, connections=[], inputs=[])
