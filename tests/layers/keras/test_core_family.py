"""Formula tables for the Keras core, activation, regularization, normalization, embedding and preprocessing layers.

Each row is worked arithmetic (written in its comment) that Keras 3 agrees
with; the YAML cases under tests/differential/cases/keras/ (core_*, act_*,
norm_*, embed_*) check the same rules against a real Keras build.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from shapecalc.arguments.types import ArgumentError
from shapecalc.layers.base import Layer, Params, Why
from shapecalc.layers.registry import lookup
from shapecalc.shapes import ShapeError

N = None

# (id, type, args, input shape with batch, output shape, (trainable, non-trainable))
SHAPES: list[tuple[str, str, dict[str, Any], tuple, tuple, tuple[int, int]]] = [
    ("dense-rank2", "Dense", {"units": 10}, (N, 784), (N, 10), (7850, 0)),  # 784*10 + 10
    ("dense-rank4-last-axis-only", "Dense", {"units": 4}, (N, 5, 6, 3), (N, 5, 6, 4), (16, 0)),  # 3*4 + 4
    ("dense-no-bias", "Dense", {"units": 4, "use_bias": False}, (N, 3), (N, 4), (12, 0)),
    ("dense-lora", "Dense", {"units": 16, "lora_rank": 4}, (N, 8), (N, 16), (112, 128)),  # 8*4 + 4*16 + 16; 8*16 frozen
    ("dense-batch-kept", "Dense", {"units": 2}, (32, 3), (32, 2), (8, 0)),
    ("einsum-dense-like-dense", "EinsumDense", {"equation": "ab,bc->ac", "output_shape": 64, "bias_axes": "c"},
     (N, 32), (N, 64), (2112, 0)),  # 32*64 + 64
    ("einsum-dense-keeps-none", "EinsumDense", {"equation": "abc,cd->abd", "output_shape": [N, 64]},
     (N, 10, 32), (N, N, 64), (2048, 0)),  # output_shape's None stays None, as in Keras
    ("einsum-dense-heads", "EinsumDense", {"equation": "abc,cde->abde", "output_shape": [N, 4, 8], "bias_axes": "e"},
     (N, 10, 32), (N, N, 4, 8), (1032, 0)),  # 32*4*8 + 8
    ("einsum-dense-right-elided", "EinsumDense", {"equation": "ab...,bc->ac...", "output_shape": 5, "bias_axes": "c"},
     (N, 32, 10), (N, 5, 10), (165, 0)),  # 32*5 + 5*1
    ("einsum-dense-left-elided-reversed", "EinsumDense", {"equation": "...b,bc->...c", "output_shape": 64},
     (N, 7, 9, 32), (N, 9, 7, 64), (2048, 0)),  # Keras inserts 7 then 9 at position 1
    ("einsum-dense-lora", "EinsumDense", {"equation": "ab,bc->ac", "output_shape": 6, "lora_rank": 2},
     (N, 16), (N, 6), (44, 96)),  # 16*2 + 2*6 trained; 16*6 frozen
    ("flatten", "Flatten", {}, (N, 7, 7, 64), (N, 3136), (0, 0)),  # 7*7*64
    ("flatten-unknown-size", "Flatten", {}, (N, N, 4), (N, N), (0, 0)),
    ("flatten-rank1", "Flatten", {}, (N,), (N, 1), (0, 0)),
    ("activation", "Activation", {"activation": "relu"}, (N, 3, 3), (N, 3, 3), (0, 0)),
    ("identity", "Identity", {}, (N, 3, 3), (N, 3, 3), (0, 0)),
    ("masking", "Masking", {"mask_value": -1.0}, (N, 9, 2), (N, 9, 2), (0, 0)),
    ("reshape", "Reshape", {"target_shape": [3, 4]}, (N, 12), (N, 3, 4), (0, 0)),
    ("reshape-infer", "Reshape", {"target_shape": [-1, 2, 2]}, (N, 12), (N, 3, 2, 2), (0, 0)),  # 12 / 4
    ("reshape-infer-middle", "Reshape", {"target_shape": [2, -1, 3]}, (N, 4, 6), (N, 2, 4, 3), (0, 0)),  # 24 / 6
    ("reshape-unknown-stays-none", "Reshape", {"target_shape": [-1, 2]}, (N, N, 6), (N, N, 2), (0, 0)),
    ("permute", "Permute", {"dims": [2, 1]}, (N, 10, 64), (N, 64, 10), (0, 0)),
    ("permute-3", "Permute", {"dims": [3, 1, 2]}, (N, 4, 6, 2), (N, 2, 4, 6), (0, 0)),
    ("repeat-vector", "RepeatVector", {"n": 3}, (N, 32), (N, 3, 32), (0, 0)),
    ("relu", "ReLU", {"max_value": 6.0}, (N, 5), (N, 5), (0, 0)),
    ("leaky-relu", "LeakyReLU", {}, (N, 5), (N, 5), (0, 0)),
    ("elu", "ELU", {"alpha": 0.5}, (N, 5), (N, 5), (0, 0)),
    ("softmax-any-axis", "Softmax", {"axis": [1, 2]}, (N, 5, 4), (N, 5, 4), (0, 0)),
    ("prelu", "PReLU", {}, (N, 6, 5, 3), (N, 6, 5, 3), (90, 0)),  # 6*5*3
    ("prelu-shared-spatial", "PReLU", {"shared_axes": [1, 2]}, (N, 6, 5, 3), (N, 6, 5, 3), (3, 0)),  # 1*1*3
    ("prelu-shared-int", "PReLU", {"shared_axes": 3}, (N, 6, 5, 3), (N, 6, 5, 3), (30, 0)),  # 6*5*1
    ("prelu-shared-0-is-last", "PReLU", {"shared_axes": 0}, (N, 6, 5, 3), (N, 6, 5, 3), (30, 0)),  # alpha[-1] = 1
    ("prelu-shared-unknown", "PReLU", {"shared_axes": 1}, (N, N, 3), (N, N, 3), (3, 0)),
    ("dropout", "Dropout", {"rate": 0.5}, (N, 5), (N, 5), (0, 0)),
    ("alpha-dropout", "AlphaDropout", {"rate": 0.1}, (N, 5), (N, 5), (0, 0)),
    ("gaussian-noise", "GaussianNoise", {"stddev": 0.1}, (N, 5), (N, 5), (0, 0)),
    ("gaussian-dropout", "GaussianDropout", {"rate": 0.2}, (N, 5), (N, 5), (0, 0)),
    ("activity-regularization", "ActivityRegularization", {"l1": 0.1}, (N, 5), (N, 5), (0, 0)),
    ("spatial-dropout-1d", "SpatialDropout1D", {"rate": 0.2}, (N, 9, 4), (N, 9, 4), (0, 0)),
    ("spatial-dropout-2d", "SpatialDropout2D", {"rate": 0.2}, (N, 9, 9, 4), (N, 9, 9, 4), (0, 0)),
    ("spatial-dropout-3d", "SpatialDropout3D", {"rate": 0.2}, (N, 3, 9, 9, 4), (N, 3, 9, 9, 4), (0, 0)),
    ("batch-norm", "BatchNormalization", {}, (N, 28, 28, 32), (N, 28, 28, 32), (64, 64)),  # 2*32 + 2*32
    ("batch-norm-axis-1", "BatchNormalization", {"axis": 1}, (N, 16, 8, 8), (N, 16, 8, 8), (32, 32)),
    ("batch-norm-no-affine", "BatchNormalization", {"center": False, "scale": False}, (N, 10), (N, 10), (0, 20)),
    ("batch-norm-renorm", "BatchNormalization", {"renorm": True}, (N, 10), (N, 10), (20, 50)),  # 2*10; 5*10
    ("batch-norm-known-batch", "BatchNormalization", {"axis": 0}, (4, 3), (4, 3), (8, 8)),
    ("layer-norm", "LayerNormalization", {}, (N, 10, 64), (N, 10, 64), (128, 0)),  # 2*64
    ("layer-norm-two-axes", "LayerNormalization", {"axis": [1, 2]}, (N, 5, 4, 8), (N, 5, 4, 8), (40, 0)),  # 2*5*4
    ("layer-norm-no-center", "LayerNormalization", {"center": False}, (N, 7), (N, 7), (7, 0)),
    ("layer-norm-rms-scaling", "LayerNormalization", {"rms_scaling": True}, (N, 7), (N, 7), (7, 0)),
    ("rms-norm", "RMSNormalization", {}, (N, 10, 64), (N, 10, 64), (64, 0)),
    ("group-norm", "GroupNormalization", {"groups": 4}, (N, 8, 8, 16), (N, 8, 8, 16), (32, 0)),  # 2*16
    ("group-norm-instance", "GroupNormalization", {"groups": -1}, (N, 6), (N, 6), (12, 0)),
    ("group-norm-one-group", "GroupNormalization", {"groups": 1}, (N, 6), (N, 6), (12, 0)),
    ("unit-norm", "UnitNormalization", {"axis": [1, 2]}, (N, 4, 6), (N, 4, 6), (0, 0)),
    ("rescaling", "Rescaling", {"scale": 0.5, "offset": -1.0}, (N, 8, 8, 3), (N, 8, 8, 3), (0, 0)),
    ("resizing", "Resizing", {"height": 4, "width": 5}, (N, 8, 8, 3), (N, 4, 5, 3), (0, 0)),
    ("resizing-channels-first", "Resizing", {"height": 4, "width": 5, "data_format": "channels_first"},
     (N, 3, 8, 8), (N, 3, 4, 5), (0, 0)),
    ("resizing-rank3-read-as-one-image", "Resizing", {"height": 4, "width": 5}, (N, 8, 3), (4, 5, 3), (0, 0)),
    ("center-crop", "CenterCrop", {"height": 4, "width": 5}, (N, 8, 8, 3), (N, 4, 5, 3), (0, 0)),
    ("center-crop-larger-pads", "CenterCrop", {"height": 10, "width": 5}, (N, 8, 8, 3), (N, 10, 5, 3), (0, 0)),
    ("random-crop", "RandomCrop", {"height": 4, "width": 5}, (N, 8, 8, 3), (N, 4, 5, 3), (0, 0)),
    ("normalization-adapted", "Normalization", {}, (N, 8, 8, 3), (N, 8, 8, 3), (0, 7)),  # 2*3 + 1
    ("normalization-two-axes", "Normalization", {"axis": [1, 2]}, (N, 8, 8, 3), (N, 8, 8, 3), (0, 129)),  # 2*8*8 + 1
    ("normalization-scalar", "Normalization", {"axis": None}, (N, 8, 8, 3), (N, 8, 8, 3), (0, 3)),  # 2*1 + 1
    ("normalization-given", "Normalization", {"mean": 0.5, "variance": 0.25}, (N, 8, 3), (N, 8, 3), (0, 0)),
    ("normalization-given-per-channel", "Normalization", {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 1.0, 1.0]},
     (N, 8, 3), (N, 8, 3), (0, 0)),
    ("random-flip", "RandomFlip", {"mode": "horizontal"}, (N, 8, 8, 3), (N, 8, 8, 3), (0, 0)),
    ("random-rotation", "RandomRotation", {"factor": 0.1}, (N, 8, 8, 3), (N, 8, 8, 3), (0, 0)),
    ("random-zoom", "RandomZoom", {"height_factor": [-0.2, 0.3]}, (N, 8, 8, 3), (N, 8, 8, 3), (0, 0)),
    ("random-translation", "RandomTranslation", {"height_factor": 0.1, "width_factor": -1.0},
     (N, 8, 8, 3), (N, 8, 8, 3), (0, 0)),
    ("random-contrast-loose-pair", "RandomContrast", {"factor": [0.5, 2.0]}, (N, 8, 8, 3), (N, 8, 8, 3), (0, 0)),
    ("random-brightness", "RandomBrightness", {"factor": -0.2}, (N, 8, 8, 3), (N, 8, 8, 3), (0, 0)),
    ("embedding", "Embedding", {"input_dim": 1000, "output_dim": 64}, (N, 10), (N, 10, 64), (64000, 0)),
    ("embedding-rank3", "Embedding", {"input_dim": 10, "output_dim": 3}, (N, 4, 6), (N, 4, 6, 3), (30, 0)),
    ("embedding-rank1", "Embedding", {"input_dim": 10, "output_dim": 3}, (N,), (N, 3), (30, 0)),
    ("embedding-lora", "Embedding", {"input_dim": 100, "output_dim": 16, "lora_rank": 2}, (N, 7), (N, 7, 16),
     (232, 1600)),  # 100*2 + 2*16; 100*16 frozen
]

# (id, type, args, input shape, diagnostic code): Keras raises when it meets this input.
SHAPE_ERRORS: list[tuple[str, str, dict[str, Any], tuple, str]] = [
    ("dense-rank1", "Dense", {"units": 3}, (N,), "SC102"),
    ("dense-unknown-last-axis", "Dense", {"units": 3}, (N, 4, N), "SC102"),
    ("einsum-dense-shared-axis-differs", "EinsumDense", {"equation": "abc,cd->abd", "output_shape": [11, 64]},
     (N, 10, 32), "SC102"),
    ("einsum-dense-unknown-kernel-size", "EinsumDense", {"equation": "abc,bd->abd", "output_shape": [N, 64]},
     (N, N, 32), "SC102"),
    ("einsum-dense-input-rank-too-small", "EinsumDense", {"equation": "abc,cd->abd", "output_shape": [N, 64]},
     (N, 32), "SC102"),
    ("center-crop-rank5", "CenterCrop", {"height": 4, "width": 4}, (N, 2, 8, 8, 3), "SC102"),
    ("random-crop-rank2", "RandomCrop", {"height": 4, "width": 4}, (N, 8), "SC102"),
    ("normalization-unknown-axis", "Normalization", {"axis": 1}, (N, N, 3), "SC102"),
    ("normalization-axis-out-of-range", "Normalization", {"axis": 3}, (N, 8, 3), "SC102"),
    ("normalization-mean-does-not-broadcast", "Normalization", {"mean": [1.0, 2.0], "variance": [1.0, 2.0]},
     (N, 8, 8, 3), "SC102"),
    ("reshape-not-divisible", "Reshape", {"target_shape": [-1, 5]}, (N, 4, 6), "SC102"),  # 24 % 5 = 4
    ("reshape-size-changes", "Reshape", {"target_shape": [5, 5]}, (N, 4, 6), "SC102"),  # 24 != 25
    ("reshape-zero-with-infer", "Reshape", {"target_shape": [0, -1]}, (N, 4, 6), "SC102"),
    ("permute-rank", "Permute", {"dims": [3, 1, 2]}, (N, 4, 6), "SC102"),
    ("repeat-vector-rank", "RepeatVector", {"n": 3}, (N, 4, 6), "SC102"),
    ("spatial-dropout-1d-rank", "SpatialDropout1D", {"rate": 0.3}, (N, 4), "SC102"),
    ("spatial-dropout-2d-rank", "SpatialDropout2D", {"rate": 0.3}, (N, 4, 4), "SC102"),
    ("prelu-unknown-size", "PReLU", {}, (N, N, 3), "SC102"),
    ("prelu-shared-axis-out-of-range", "PReLU", {"shared_axes": 4}, (N, 6, 5, 3), "SC102"),
    ("batch-norm-unknown-channels", "BatchNormalization", {}, (N, 4, N), "SC102"),
    ("batch-norm-batch-axis", "BatchNormalization", {"axis": 0}, (N, 4, 3), "SC102"),
    ("batch-norm-axis-out-of-range", "BatchNormalization", {"axis": 5}, (N, 4, 3), "SC102"),
    ("batch-norm-negative-axis-out-of-range", "BatchNormalization", {"axis": -4}, (N, 4, 3), "SC102"),
    ("layer-norm-unknown-axis", "LayerNormalization", {"axis": 1}, (N, N, 3), "SC102"),
    ("group-norm-not-divisible", "GroupNormalization", {"groups": 4}, (N, 6), "SC102"),  # 6 % 4 = 2
    ("group-norm-too-many-groups", "GroupNormalization", {}, (N, 16), "SC102"),  # 32 > 16
    ("group-norm-unknown-channels", "GroupNormalization", {"groups": 1}, (N, 4, N), "SC102"),
    ("unit-norm-axis-out-of-range", "UnitNormalization", {"axis": 9}, (N, 4, 6), "SC102"),
]

# (id, type, args): Keras refuses these when it makes the layer or its weights; Layer.build refuses them (exit 2).
REFUSED: list[tuple[str, str, dict[str, Any]]] = [
    ("activation-unknown-name", "Activation", {"activation": "relux"}),
    ("activation-wrong-case", "Activation", {"activation": "ReLU"}),
    ("dense-unknown-activation", "Dense", {"units": 3, "activation": "leakyrelu"}),
    ("dense-lora-with-constraint", "Dense", {"units": 3, "lora_rank": 2, "kernel_constraint": "non_neg"}),
    ("einsum-dense-bad-equation", "EinsumDense", {"equation": "abc,cd", "output_shape": 64}),
    ("einsum-dense-output-axis-from-nowhere", "EinsumDense", {"equation": "abc,cd->abe", "output_shape": [N, 64]}),
    ("einsum-dense-kernel-axis-from-nowhere", "EinsumDense", {"equation": "abc,cde->abd", "output_shape": [N, 64]}),
    ("einsum-dense-bias-not-in-output", "EinsumDense",
     {"equation": "abc,cd->abd", "output_shape": [N, 64], "bias_axes": "x"}),
    ("random-zoom-above-one", "RandomZoom", {"height_factor": 2.0}),
    ("random-zoom-minus-one-excluded", "RandomZoom", {"height_factor": -1.0}),
    ("random-translation-pair-end-outside", "RandomTranslation", {"height_factor": [0.1, 1.5], "width_factor": 0.1}),
    ("random-contrast-above-one", "RandomContrast", {"factor": 1.5}),
    ("random-contrast-pair-outside", "RandomContrast", {"factor": [2.0, 0.5]}),
    ("random-brightness-above-one", "RandomBrightness", {"factor": 2.0}),
    ("random-rotation-three-numbers", "RandomRotation", {"factor": [0.1, 0.2, 0.3]}),
    ("random-rotation-fill-mode", "RandomRotation", {"factor": 0.1, "fill_mode": "foo"}),
    ("normalization-mean-without-variance", "Normalization", {"mean": 1.0}),
    ("normalization-list-mean-no-axis", "Normalization", {"mean": [1.0, 2.0], "variance": [1.0, 2.0], "axis": None}),
    ("reshape-two-unknowns", "Reshape", {"target_shape": [-1, -1]}),
    ("reshape-below-minus-one", "Reshape", {"target_shape": [-2, 3]}),
    ("reshape-scalar", "Reshape", {"target_shape": 12}),
    ("permute-not-a-permutation", "Permute", {"dims": [1, 3]}),
    ("permute-zero-based", "Permute", {"dims": [0, 1]}),
    ("repeat-vector-zero", "RepeatVector", {"n": 0}),
    ("relu-negative-max", "ReLU", {"max_value": -1.0}),
    ("leaky-relu-negative-slope", "LeakyReLU", {"negative_slope": -0.1}),
    ("dropout-rate-above-one", "Dropout", {"rate": 1.5}),
    ("gaussian-noise-stddev-above-one", "GaussianNoise", {"stddev": 1.5}),
    ("activity-regularization-negative", "ActivityRegularization", {"l1": -1.0}),
    ("spatial-dropout-noise-shape", "SpatialDropout2D", {"rate": 0.1, "noise_shape": [1, 1]}),
    ("batch-norm-axis-list", "BatchNormalization", {"axis": [1]}),
    ("batch-norm-renorm-clipping-key", "BatchNormalization", {"renorm": True, "renorm_clipping": {"rmx": 1.0}}),
    ("batch-norm-renorm-rmax-below-rmin", "BatchNormalization",
     {"renorm": True, "renorm_clipping": {"rmax": 1.0, "rmin": 2.0}}),
    ("group-norm-zero-groups", "GroupNormalization", {"groups": 0}),
    ("group-norm-minus-two-groups", "GroupNormalization", {"groups": -2}),
    ("embedding-zero-dim", "Embedding", {"input_dim": 0, "output_dim": 3}),
    ("embedding-missing-output-dim", "Embedding", {"input_dim": 10}),
    ("embedding-lora-with-constraint", "Embedding",
     {"input_dim": 10, "output_dim": 3, "lora_rank": 2, "embeddings_constraint": "non_neg"}),
]


def build(type_name: str, args: dict[str, Any]) -> Layer:
    cls = lookup("keras", type_name)
    assert cls is not None, type_name
    return cls.build(dict(args))


@pytest.mark.parametrize(("type_name", "args", "given", "output", "params"),
                         [row[1:] for row in SHAPES], ids=[row[0] for row in SHAPES])
def test_shape_and_params(type_name, args, given, output, params) -> None:
    layer = build(type_name, args)
    why = Why()
    assert layer.output_shape([given], why) == output
    assert layer.params([given], why) == Params(*params)


@pytest.mark.parametrize(("type_name", "args", "given", "code"),
                         [row[1:] for row in SHAPE_ERRORS], ids=[row[0] for row in SHAPE_ERRORS])
def test_shape_error(type_name, args, given, code) -> None:
    layer = build(type_name, args)
    with pytest.raises(ShapeError) as raised:
        layer.output_shape([given], Why())
        layer.params([given], Why())
    assert raised.value.code == code


@pytest.mark.parametrize(("type_name", "args"), [row[1:] for row in REFUSED], ids=[row[0] for row in REFUSED])
def test_refused_at_construction(type_name, args) -> None:
    with pytest.raises((ArgumentError, ValidationError)):
        build(type_name, args)


def test_reshape_explains_the_inferred_size() -> None:
    why = Why()
    build("Reshape", {"target_shape": [-1, 2]}).output_shape([(N, 4, 6)], why)
    assert why.steps == ["-1: (4 * 6) / 2 = 24 / 2 = 12"]


def test_unknown_activation_suggests_the_closest_name() -> None:
    with pytest.raises(ArgumentError) as raised:
        build("Activation", {"activation": "sigmoidd"})
    assert "did you mean 'sigmoid'?" in raised.value.message


FAMILY_MODULES = ("keras.core", "keras.activations", "keras.regularization", "keras.normalization",
                  "keras.embedding", "keras.preprocessing")


def test_every_layer_of_the_family_has_a_table_row() -> None:
    from shapecalc.layers.registry import KERAS

    family = {name for name, target in KERAS.items() if target.partition(":")[0] in FAMILY_MODULES}
    assert sorted(family - {row[1] for row in SHAPES}) == []


def test_every_layer_of_the_family_is_checked_against_keras() -> None:
    """Each type appears in a YAML case under tests/differential/cases/keras, which test_keras.py builds in Keras."""
    from pathlib import Path

    import yaml

    from shapecalc.layers.registry import KERAS

    cases = Path(__file__).resolve().parents[2] / "differential/cases/keras"
    written: set[str] = set()
    for path in cases.glob("*.yaml"):
        for entry in (yaml.safe_load(path.read_text()) or {}).get("layers", []):
            written.add(entry if isinstance(entry, str) else entry.get("type") or next(iter(entry)))
    family = {name for name, target in KERAS.items() if target.partition(":")[0] in FAMILY_MODULES}
    assert sorted(family - written) == []
