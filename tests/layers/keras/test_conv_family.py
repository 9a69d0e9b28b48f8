"""Formula tables for Keras's transposed, depthwise and separable convolutions, global pooling,
zero padding and cropping, and the causal / channels_first corners of Conv and pooling.

Every expected value is worked arithmetic, written in the row's comment
(k' = d*(k-1) + 1 is the dilated kernel). The YAML cases under
tests/differential/cases/keras/ (conv_*, pool_*, pad_*, crop_*) check the same
rules against a real Keras build.
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
CF = {"data_format": "channels_first"}

# (id, type, args, input shape with batch, output shape, trainable params)
TRANSPOSED = [
    # valid, no output_padding: (i-1)*s + max(k', s); params k*k*C*f + f
    (
        "t2d-valid-k-over-s",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 3, "strides": 2},
        (N, 7, 7, 3),
        (N, 15, 15, 4),
        112,
    ),  # 6*2 + 3 = 15; 3*3*3*4 + 4
    (
        "t2d-valid-k-under-s",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 1, "strides": 3},
        (N, 7, 7, 3),
        (N, 21, 21, 4),
        16,
    ),  # 6*3 + max(1, 3) = 21; 1*1*3*4 + 4
    (
        "t2d-valid-stride-1",
        "Conv2DTranspose",
        {"filters": 2, "kernel_size": [2, 4]},
        (N, 5, 5, 1),
        (N, 6, 8, 2),
        18,
    ),  # 4 + 2, 4 + 4; 2*4*1*2 + 2
    # same, no output_padding: i*s
    (
        "t2d-same",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
        (N, 7, 7, 3),
        (N, 14, 14, 4),
        112,
    ),
    (
        "t2d-same-even-kernel",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 4, "strides": [2, 3], "padding": "same"},
        (N, 7, 5, 3),
        (N, 14, 15, 4),
        196,
    ),  # 4*4*3*4 + 4
    # explicit output_padding p: valid (i-1)*s + k' + p; same (i-1)*s + k' % 2 + p
    (
        "t2d-same-op1-odd",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
        (N, 14, 14, 1),
        (N, 28, 28, 4),
        40,
    ),  # 13*2 + 1 + 1
    (
        "t2d-same-op0-odd",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 0},
        (N, 7, 7, 1),
        (N, 13, 13, 4),
        40,
    ),  # 6*2 + 1 + 0
    (
        "t2d-same-op1-even",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 4, "strides": 2, "padding": "same", "output_padding": 1},
        (N, 7, 7, 3),
        (N, 13, 13, 4),
        196,
    ),  # 6*2 + 0 + 1
    (
        "t2d-valid-op1",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 3, "strides": 2, "output_padding": 1},
        (N, 7, 7, 1),
        (N, 16, 16, 4),
        40,
    ),  # 6*2 + 3 + 1
    (
        "t2d-valid-op-per-axis",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 3, "strides": [3, 2], "output_padding": [2, 0]},
        (N, 4, 4, 1),
        (N, 14, 9, 4),
        40,
    ),  # 3*3 + 3 + 2, 3*2 + 3 + 0
    (
        "t2d-unknown-stays-none",
        "Conv2DTranspose",
        {"filters": 6, "kernel_size": 3, "strides": 2},
        (2, N, 10, 3),
        (2, N, 21, 6),
        168,
    ),  # 9*2 + 3; 3*3*3*6 + 6
    (
        "t2d-channels-first",
        "Conv2DTranspose",
        {"filters": 8, "kernel_size": 3, "strides": 2, **CF},
        (N, 3, 7, 7),
        (N, 8, 15, 15),
        224,
    ),  # 3*3*3*8 + 8
    (
        "t2d-no-bias",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 3, "use_bias": False},
        (N, 5, 5, 2),
        (N, 7, 7, 4),
        72,
    ),  # 4 + 3; 3*3*2*4
    # dilation (strides 1): k' = d*(k-1) + 1
    (
        "t1d-dilated-valid",
        "Conv1DTranspose",
        {"filters": 8, "kernel_size": 3, "dilation_rate": 3},
        (N, 32, 8),
        (N, 38, 8),
        200,
    ),  # 31 + max(7, 1); 3*8*8 + 8
    (
        "t1d-dilated-same-op0",
        "Conv1DTranspose",
        {
            "filters": 4,
            "kernel_size": 3,
            "dilation_rate": 2,
            "padding": "same",
            "output_padding": 0,
        },
        (N, 10, 4),
        (N, 10, 4),
        52,
    ),  # 9*1 + 5 % 2 + 0; 3*4*4 + 4
    (
        "t1d-same-stride",
        "Conv1DTranspose",
        {"filters": 8, "kernel_size": 5, "strides": 2, "padding": "same"},
        (N, 16, 6),
        (N, 32, 8),
        248,
    ),  # 16*2; 5*6*8 + 8
    (
        "t3d-same",
        "Conv3DTranspose",
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
        (N, 4, 5, 6, 2),
        (N, 8, 10, 12, 4),
        220,
    ),  # 3*3*3*2*4 + 4
    (
        "t3d-mixed",
        "Conv3DTranspose",
        {"filters": 2, "kernel_size": [1, 2, 3], "strides": [1, 2, 3]},
        (N, 4, 5, 6, 1),
        (N, 4, 10, 18, 2),
        14,
    ),  # 3 + 1, 4*2 + 2, 5*3 + 3; 1*2*3*1*2 + 2
]

DEPTHWISE_SEPARABLE = [
    # depthwise: C*m channels, params prod(k)*C*m + C*m
    ("dw2d", "DepthwiseConv2D", {"kernel_size": 3}, (N, 32, 30, 3), (N, 30, 28, 3), 30),  # 27 + 3
    (
        "dw2d-multiplier-same-stride",
        "DepthwiseConv2D",
        {"kernel_size": [3, 5], "depth_multiplier": 4, "strides": 2, "padding": "same"},
        (N, 30, 28, 3),
        (N, 15, 14, 12),
        192,
    ),  # ceil(30/2), ceil(28/2); 3*5*3*4 + 12
    (
        "dw2d-stride-and-dilation",
        "DepthwiseConv2D",
        {"kernel_size": 3, "strides": 2, "dilation_rate": 2, "use_bias": False},
        (N, 15, 14, 12),
        (N, 6, 5, 12),
        108,
    ),  # floor((15-5)/2)+1, floor((14-5)/2)+1; 3*3*12
    (
        "dw2d-channels-first",
        "DepthwiseConv2D",
        {"kernel_size": 3, "depth_multiplier": 2, **CF},
        (N, 6, 20, 20),
        (N, 12, 18, 18),
        120,
    ),  # 9*6*2 + 12
    (
        "dw1d",
        "DepthwiseConv1D",
        {"kernel_size": 5, "depth_multiplier": 3},
        (N, 50, 8),
        (N, 46, 24),
        144,
    ),  # 5*8*3 + 24
    # separable: prod(k)*C*m + C*m*filters + filters
    (
        "sep2d",
        "SeparableConv2D",
        {"filters": 16, "kernel_size": 3},
        (N, 28, 28, 3),
        (N, 26, 26, 16),
        91,
    ),  # 27 + 48 + 16
    (
        "sep2d-multiplier",
        "SeparableConv2D",
        {"filters": 32, "kernel_size": 3, "depth_multiplier": 2, "padding": "same", "strides": 2},
        (N, 26, 26, 16),
        (N, 13, 13, 32),
        1344,
    ),  # 9*16*2 + 16*2*32 + 32 = 288 + 1024 + 32
    (
        "sep2d-no-bias",
        "SeparableConv2D",
        {"filters": 8, "kernel_size": 3, "use_bias": False},
        (N, 5, 5, 4),
        (N, 3, 3, 8),
        68,
    ),  # 36 + 32
    (
        "sep1d",
        "SeparableConv1D",
        {"filters": 24, "kernel_size": 7, "depth_multiplier": 2},
        (N, 100, 12),
        (N, 94, 24),
        768,
    ),  # 7*12*2 + 24*24 + 24 = 168 + 576 + 24
    (
        "sep1d-channels-first",
        "SeparableConv1D",
        {"filters": 5, "kernel_size": 3, **CF},
        (N, 4, 10),
        (N, 5, 8),
        37,
    ),  # 3*4 + 4*5 + 5
]

CONV_AND_POOLING_CORNERS = [
    # causal pads d*(k-1) on the left: floor((i + d*(k-1) - k' )/s) + 1 = floor((i-1)/s) + 1
    (
        "conv1d-causal-stride",
        "Conv1D",
        {"filters": 8, "kernel_size": 4, "padding": "causal", "strides": 4},
        (N, 30, 2),
        (N, 8, 8),
        72,
    ),  # floor((30 + 3 - 4)/4) + 1 = 8; 4*2*8 + 8
    (
        "conv1d-causal-dilated",
        "Conv1D",
        {"filters": 8, "kernel_size": 2, "padding": "causal", "dilation_rate": 4},
        (N, 30, 8),
        (N, 30, 8),
        136,
    ),  # (30 + 4 - 5) + 1; 2*8*8 + 8
    (
        "conv2d-channels-first",
        "Conv2D",
        {"filters": 8, "kernel_size": 3, "strides": 2, **CF},
        (N, 3, 33, 17),
        (N, 8, 16, 8),
        224,
    ),  # floor(30/2)+1, floor(14/2)+1; 27*8 + 8
    (
        "conv3d-channels-first",
        "Conv3D",
        {"filters": 4, "kernel_size": 3, **CF},
        (N, 2, 9, 10, 11),
        (N, 4, 7, 8, 9),
        220,
    ),  # 27*2*4 + 4
    (
        "maxpool2d-channels-first",
        "MaxPooling2D",
        {"pool_size": 2, **CF},
        (N, 3, 15, 9),
        (N, 3, 7, 4),
        0,
    ),  # floor(13/2)+1, floor(7/2)+1
    (
        "avgpool1d-channels-first",
        "AvgPool1D",
        {"pool_size": 2, "strides": 1, "padding": "same", **CF},
        (N, 6, 8),
        (N, 6, 8),
        0,
    ),
]

GLOBAL_POOLING = [
    ("gmax2d", "GlobalMaxPooling2D", {}, (N, 13, 7, 16), (N, 16)),
    (
        "gavg2d-keepdims",
        "GlobalAveragePooling2D",
        {"keepdims": True},
        (N, 13, 7, 16),
        (N, 1, 1, 16),
    ),
    ("gavg2d-channels-first", "GlobalAvgPool2D", {**CF}, (N, 4, 10, 12), (N, 4)),
    (
        "gmax2d-channels-first-keepdims",
        "GlobalMaxPool2D",
        {"keepdims": True, **CF},
        (N, 4, 10, 12),
        (N, 4, 1, 1),
    ),
    ("gmax1d-unknown-steps", "GlobalMaxPooling1D", {}, (N, N, 16), (N, 16)),
    (
        "gavg1d-channels-first-keepdims",
        "GlobalAveragePooling1D",
        {"keepdims": True, **CF},
        (N, 4, 30),
        (N, 4, 1),
    ),
    (
        "gavg3d-keepdims",
        "GlobalAveragePooling3D",
        {"keepdims": True},
        (N, 6, 7, 8, 3),
        (N, 1, 1, 1, 3),
    ),
    ("gmax3d", "GlobalMaxPooling3D", {}, (N, 6, 7, 8, 3), (N, 3)),
]

PAD_AND_CROP = [
    # zero padding: i + lo + hi
    ("pad2d-default", "ZeroPadding2D", {}, (N, 10, 12, 3), (N, 12, 14, 3)),
    ("pad2d-int", "ZeroPadding2D", {"padding": 2}, (N, 10, 12, 3), (N, 14, 16, 3)),
    ("pad2d-symmetric-pair", "ZeroPadding2D", {"padding": [1, 3]}, (N, 10, 12, 3), (N, 12, 18, 3)),
    (
        "pad2d-asymmetric",
        "ZeroPadding2D",
        {"padding": [[0, 1], [2, 3]]},
        (N, 10, 12, 3),
        (N, 11, 17, 3),
    ),
    ("pad2d-mixed", "ZeroPadding2D", {"padding": [[4, 0], 1]}, (N, 10, 12, 3), (N, 14, 14, 3)),
    (
        "pad2d-channels-first",
        "ZeroPadding2D",
        {"padding": [[1, 2], [3, 4]], **CF},
        (N, 3, 8, 8),
        (N, 3, 11, 15),
    ),
    ("pad2d-unknown-stays-none", "ZeroPadding2D", {"padding": 1}, (N, N, 8, 3), (N, N, 10, 3)),
    ("pad1d-default", "ZeroPadding1D", {}, (N, 10, 4), (N, 12, 4)),
    ("pad1d-pair", "ZeroPadding1D", {"padding": [3, 0]}, (N, 10, 4), (N, 13, 4)),
    ("pad1d-channels-first", "ZeroPadding1D", {"padding": [1, 2], **CF}, (N, 3, 8), (N, 3, 11)),
    ("pad3d-default", "ZeroPadding3D", {}, (N, 4, 5, 6, 1), (N, 6, 7, 8, 1)),
    ("pad3d-per-axis", "ZeroPadding3D", {"padding": [1, 2, 3]}, (N, 4, 5, 6, 1), (N, 6, 9, 12, 1)),
    (
        "pad3d-mixed",
        "ZeroPadding3D",
        {"padding": [[0, 1], [2, 0], 1]},
        (N, 4, 5, 6, 1),
        (N, 5, 7, 8, 1),
    ),
    # cropping: i - lo - hi
    ("crop2d-default-nothing", "Cropping2D", {}, (N, 20, 24, 3), (N, 20, 24, 3)),
    ("crop2d-int", "Cropping2D", {"cropping": 1}, (N, 20, 24, 3), (N, 18, 22, 3)),
    ("crop2d-symmetric-pair", "Cropping2D", {"cropping": [2, 3]}, (N, 20, 24, 3), (N, 16, 18, 3)),
    (
        "crop2d-asymmetric",
        "Cropping2D",
        {"cropping": [[0, 4], [1, 0]]},
        (N, 20, 24, 3),
        (N, 16, 23, 3),
    ),
    (
        "crop2d-channels-first",
        "Cropping2D",
        {"cropping": [[2, 2], [0, 5]], **CF},
        (N, 3, 16, 16),
        (N, 3, 12, 11),
    ),
    (
        "crop2d-unknown-unchecked",
        "Cropping2D",
        {"cropping": [[10, 10], 1]},
        (N, N, 6, 2),
        (N, N, 4, 2),
    ),
    ("crop1d-default", "Cropping1D", {}, (N, 30, 5), (N, 28, 5)),
    ("crop1d-pair", "Cropping1D", {"cropping": [0, 5]}, (N, 30, 5), (N, 25, 5)),
    ("crop3d-default", "Cropping3D", {}, (N, 10, 11, 12, 2), (N, 8, 9, 10, 2)),
    ("crop3d-per-axis", "Cropping3D", {"cropping": [1, 2, 3]}, (N, 10, 11, 12, 2), (N, 8, 7, 6, 2)),
    (
        "crop3d-channels-first",
        "Cropping3D",
        {"cropping": [[1, 0], [0, 2], 3], **CF},
        (N, 2, 10, 11, 12),
        (N, 2, 9, 9, 6),
    ),
]

# (id, type, args, input shape, error code): Keras raises when the layer is called
SHAPE_ERRORS = [
    (
        "t2d-zero-size",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 2, "strides": 2, "padding": "same", "output_padding": 0},
        (N, 1, 1, 3),
        "SC101",
    ),  # 0*2 + 2 % 2 + 0 = 0
    ("t2d-wrong-rank", "Conv2DTranspose", {"filters": 4, "kernel_size": 3}, (N, 10, 3), "SC102"),
    (
        "dw2d-too-small",
        "DepthwiseConv2D",
        {"kernel_size": 3},
        (N, 2, 2, 8),
        "SC101",
    ),  # floor((2-3)/1)+1 = 0
    ("sep1d-too-small", "SeparableConv1D", {"filters": 2, "kernel_size": 5}, (N, 4, 3), "SC101"),
    ("global-wrong-rank", "GlobalMaxPooling2D", {}, (N, 20, 8), "SC102"),
    (
        "crop2d-nothing-left",
        "Cropping2D",
        {"cropping": [[2, 3], 0]},
        (N, 5, 9, 3),
        "SC101",
    ),  # 5 - 2 - 3 = 0
    ("crop1d-nothing-left", "Cropping1D", {"cropping": 4}, (N, 8, 3), "SC101"),  # 8 - 4 - 4 = 0
    ("crop3d-nothing-left", "Cropping3D", {"cropping": [2, 1, 1]}, (N, 4, 8, 8, 1), "SC101"),
    ("pad3d-wrong-rank", "ZeroPadding3D", {}, (N, 4, 4, 1), "SC102"),
    # Keras creates the kernel from the channel count: an unknown one is refused
    (
        "conv2d-unknown-channels",
        "Conv2D",
        {"filters": 4, "kernel_size": 3},
        (N, 16, 16, N),
        "SC102",
    ),
    (
        "t2d-unknown-channels",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 3},
        (N, 6, 6, N),
        "SC102",
    ),
    ("dw2d-unknown-channels", "DepthwiseConv2D", {"kernel_size": 3}, (N, 6, 6, N), "SC102"),
    (
        "sep1d-unknown-channels-first",
        "SeparableConv1D",
        {"filters": 4, "kernel_size": 1, **CF},
        (N, N, 1),
        "SC102",
    ),
]

# (id, type, args): Keras refuses these arguments at construction
REFUSED = [
    (
        "t2d-output-padding-equals-stride",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 3, "strides": 2, "output_padding": 2},
    ),
    (
        "t1d-output-padding-stride-1",
        "Conv1DTranspose",
        {"filters": 4, "kernel_size": 3, "output_padding": 1},
    ),
    (
        "t3d-output-padding-one-axis",
        "Conv3DTranspose",
        {"filters": 4, "kernel_size": 3, "strides": [2, 2, 1], "output_padding": [1, 1, 1]},
    ),
    (
        "t3d-stride-and-dilation",
        "Conv3DTranspose",
        {"filters": 2, "kernel_size": 3, "strides": [1, 1, 2], "dilation_rate": [2, 1, 1]},
    ),
    (
        "t2d-output-padding-length",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 3, "strides": 2, "output_padding": [1, 1, 1]},
    ),
    (
        "t2d-negative-output-padding",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 3, "strides": 2, "output_padding": -1},
    ),
    ("t2d-causal", "Conv2DTranspose", {"filters": 4, "kernel_size": 3, "padding": "causal"}),
    ("dw1d-causal", "DepthwiseConv1D", {"kernel_size": 3, "padding": "causal"}),
    ("dw2d-zero-multiplier", "DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 0}),
    ("sep2d-needs-filters", "SeparableConv2D", {"kernel_size": 3}),
    ("sep2d-kernel-length", "SeparableConv2D", {"filters": 2, "kernel_size": [3, 3, 3]}),
    ("pad2d-three-entries", "ZeroPadding2D", {"padding": [1, 2, 3]}),
    ("pad2d-long-pair", "ZeroPadding2D", {"padding": [[1, 2, 3], 1]}),
    ("pad1d-three", "ZeroPadding1D", {"padding": [1, 2, 3]}),
    ("pad2d-negative", "ZeroPadding2D", {"padding": [[-1, 0], 0]}),
    ("crop1d-no-data-format", "Cropping1D", {"cropping": 1, "data_format": "channels_last"}),
    ("crop2d-negative", "Cropping2D", {"cropping": -1}),
    ("crop3d-two-entries", "Cropping3D", {"cropping": [1, 1]}),
    ("global-unknown-argument", "GlobalAveragePooling2D", {"pool_size": 2}),
]

# (id, type, args, input shape, a step of the explanation)
EXPLAINED = [
    (
        "t2d-same-no-op",
        "Conv2DTranspose",
        {"filters": 1, "kernel_size": 3, "strides": 2, "padding": "same"},
        (N, 7, 7, 1),
        "H: same, output_padding=None: 7*2 = 14",
    ),
    (
        "t2d-same-op",
        "Conv2DTranspose",
        {"filters": 1, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
        (N, 14, 14, 1),
        "W: same, output_padding=1: (14 - 1)*2 + 3 % 2 + 1 = 28",
    ),
    (
        "t2d-valid-no-op",
        "Conv2DTranspose",
        {"filters": 1, "kernel_size": 1, "strides": 3},
        (N, 7, 7, 1),
        "H: valid, output_padding=None: (7 - 1)*3 + max(1, 3) = 21",
    ),
    (
        "t1d-dilated",
        "Conv1DTranspose",
        {"filters": 1, "kernel_size": 3, "dilation_rate": 3, "output_padding": 0},
        (N, 32, 1),
        "W: valid, output_padding=0: (32 - 1)*1 + (3*(3 - 1) + 1) + 0 = 38",
    ),
    (
        "t2d-params",
        "Conv2DTranspose",
        {"filters": 4, "kernel_size": 3},
        (N, 5, 5, 3),
        "params: 3*3*3*4 + 4 = 112",
    ),
    (
        "sep2d-pointwise",
        "SeparableConv2D",
        {"filters": 32, "kernel_size": 3, "depth_multiplier": 2},
        (N, 26, 26, 16),
        "pointwise: 16*2*32 = 1024",
    ),
    (
        "dw2d-channels",
        "DepthwiseConv2D",
        {"kernel_size": 3, "depth_multiplier": 4},
        (N, 9, 9, 3),
        "channels: 3*4 = 12",
    ),
    ("crop2d", "Cropping2D", {"cropping": [[0, 4], [1, 0]]}, (N, 20, 24, 3), "H: 20 - 0 - 4 = 16"),
    ("pad2d", "ZeroPadding2D", {"padding": [[0, 1], [2, 3]]}, (N, 10, 12, 3), "W: 12 + 2 + 3 = 17"),
    (
        "causal",
        "Conv1D",
        {"filters": 1, "kernel_size": 4, "padding": "causal", "strides": 4},
        (N, 30, 1),
        "W: floor((30 + 3 + 0 - 4) / 4) + 1 = 8",
    ),
]


def build(type_name: str, args: dict[str, Any]) -> Layer:
    cls = lookup("keras", type_name)
    assert cls is not None, f"{type_name} is not registered"
    return cls.build(dict(args))


def evaluate(type_name: str, args: dict[str, Any], given: tuple) -> tuple[Any, Params, Why]:
    layer = build(type_name, args)
    why = Why()
    output = layer.output_shape([given], why)
    return output, layer.params([given], why), why


@pytest.mark.parametrize(
    ("type_name", "args", "given", "output", "trainable"),
    [row[1:] for row in TRANSPOSED + DEPTHWISE_SEPARABLE + CONV_AND_POOLING_CORNERS],
    ids=[row[0] for row in TRANSPOSED + DEPTHWISE_SEPARABLE + CONV_AND_POOLING_CORNERS],
)
def test_windowed_layers(type_name, args, given, output, trainable) -> None:
    shape, params, _ = evaluate(type_name, args, given)
    assert (shape, params) == (output, Params(trainable))


@pytest.mark.parametrize(
    ("type_name", "args", "given", "output"),
    [row[1:] for row in GLOBAL_POOLING + PAD_AND_CROP],
    ids=[row[0] for row in GLOBAL_POOLING + PAD_AND_CROP],
)
def test_parameter_free_layers(type_name, args, given, output) -> None:
    shape, params, _ = evaluate(type_name, args, given)
    assert (shape, params) == (output, Params())


@pytest.mark.parametrize(
    ("type_name", "args", "given", "code"),
    [row[1:] for row in SHAPE_ERRORS],
    ids=[row[0] for row in SHAPE_ERRORS],
)
def test_impossible_shapes(type_name, args, given, code) -> None:
    with pytest.raises(ShapeError) as raised:
        evaluate(type_name, args, given)
    assert raised.value.code == code


@pytest.mark.parametrize(
    ("type_name", "args"), [row[1:] for row in REFUSED], ids=[row[0] for row in REFUSED]
)
def test_refused_arguments(type_name, args) -> None:
    with pytest.raises((ArgumentError, ValidationError)):
        build(type_name, args)


@pytest.mark.parametrize(
    ("type_name", "args", "given", "step"),
    [row[1:] for row in EXPLAINED],
    ids=[row[0] for row in EXPLAINED],
)
def test_explanation_writes_the_arithmetic(type_name, args, given, step) -> None:
    _, _, why = evaluate(type_name, args, given)
    assert step in why.steps


@pytest.mark.parametrize(
    "alias, name",
    [
        ("Convolution2DTranspose", "Conv2DTranspose"),
        ("SeparableConvolution1D", "SeparableConv1D"),
        ("GlobalAvgPool3D", "GlobalAveragePooling3D"),
        ("GlobalMaxPool1D", "GlobalMaxPooling1D"),
        ("MaxPool2D", "MaxPooling2D"),
        ("AvgPool3D", "AveragePooling3D"),
        ("Convolution1D", "Conv1D"),
    ],
)
def test_aliases_are_the_same_class(alias, name) -> None:
    assert lookup("keras", alias) is lookup("keras", name)


@pytest.mark.parametrize(
    "type_name, primary",
    [
        ("ZeroPadding1D", "padding"),
        ("ZeroPadding2D", "padding"),
        ("ZeroPadding3D", "padding"),
        ("Cropping1D", "cropping"),
        ("Cropping2D", "cropping"),
        ("Cropping3D", "cropping"),
    ],
)
def test_scalar_form_fills_the_amount(type_name, primary) -> None:
    assert lookup("keras", type_name).primary == primary
