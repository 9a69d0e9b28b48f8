"""ConvNeXt's LayerScale against Keras's own class (keras.src.applications.convnext.LayerScale).

For each input shape: the output shape and the parameter count Keras gives,
or Keras's refusal where `x * gamma` cannot broadcast (SC103 here).
"""

from __future__ import annotations

import pytest

from shapecalc.layers.base import Why
from shapecalc.layers.registry import lookup
from shapecalc.shapes import ShapeError

CASES = [  # (input shape without the batch axis, projection_dim)
    ((56, 56, 96), 96),
    ((10, 96), 96),
    ((7, 7, 1), 8),  # a last axis of 1 broadcasts to projection_dim
    ((7, 7, 5), 1),
    ((7, 7, 8), 3),  # refused
]


@pytest.mark.parametrize(("shape", "projection_dim"), CASES, ids=[f"{s}-{p}" for s, p in CASES])
def test_layer_scale_is_keras(shape: tuple[int, ...], projection_dim: int) -> None:
    pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    from keras.src.applications.convnext import LayerScale as KerasLayerScale

    keras.utils.clear_session()
    theirs = KerasLayerScale(1e-6, projection_dim)
    ours = lookup("keras", "LayerScale").build({"init_values": 1e-6, "projection_dim": projection_dim})
    try:
        expected = tuple(theirs(keras.Input(shape)).shape)
    except Exception:  # noqa: BLE001 - Keras refused the product; so must we
        with pytest.raises(ShapeError) as refused:
            ours.output_shape([(None, *shape)], Why())
        assert refused.value.code == "SC103"
        return
    assert ours.output_shape([(None, *shape)], Why()) == expected
    assert ours.params([(None, *shape)], Why()).total == theirs.count_params()
