"""What Keras's own `model.summary()` shows for a built model, row by row, read from the model itself.

The rows are (name, class, output shape, params, trainable, non-trainable,
"Connected to"), in the order print_summary lists them: `model.layers` for a
Sequential model, `model._operations` (InputLayers included) for a
Functional one. Nothing here reads shapecalc.
"""

from __future__ import annotations

from typing import Any

from tests.differential.keras_reference import _connections, _sequential_like, _size, shape_of

Row = tuple[str, str, Any, int, int, int, str]


def summary_rows(model: Any) -> tuple[list[Row], bool, tuple[int, int, int]]:
    """Keras's rows, whether it shows "Connected to", and its totals (total, trainable, non-trainable)."""
    import keras

    functional = not isinstance(model, keras.Sequential)
    relevant = [node for nodes in getattr(model, "_nodes_by_depth", {}).values() for node in nodes]
    rows = []
    for layer in model._operations if functional else model.layers:
        trainable = sum(int(_size(w)) for w in getattr(layer, "trainable_weights", []))
        non_trainable = sum(int(_size(w)) for w in getattr(layer, "non_trainable_weights", []))
        output = layer._inbound_nodes[-1].outputs if functional else layer.output
        if isinstance(output, (list, tuple)) and len(output) == 1:
            output = output[0]
        connected = _connections(layer, relevant) if functional else "-"
        rows.append((layer.name, type(layer).__name__, shape_of(output), trainable + non_trainable,
                     trainable, non_trainable, connected))
    connected_column = functional and not _sequential_like(model, relevant)
    if not connected_column:
        rows = [(*row[:6], "-") for row in rows]
    trainable = sum(int(_size(w)) for w in model.trainable_weights)
    non_trainable = sum(int(_size(w)) for w in model.non_trainable_weights)
    return rows, connected_column, (trainable + non_trainable, trainable, non_trainable)


def our_rows(analysis: Any) -> tuple[list[Row], bool, tuple[int, int, int]]:
    """The same view of shapecalc's Analysis: its JSON layers and the summary's "Connected to" cells."""
    from shapecalc.render.json import document
    from shapecalc.render.summary import summary_text

    ours = document(analysis)
    summary = summary_text(analysis)
    connected_column = "Connected to" in summary.header
    # our cell holds one connection a line; Keras's string joins them with ", "
    cells = [" ".join(row[3].split("\n")) for row in summary.rows] if connected_column else ["-"] * len(ours["layers"])
    rows = []
    for layer, cell in zip(ours["layers"], cells, strict=True):
        shape = layer["output_shape"]
        rows.append((layer["name"], layer["type"], shape, layer["params"], layer["trainable_params"],
                     layer["non_trainable_params"], cell))
    totals = (ours["total_params"], ours["trainable_params"], ours["non_trainable_params"])
    return rows, connected_column, totals
