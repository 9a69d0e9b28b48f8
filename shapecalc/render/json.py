"""The machine-readable summary of SPEC §3: exactly one JSON document."""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from typing import Any

from shapecalc.costs.memory import Memory
from shapecalc.diagnostics import Diagnostic
from shapecalc.gcpause import paused_gc
from shapecalc.model import Analysis, Row


def _shape(shape: Any) -> Any:
    if isinstance(shape, list):
        return [list(s) for s in shape]
    return list(shape)


def layer_json(row: Row) -> dict[str, Any]:
    if row.spec is not None and row.spec.layer.user_declared:  # a class the file declared (custom_layers:)
        return {**_layer_json(row), "custom": True}
    return _layer_json(row)


def _layer_json(row: Row) -> dict[str, Any]:
    return {
        "name": row.name,
        "type": row.type,
        "output_shape": _shape(row.output_shape),
        "params": row.params.total,
        "trainable_params": row.params.trainable,
        "non_trainable_params": row.params.non_trainable,
        "inputs": list(row.inputs),
        "block": [instance.name for instance in row.spec.block] if row.spec is not None else [],
        "macs": row.macs,
        "receptive_field": row.receptive_field,
        "effective_stride": row.effective_stride,
        "output_bytes": row.output_bytes,
    }


def document(analysis: Analysis) -> dict[str, Any]:
    with paused_gc():  # one dict per layer, all kept
        return _document(analysis)


def _document(analysis: Analysis) -> dict[str, Any]:
    totals = analysis.totals
    counts = {"total_params": totals.total, "trainable_params": totals.trainable,
              "non_trainable_params": totals.non_trainable}
    document = {
        "model": analysis.model,
        "framework": analysis.framework,
        "layers": [layer_json(row) for row in analysis.rows],
        **counts,
        "total_macs": analysis.total_macs,
        **memory_json(analysis.memory),
        "diagnostics": [d.as_json() for d in analysis.diagnostics],
    }
    if analysis.partial_totals:  # a layer failed: the model has no total, only its computed layers have
        document.update(dict.fromkeys(counts))
        document["params_before_error"] = counts
        document["macs_before_error"], document["total_macs"] = document["total_macs"], None
        document.update(dict.fromkeys(MEMORY_KEYS[1:]))  # the input is known; the rest is no model's
    return document


def memory_json(memory: Memory | None) -> dict[str, int | None]:
    """The memory estimate's figures in bytes, for one sample, float32 (shapecalc.costs.memory)."""
    if memory is None:
        return dict.fromkeys(MEMORY_KEYS)
    return dict(zip(MEMORY_KEYS, (memory.input_bytes, memory.forward_bytes, memory.param_bytes, memory.total_bytes),
                    strict=True))


MEMORY_KEYS = ("input_bytes", "forward_pass_bytes", "param_bytes", "estimated_total_bytes")


def failure_document(path: str, diagnostics: list[Diagnostic], framework: str | None = None) -> dict[str, Any]:
    """The same document for a file that could not be analysed at all (exit 2)."""
    return {
        "model": None,
        "framework": framework,
        "layers": [],
        "total_params": 0,
        "trainable_params": 0,
        "non_trainable_params": 0,
        "total_macs": None,
        **memory_json(None),
        "diagnostics": [d.as_json() for d in diagnostics],
    }


def render(payload: dict[str, Any]) -> str:
    """One JSON document, one layer or diagnostic per line: readable, and fast (the C encoder
    only runs without `indent`, which matters for a 100,000-layer model)."""
    with paused_gc():
        return _render(payload)


def _render(payload: dict[str, Any]) -> str:
    lines = ["{"]
    items = list(payload.items())
    for index, (key, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        if isinstance(value, list) and value and isinstance(value[0], dict):
            body = ",\n".join("    " + _compact(item) for item in value)
            lines.append(f"  {_compact(key)}: [\n{body}\n  ]{comma}")
        else:
            lines.append(f"  {_compact(key)}: {_compact(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _compact_encoder() -> Callable[[Any], str]:
    """`json.dumps(value, ensure_ascii=False, separators=(", ", ": "))`, made once instead of per value.

    json.dumps with arguments builds a new encoder for every call, and
    encode() a new C encoder: for 100,000 layers that was a third of the
    rendering. This is the C encoder JSONEncoder.encode() would build, with the
    same arguments, kept; the circular-reference check is left out, as a
    document is plain data made here and never refers to itself. Where there
    is no C encoder, JSONEncoder.encode() itself.
    """
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
    make = json.encoder.c_make_encoder
    if make is None:
        return encoder.encode
    encode = make(None, encoder.default, json.encoder.encode_basestring, None,
                  encoder.key_separator, encoder.item_separator, False, False, True)
    return lambda value: "".join(encode(value, 0))


_compact = _compact_encoder()
