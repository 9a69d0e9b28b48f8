"""Positional arguments as code writes them: `Conv2d: [3, 16, 3]` is `Conv2d(3, 16, 3)`, in the framework's own order.

A list after a type name is the call's positional arguments, bound to
parameter names in the order of the framework's own `__init__` (the tables
below; `tests/layers/test_positional.py` compares them with
`inspect.signature` of torch.nn and keras.layers). One exception keeps the
older meaning of a list: a layer whose one primary argument itself takes a
list (`Reshape: [7, 7, 64]`, `Permute: [2, 1]`, `MaxPooling2D: [2, 2]`,
`ZeroPad2d: [1, 1, 2, 2]`, `LayerNorm: [64]`, ...) reads the list as that
argument, as it always has. Any layer can be given positional arguments,
with or without keywords, under the key `args:`:
`MaxPool2d: {args: [3, 2, 1]}`, `{type: Conv2d, args: [3, 16, 3], padding: 1}`.

Binding is Python's: more values than the signature has positional
parameters, or a parameter given both ways, is refused as the call's
TypeError would be. Names the framework takes positionally but shapecalc
does not know (initializers it has no use for are known; `weights` is not)
are refused as unknown arguments, where they are written.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from shapecalc.model import ARGS_KEY
from shapecalc.reading import DocPath


class PositionalError(Exception):
    """A call Python would refuse (too many values, a parameter given twice), located at `path`."""

    def __init__(self, path: DocPath, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def positional_arguments(cls: Any, framework: str, type_name: str, value: Any, args_path: DocPath,
                         ) -> tuple[dict[str, Any], dict[DocPath, DocPath]] | None:
    """The arguments of `Type: [...]` or `Type: {args: [...], ...}` by name, and where each one bound
    from a position is written; None when `value` is not written positionally (a list that is the
    primary argument, or a type whose order is not known: the scalar form's rules apply)."""
    if cls is None:
        return None
    if isinstance(value, list):
        order = None if list_fills_primary(cls) else _order(cls, framework, type_name)
        return None if order is None else _bound(type_name, order, value, {}, args_path, args_path)
    if ARGS_KEY in cls.model_fields:
        return None
    keywords = dict(value)
    values = keywords.pop(ARGS_KEY)
    where = args_path + (ARGS_KEY,)
    if not isinstance(values, list):
        raise PositionalError(where, f"{type_name}: `{ARGS_KEY}:` is the list of positional arguments, "
                                     f"not {type(values).__name__}")
    order = _order(cls, framework, type_name)
    if order is None:
        raise PositionalError(where, f"{type_name} is written with keyword arguments only "
                                     f"(its positional order is not known here)")
    return _bound(type_name, order, values, keywords, where, args_path)


def scalar_argument(cls: Any, framework: str, type_name: str, value: Any) -> str | None:
    """The key that holds `value` when `Type: value` is rewritten as a mapping: `args` for positional
    arguments, else the primary argument (None: the type has none and the reader refuses it)."""
    if isinstance(value, list) and not list_fills_primary(cls) and _order(cls, framework, type_name) is not None:
        return ARGS_KEY
    return cls.primary


def _bound(type_name: str, order: tuple[str, ...], values: list[Any], keywords: dict[str, Any],
           items_path: DocPath, args_path: DocPath) -> tuple[dict[str, Any], dict[DocPath, DocPath]]:
    """`values` bound to the names in `order` and joined with `keywords`, as Python binds
    `Type(*values, **keywords)`; with, per bound name, the place of its value in the list."""
    if len(values) > len(order):
        raise PositionalError(items_path + (len(order),), _too_many(type_name, order, len(values)))
    arguments: dict[str, Any] = {}
    places: dict[DocPath, DocPath] = {}
    for index, (name, value) in enumerate(zip(order, values, strict=False)):
        if name in keywords:
            raise PositionalError(args_path + (name,), f"{type_name}() got multiple values for argument `{name}`: "
                                                       f"positional argument {index + 1} and the keyword `{name}`")
        arguments[name] = value
        places[args_path + (name,)] = items_path + (index,)
    arguments.update(keywords)
    return arguments, places


def _order(cls: Any, framework: str, type_name: str) -> tuple[str, ...] | None:
    """The registry's order for `type_name`; a class the file declares (`custom_layers:`) has none."""
    return None if cls.user_declared else positional_order(framework, type_name)


def positional_order(framework: str, type_name: str) -> tuple[str, ...] | None:
    """The framework's positional parameters of `type_name`, in order; None when the registry gives none
    (tensor methods such as `Chunk`, Keras operations, `Reuse`)."""
    written = ORDERS[framework].get(type_name)
    return tuple(written.split()) if written is not None else None


def list_fills_primary(cls: Any) -> bool:
    """True when a list after this type name is its primary argument (`Reshape: [7, 7, 64]`), as before
    positional lists existed; False when it is the positional arguments."""
    if cls.primary is None:
        return False
    found = _LIST_PRIMARY.get(cls)
    if found is None:
        found = _LIST_PRIMARY[cls] = _takes_list(cls.model_fields[cls.primary].annotation)
    return found


_LIST_PRIMARY: dict[type, bool] = {}


def _takes_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _takes_list(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return any(_takes_list(arm) for arm in typing.get_args(annotation))
    return origin in (list, tuple) or annotation in (list, tuple)


def _too_many(type_name: str, order: tuple[str, ...], given: int) -> str:
    were = "was" if given == 1 else "were"
    if not order:
        return f"{type_name}() takes no positional arguments but {given} {were} given"
    plural = "argument" if len(order) == 1 else "arguments"
    return (f"{type_name}() takes at most {len(order)} positional {plural} "
            f"({', '.join(order)}) but {given} {were} given")


# The positional parameters of each registered class's `__init__` (torch 2.13, Keras 3.15), by the
# name a file writes. torch's RNN, LSTM and GRU take `*args` and hand them to RNNBase
# (RNN moving a fourth one to `nonlinearity`): these are the orders they bind at run time.
KERAS: dict[str, str] = {
    **dict.fromkeys(("Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D"),
                    "filters kernel_size strides padding data_format dilation_rate groups activation use_bias "
                    "kernel_initializer bias_initializer kernel_regularizer bias_regularizer activity_regularizer "
                    "kernel_constraint bias_constraint"),
    **dict.fromkeys(("Conv1DTranspose", "Conv2DTranspose", "Convolution1DTranspose", "Convolution2DTranspose"),
                    "filters kernel_size strides padding output_padding data_format dilation_rate activation use_bias"
                    " kernel_initializer bias_initializer kernel_regularizer bias_regularizer activity_regularizer "
                    "kernel_constraint bias_constraint"),
    **dict.fromkeys(("Conv3DTranspose", "Convolution3DTranspose"),
                    "filters kernel_size strides padding data_format output_padding dilation_rate activation use_bias"
                    " kernel_initializer bias_initializer kernel_regularizer bias_regularizer activity_regularizer "
                    "kernel_constraint bias_constraint"),
    **dict.fromkeys(("DepthwiseConv1D", "DepthwiseConv2D"),
                    "kernel_size strides padding depth_multiplier data_format dilation_rate activation use_bias "
                    "depthwise_initializer bias_initializer depthwise_regularizer bias_regularizer "
                    "activity_regularizer depthwise_constraint bias_constraint"),
    **dict.fromkeys(("SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D", "SeparableConvolution2D"),
                    "filters kernel_size strides padding data_format dilation_rate depth_multiplier activation "
                    "use_bias depthwise_initializer pointwise_initializer bias_initializer depthwise_regularizer "
                    "pointwise_regularizer bias_regularizer activity_regularizer depthwise_constraint "
                    "pointwise_constraint bias_constraint"),
    **dict.fromkeys(("MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
                     "AveragePooling3D", "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D"),
                    "pool_size strides padding data_format name"),
    **dict.fromkeys(("GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalAveragePooling1D",
                     "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalMaxPool1D", "GlobalMaxPool2D",
                     "GlobalMaxPool3D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D"),
                    "data_format keepdims"),
    **dict.fromkeys(("ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"), "padding data_format"),
    "Cropping1D": "cropping",
    **dict.fromkeys(("Cropping2D", "Cropping3D"), "cropping data_format"),
    "UpSampling1D": "size",
    "UpSampling2D": "size data_format interpolation",
    "UpSampling3D": "size data_format",
    "Dense":
        "units activation use_bias kernel_initializer bias_initializer kernel_regularizer "
        "bias_regularizer activity_regularizer kernel_constraint bias_constraint lora_rank lora_alpha "
        "quantization_config",
    "Flatten": "data_format",
    "Activation": "activation",
    "InputLayer": "shape batch_size dtype sparse ragged batch_shape input_tensor optional name",
    "SimpleRNN":
        "units activation use_bias kernel_initializer recurrent_initializer bias_initializer "
        "kernel_regularizer recurrent_regularizer bias_regularizer activity_regularizer kernel_constraint"
        " recurrent_constraint bias_constraint dropout recurrent_dropout return_sequences return_state "
        "go_backwards stateful unroll seed",
    "LSTM":
        "units activation recurrent_activation use_bias kernel_initializer recurrent_initializer "
        "bias_initializer unit_forget_bias kernel_regularizer recurrent_regularizer bias_regularizer "
        "activity_regularizer kernel_constraint recurrent_constraint bias_constraint dropout "
        "recurrent_dropout seed return_sequences return_state go_backwards stateful unroll use_cudnn",
    "GRU":
        "units activation recurrent_activation use_bias kernel_initializer recurrent_initializer "
        "bias_initializer kernel_regularizer recurrent_regularizer bias_regularizer activity_regularizer "
        "kernel_constraint recurrent_constraint bias_constraint dropout recurrent_dropout seed "
        "return_sequences return_state go_backwards stateful unroll reset_after use_cudnn",
    **dict.fromkeys(("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"),
                    "filters kernel_size strides padding data_format dilation_rate activation recurrent_activation "
                    "use_bias kernel_initializer recurrent_initializer bias_initializer unit_forget_bias "
                    "kernel_regularizer recurrent_regularizer bias_regularizer activity_regularizer kernel_constraint"
                    " recurrent_constraint bias_constraint dropout recurrent_dropout seed return_sequences "
                    "return_state go_backwards stateful"),
    "RNN": "cell return_sequences return_state go_backwards stateful unroll zero_output_for_mask",
    "SimpleRNNCell":
        "units activation use_bias kernel_initializer recurrent_initializer bias_initializer "
        "kernel_regularizer recurrent_regularizer bias_regularizer kernel_constraint recurrent_constraint"
        " bias_constraint dropout recurrent_dropout seed",
    "LSTMCell":
        "units activation recurrent_activation use_bias kernel_initializer recurrent_initializer "
        "bias_initializer unit_forget_bias kernel_regularizer recurrent_regularizer bias_regularizer "
        "kernel_constraint recurrent_constraint bias_constraint dropout recurrent_dropout seed",
    "GRUCell":
        "units activation recurrent_activation use_bias kernel_initializer recurrent_initializer "
        "bias_initializer kernel_regularizer recurrent_regularizer bias_regularizer kernel_constraint "
        "recurrent_constraint bias_constraint dropout recurrent_dropout reset_after seed",
    "Bidirectional": "layer merge_mode weights backward_layer",
    "TimeDistributed": "layer",
    "MultiHeadAttention":
        "num_heads key_dim value_dim dropout use_bias output_shape attention_axes sliding_window "
        "flash_attention kernel_initializer bias_initializer kernel_regularizer bias_regularizer "
        "activity_regularizer kernel_constraint bias_constraint use_gate seed",
    "GroupQueryAttention":
        "head_dim num_query_heads num_key_value_heads dropout use_bias sliding_window flash_attention "
        "kernel_initializer bias_initializer kernel_regularizer bias_regularizer activity_regularizer "
        "kernel_constraint bias_constraint use_gate seed",
    "Attention": "use_scale score_mode dropout seed",
    "AdditiveAttention": "use_scale dropout",
    "EinsumDense":
        "equation output_shape activation bias_axes kernel_initializer bias_initializer "
        "kernel_regularizer bias_regularizer kernel_constraint bias_constraint lora_rank lora_alpha "
        "gptq_unpacked_column_size quantization_config",
    **dict.fromkeys(("Identity", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"), ""),
    "Masking": "mask_value",
    "Reshape": "target_shape",
    "Permute": "dims",
    "RepeatVector": "n",
    "Embedding":
        "input_dim output_dim embeddings_initializer embeddings_regularizer embeddings_constraint "
        "mask_zero weights lora_rank lora_alpha quantization_config",
    "ReLU": "max_value negative_slope threshold",
    "LeakyReLU": "negative_slope",
    "PReLU": "alpha_initializer alpha_regularizer alpha_constraint shared_axes",
    "ELU": "alpha",
    **dict.fromkeys(("Softmax", "UnitNormalization", "Concatenate"), "axis"),
    **dict.fromkeys(("Dropout", "AlphaDropout"), "rate noise_shape seed"),
    "SpatialDropout1D": "rate seed name dtype",
    **dict.fromkeys(("SpatialDropout2D", "SpatialDropout3D"), "rate data_format seed name dtype"),
    "GaussianNoise": "stddev seed",
    "GaussianDropout": "rate seed",
    "ActivityRegularization": "l1 l2",
    "BatchNormalization":
        "axis momentum epsilon center scale beta_initializer gamma_initializer moving_mean_initializer "
        "moving_variance_initializer beta_regularizer gamma_regularizer beta_constraint gamma_constraint "
        "renorm renorm_clipping renorm_momentum synchronized",
    "LayerNormalization":
        "axis epsilon center scale beta_initializer gamma_initializer beta_regularizer gamma_regularizer "
        "beta_constraint gamma_constraint",
    "GroupNormalization":
        "groups axis epsilon center scale beta_initializer gamma_initializer beta_regularizer "
        "gamma_regularizer beta_constraint gamma_constraint",
    "RMSNormalization": "axis epsilon",
    "Rescaling": "scale offset",
    "Normalization": "axis mean variance invert",
    "Resizing":
        "height width interpolation crop_to_aspect_ratio pad_to_aspect_ratio fill_mode fill_value "
        "antialias data_format",
    "CenterCrop": "height width data_format",
    "RandomCrop": "height width seed data_format name",
    "RandomFlip": "mode seed data_format",
    "RandomRotation": "factor fill_mode interpolation seed fill_value data_format",
    **dict.fromkeys(("RandomZoom", "RandomTranslation"),
                    "height_factor width_factor fill_mode interpolation seed fill_value data_format"),
    **dict.fromkeys(("RandomContrast", "RandomBrightness"), "factor value_range seed"),
    "Dot": "axes normalize",
}
PYTORCH: dict[str, str] = {
    **dict.fromkeys(("Conv1d", "Conv2d", "Conv3d"),
                    "in_channels out_channels kernel_size stride padding dilation groups bias padding_mode device "
                    "dtype"),
    **dict.fromkeys(("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"),
                    "in_channels out_channels kernel_size stride padding output_padding groups bias dilation "
                    "padding_mode device dtype"),
    **dict.fromkeys(("LazyConv1d", "LazyConv2d", "LazyConv3d"),
                    "out_channels kernel_size stride padding dilation groups bias padding_mode device dtype"),
    **dict.fromkeys(("LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d"),
                    "out_channels kernel_size stride padding output_padding groups bias dilation padding_mode device "
                    "dtype"),
    **dict.fromkeys(("MaxPool1d", "MaxPool2d", "MaxPool3d"),
                    "kernel_size stride padding dilation return_indices ceil_mode"),
    "AvgPool1d": "kernel_size stride padding ceil_mode count_include_pad",
    **dict.fromkeys(("AvgPool2d", "AvgPool3d"),
                    "kernel_size stride padding ceil_mode count_include_pad divisor_override"),
    **dict.fromkeys(("LPPool1d", "LPPool2d", "LPPool3d"), "norm_type kernel_size stride ceil_mode"),
    **dict.fromkeys(("AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d"), "output_size"),
    **dict.fromkeys(("AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d"),
                    "output_size return_indices"),
    **dict.fromkeys(("MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"), "kernel_size stride padding"),
    "Upsample": "size scale_factor mode align_corners recompute_scale_factor",
    **dict.fromkeys(("UpsamplingNearest2d", "UpsamplingBilinear2d"), "size scale_factor"),
    "Flatten": "start_dim end_dim",
    "Unflatten": "dim unflattened_size",
    **dict.fromkeys(("Identity", "Sigmoid", "Tanh", "LogSigmoid", "Softsign", "Tanhshrink", "Softmax2d"), ""),
    "PixelShuffle": "upscale_factor",
    "PixelUnshuffle": "downscale_factor",
    "ChannelShuffle": "groups",
    "Unfold": "kernel_size dilation padding stride",
    "Fold": "output_size kernel_size dilation padding stride",
    "Linear": "in_features out_features bias device dtype",
    "Bilinear": "in1_features in2_features out_features bias device dtype",
    "Embedding":
        "num_embeddings embedding_dim padding_idx max_norm norm_type scale_grad_by_freq sparse _weight "
        "_freeze device dtype",
    "CosineSimilarity": "dim eps",
    "PairwiseDistance": "p eps keepdim",
    "LazyLinear": "out_features bias device dtype",
    **dict.fromkeys(("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"),
                    "num_features eps momentum affine track_running_stats device dtype"),
    **dict.fromkeys(("LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
                     "LazyInstanceNorm3d"),
                    "eps momentum affine track_running_stats device dtype"),
    "LayerNorm": "normalized_shape eps elementwise_affine bias device dtype",
    "RMSNorm": "normalized_shape eps elementwise_affine device dtype",
    "GroupNorm": "num_groups num_channels eps affine device dtype",
    "LocalResponseNorm": "size alpha beta k",
    **dict.fromkeys(("ReLU", "ReLU6", "SELU", "SiLU", "Mish", "Hardswish", "Hardsigmoid"), "inplace"),
    "LeakyReLU": "negative_slope inplace",
    "PReLU": "num_parameters init device dtype",
    "RReLU": "lower upper inplace",
    **dict.fromkeys(("ELU", "CELU"), "alpha inplace"),
    "GELU": "approximate",
    "Softplus": "beta threshold",
    "Hardtanh": "min_val max_val inplace min_value max_value",
    "Threshold": "threshold value inplace",
    **dict.fromkeys(("Softshrink", "Hardshrink"), "lambd"),
    **dict.fromkeys(("Softmax", "LogSoftmax", "Softmin", "GLU"), "dim"),
    **dict.fromkeys(("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"),
                    "p inplace"),
    "RNN":
        "input_size hidden_size num_layers nonlinearity bias batch_first dropout bidirectional proj_size "
        "device dtype",
    **dict.fromkeys(("LSTM", "GRU"),
                    "input_size hidden_size num_layers bias batch_first dropout bidirectional proj_size device dtype"),
    "RNNCell": "input_size hidden_size bias nonlinearity device dtype",
    **dict.fromkeys(("LSTMCell", "GRUCell"), "input_size hidden_size bias device dtype"),
    "MultiheadAttention":
        "embed_dim num_heads dropout bias add_bias_kv add_zero_attn kdim vdim batch_first device dtype",
    **dict.fromkeys(("TransformerEncoderLayer", "TransformerDecoderLayer"),
                    "d_model nhead dim_feedforward dropout activation layer_norm_eps batch_first norm_first bias "
                    "device dtype"),
    "Transformer":
        "d_model nhead num_encoder_layers num_decoder_layers dim_feedforward dropout activation "
        "custom_encoder custom_decoder layer_norm_eps batch_first norm_first bias device dtype",
    "TransformerEncoder": "encoder_layer num_layers norm enable_nested_tensor mask_check",
    "TransformerDecoder": "decoder_layer num_layers norm",
    **dict.fromkeys(("ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
                     "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d", "CircularPad2d",
                     "CircularPad3d"),
                    "padding"),
    **dict.fromkeys(("ConstantPad1d", "ConstantPad2d", "ConstantPad3d"), "padding value"),
}


ORDERS: dict[str, dict[str, str]] = {"keras": KERAS, "pytorch": PYTORCH}
