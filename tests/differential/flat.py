"""A model file as the reference builders read it: plain data, with any blocks written out flat.

The differential tests build each file's model in the real framework from its
data. A file with `blocks:` is first expanded by shapecalc's own blocks stage
(the expansion is what they check against the framework, with the names and
wiring it produced); a framework's refusal of an expanded entry is mapped to
the top-level entry (the block use) it came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def model_data(path: Path) -> tuple[dict[str, Any], list[int]]:
    """(the model's data with plain layers only, the top-level entry index of each of its layers)."""
    data = yaml.safe_load(path.read_text())
    if "blocks" not in data:
        return data, list(range(len(data["layers"])))
    from shapecalc.blocks.stage import attach, expand_document
    from shapecalc.reading import read_file
    from shapecalc.validate import MAX_LAYERS, load_model

    document = expand_document(read_file(str(path)), MAX_LAYERS)
    spec = load_model(document)
    attach(spec)  # names what placeholders stand for
    flat = dict(document.data)
    layers = list(flat["layers"])
    for layer in spec.layers:
        entry = layers[layer.index]
        if layer.keys.inputs is not None and isinstance(entry, dict):
            if "type" in entry:
                layers[layer.index] = {**entry, "inputs": layer.keys.inputs}
            else:
                ((type_name, args),) = entry.items()
                layers[layer.index] = {type_name: {**(args if isinstance(args, dict) else {}), "inputs": layer.keys.inputs}}
    flat["layers"] = layers
    if spec.outputs is not None:
        flat["outputs"] = spec.outputs
    uses = [origin if type(origin) is int else origin.use for origin in document.origins]
    return flat, uses
