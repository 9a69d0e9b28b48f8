"""Keras's fresh-session auto names for the layers of a model (conv2d, conv2d_1, ...), given before the walk.

Here, not in the engine, so that what names layers before the engine runs
(blocks/stage.py, for the references it wrote) uses the same rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shapecalc.model import LayerSpec, ModelSpec

REUSE_TYPE = "Reuse"  # an entry that calls a layer again (layers/reuse.py)


def is_reuse(layer: LayerSpec) -> bool:
    return layer.type_name == REUSE_TYPE


def name_layers(spec: ModelSpec) -> None:
    """Keras's fresh-session auto names: conv2d, conv2d_1, ... in the order layers are written.

    A Reuse entry creates no layer, so it takes no auto name: its node is
    named by its `name:` key, or by a key no `inputs:` would write.
    """
    counters: dict[str, int] = {"input_layer": 1} if "input_layer" in spec.inputs else {}  # the model's own
    # input took Keras's first automatic input name; a nested functional model's Inputs come after it
    for layer in spec.layers:
        if is_reuse(layer):
            layer.name = layer.keys.name or f"{layer.layer.layer} (call at layers[{layer.index}])"  # type: ignore[attr-defined]
            continue
        layer.name = _take_name(layer, counters)


def _take_name(layer: LayerSpec, counters: dict[str, int]) -> str:
    """Keras's order: a wrapper's inner layers are made first; unnamed sublayers appear when a layer builds."""
    for inner in layer.layer.inner_layers():
        inner.name = _take_name(inner, counters)
    name = layer.keys.name or _next_name(type(layer.layer).name_prefix(), counters)
    for prefix in type(layer.layer).built_sublayers:
        _next_name(prefix, counters)
    return name


def _next_name(prefix: str, counters: dict[str, int]) -> str:
    count = counters.get(prefix, 0)
    counters[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"
