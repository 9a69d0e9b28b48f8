"""Which class implements each layer type name, per framework.

An explicit table, not discovery: adding a layer type is one class and one
line here. Values name the module under `shapecalc.layers` that holds a class
of the same name (`"keras.conv"`), or `"module:Class"` for an alias. Modules
are imported only when a file uses one of their types, so start-up stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shapecalc.layers.base import Layer

KERAS: dict[str, str] = {
    # convolution
    "Conv1D": "keras.conv",
    "Conv2D": "keras.conv",
    "Conv3D": "keras.conv",
    "Convolution1D": "keras.conv:Conv1D",
    "Convolution2D": "keras.conv:Conv2D",
    "Convolution3D": "keras.conv:Conv3D",
    "Conv1DTranspose": "keras.conv_transpose",
    "Conv2DTranspose": "keras.conv_transpose",
    "Conv3DTranspose": "keras.conv_transpose",
    "Convolution1DTranspose": "keras.conv_transpose:Conv1DTranspose",
    "Convolution2DTranspose": "keras.conv_transpose:Conv2DTranspose",
    "Convolution3DTranspose": "keras.conv_transpose:Conv3DTranspose",
    "DepthwiseConv1D": "keras.separable",
    "DepthwiseConv2D": "keras.separable",
    "SeparableConv1D": "keras.separable",
    "SeparableConv2D": "keras.separable",
    "SeparableConvolution1D": "keras.separable:SeparableConv1D",
    "SeparableConvolution2D": "keras.separable:SeparableConv2D",
    # pooling
    "MaxPooling1D": "keras.pooling",
    "MaxPooling2D": "keras.pooling",
    "MaxPooling3D": "keras.pooling",
    "AveragePooling1D": "keras.pooling",
    "AveragePooling2D": "keras.pooling",
    "AveragePooling3D": "keras.pooling",
    "MaxPool1D": "keras.pooling:MaxPooling1D",
    "MaxPool2D": "keras.pooling:MaxPooling2D",
    "MaxPool3D": "keras.pooling:MaxPooling3D",
    "AvgPool1D": "keras.pooling:AveragePooling1D",
    "AvgPool2D": "keras.pooling:AveragePooling2D",
    "AvgPool3D": "keras.pooling:AveragePooling3D",
    "GlobalMaxPooling1D": "keras.global_pooling",
    "GlobalMaxPooling2D": "keras.global_pooling",
    "GlobalMaxPooling3D": "keras.global_pooling",
    "GlobalAveragePooling1D": "keras.global_pooling",
    "GlobalAveragePooling2D": "keras.global_pooling",
    "GlobalAveragePooling3D": "keras.global_pooling",
    "GlobalMaxPool1D": "keras.global_pooling:GlobalMaxPooling1D",
    "GlobalMaxPool2D": "keras.global_pooling:GlobalMaxPooling2D",
    "GlobalMaxPool3D": "keras.global_pooling:GlobalMaxPooling3D",
    "GlobalAvgPool1D": "keras.global_pooling:GlobalAveragePooling1D",
    "GlobalAvgPool2D": "keras.global_pooling:GlobalAveragePooling2D",
    "GlobalAvgPool3D": "keras.global_pooling:GlobalAveragePooling3D",
    # padding and cropping
    "ZeroPadding1D": "keras.reshaping",
    "ZeroPadding2D": "keras.reshaping",
    "ZeroPadding3D": "keras.reshaping",
    "Cropping1D": "keras.reshaping",
    "Cropping2D": "keras.reshaping",
    "Cropping3D": "keras.reshaping",
    # upsampling
    "UpSampling1D": "keras.upsampling",
    "UpSampling2D": "keras.upsampling",
    "UpSampling3D": "keras.upsampling",
    # core
    "Dense": "keras.core",
    "Flatten": "keras.core",
    "Activation": "keras.core",
    # recurrent
    "SimpleRNN": "keras.recurrent",
    "LSTM": "keras.recurrent",
    "GRU": "keras.recurrent",
    "ConvLSTM1D": "keras.recurrent",
    "ConvLSTM2D": "keras.recurrent",
    "ConvLSTM3D": "keras.recurrent",
    "RNN": "keras.recurrent",
    "SimpleRNNCell": "keras.recurrent",
    "LSTMCell": "keras.recurrent",
    "GRUCell": "keras.recurrent",
    # wrappers
    "Bidirectional": "keras.wrappers",
    "TimeDistributed": "keras.wrappers",
    # attention
    "MultiHeadAttention": "keras.attention",
    "GroupQueryAttention": "keras.attention:GroupedQueryAttention",
    "Attention": "keras.attention",
    "AdditiveAttention": "keras.attention",
    "EinsumDense": "keras.core",
    "Identity": "keras.core",
    "Masking": "keras.core",
    "Reshape": "keras.core",
    "Permute": "keras.core",
    "RepeatVector": "keras.core",
    "Embedding": "keras.embedding",
    # activations
    "ReLU": "keras.activations",
    "LeakyReLU": "keras.activations",
    "PReLU": "keras.activations",
    "ELU": "keras.activations",
    "Softmax": "keras.activations",
    # regularization
    "Dropout": "keras.regularization",
    "SpatialDropout1D": "keras.regularization",
    "SpatialDropout2D": "keras.regularization",
    "SpatialDropout3D": "keras.regularization",
    "GaussianNoise": "keras.regularization",
    "GaussianDropout": "keras.regularization",
    "AlphaDropout": "keras.regularization",
    "ActivityRegularization": "keras.regularization",
    # normalization
    "BatchNormalization": "keras.normalization",
    "LayerNormalization": "keras.normalization",
    "GroupNormalization": "keras.normalization",
    "RMSNormalization": "keras.normalization",
    "UnitNormalization": "keras.normalization",
    # preprocessing inside models
    "Rescaling": "keras.preprocessing",
    "Normalization": "keras.preprocessing",
    "Resizing": "keras.preprocessing",
    "CenterCrop": "keras.preprocessing",
    "RandomCrop": "keras.preprocessing",
    "RandomFlip": "keras.preprocessing",
    "RandomRotation": "keras.preprocessing",
    "RandomZoom": "keras.preprocessing",
    "RandomTranslation": "keras.preprocessing",
    "RandomContrast": "keras.preprocessing",
    "RandomBrightness": "keras.preprocessing",
    # merging
    "Concatenate": "keras.merge",
    "Add": "keras.merge",
    "Subtract": "keras.merge",
    "Multiply": "keras.merge",
    "Average": "keras.merge",
    "Maximum": "keras.merge",
    "Minimum": "keras.merge",
    "Dot": "keras.merge",
    # classes keras.applications defines in its own modules and writes into saved models
    "CustomScaleLayer": "keras.inception_resnet",
    # graph operations (`x + 3.0`, `keras.ops.multiply(a, b)`), named by their keras.ops function
    "ops.add": "keras.operations:Add",
    "ops.subtract": "keras.operations:Subtract",
    "ops.multiply": "keras.operations:Multiply",
    "ops.divide": "keras.operations:Divide",
    "ops.true_divide": "keras.operations:TrueDivide",
    "ops.floor_divide": "keras.operations:FloorDivide",
    "ops.mod": "keras.operations:Mod",
    "ops.power": "keras.operations:Power",
    "ops.maximum": "keras.operations:Maximum",
    "ops.minimum": "keras.operations:Minimum",
    "ops.negative": "keras.operations:Negative",
    "ops.absolute": "keras.operations:Absolute",
    "ops.abs": "keras.operations:Absolute",
    # graphs: calling an earlier layer again (shared weights)
    "Reuse": "reuse",
    # the inputs of a functional model used as a layer (`Functional: {layers: [Input: ..., ...]}`)
    "Input": "keras.model_input:InputLayer",
    "InputLayer": "keras.model_input",
    # ConvNeXt's layer scale: keras.applications defines it in its own module and writes it into saved models
    "LayerScale": "keras.convnext",
}

PYTORCH: dict[str, str] = {
    # conv
    "Conv1d": "torch.conv",
    "Conv2d": "torch.conv",
    "Conv3d": "torch.conv",
    "ConvTranspose1d": "torch.conv",
    "ConvTranspose2d": "torch.conv",
    "ConvTranspose3d": "torch.conv",
    "LazyConv1d": "torch.conv",
    "LazyConv2d": "torch.conv",
    "LazyConv3d": "torch.conv",
    "LazyConvTranspose1d": "torch.conv",
    "LazyConvTranspose2d": "torch.conv",
    "LazyConvTranspose3d": "torch.conv",
    # pooling
    "MaxPool1d": "torch.pooling",
    "MaxPool2d": "torch.pooling",
    "MaxPool3d": "torch.pooling",
    "AvgPool1d": "torch.pooling",
    "AvgPool2d": "torch.pooling",
    "AvgPool3d": "torch.pooling",
    "LPPool1d": "torch.pooling",
    "LPPool2d": "torch.pooling",
    "LPPool3d": "torch.pooling",
    "AdaptiveAvgPool1d": "torch.pooling",
    "AdaptiveAvgPool2d": "torch.pooling",
    "AdaptiveAvgPool3d": "torch.pooling",
    "AdaptiveMaxPool1d": "torch.pooling",
    "AdaptiveMaxPool2d": "torch.pooling",
    "AdaptiveMaxPool3d": "torch.pooling",
    "MaxUnpool1d": "torch.pooling",
    "MaxUnpool2d": "torch.pooling",
    "MaxUnpool3d": "torch.pooling",
    # upsample
    "Upsample": "torch.upsample",
    "UpsamplingNearest2d": "torch.upsample",
    "UpsamplingBilinear2d": "torch.upsample",
    # shape
    "Flatten": "torch.shape",
    "Unflatten": "torch.shape",
    "Identity": "torch.shape",
    "PixelShuffle": "torch.shape",
    "PixelUnshuffle": "torch.shape",
    "ChannelShuffle": "torch.shape",
    "Unfold": "torch.fold",
    # tensor methods between modules
    "Permute": "torch.tensor_ops",
    "Transpose": "torch.tensor_ops",
    "Reshape": "torch.tensor_ops",
    "View": "torch.tensor_ops",
    "Squeeze": "torch.tensor_ops",
    "Unsqueeze": "torch.tensor_ops",
    "Mean": "torch.tensor_ops",
    "Fold": "torch.fold",
    "Chunk": "torch.plumbing",
    "Split": "torch.plumbing",
    "Expand": "torch.plumbing",
    "ExpandAs": "torch.plumbing",
    "Select": "torch.plumbing",
    "Narrow": "torch.plumbing",
    "Index": "torch.plumbing",
    "Sum": "torch.plumbing",
    "Contiguous": "torch.plumbing",
    "torch.chunk": "torch.plumbing:Chunk",
    "torch.split": "torch.plumbing:Split",
    "torch.sum": "torch.plumbing:Sum",
    # linear
    "Linear": "torch.linear",
    "Bilinear": "torch.linear",
    "Embedding": "torch.linear",
    # distances
    "CosineSimilarity": "torch.distance",
    "PairwiseDistance": "torch.distance",
    "LazyLinear": "torch.linear",
    # norm
    "BatchNorm1d": "torch.norm",
    "BatchNorm2d": "torch.norm",
    "BatchNorm3d": "torch.norm",
    "LazyBatchNorm1d": "torch.norm",
    "LazyBatchNorm2d": "torch.norm",
    "LazyBatchNorm3d": "torch.norm",
    "InstanceNorm1d": "torch.norm",
    "InstanceNorm2d": "torch.norm",
    "InstanceNorm3d": "torch.norm",
    "LazyInstanceNorm1d": "torch.norm",
    "LazyInstanceNorm2d": "torch.norm",
    "LazyInstanceNorm3d": "torch.norm",
    "LayerNorm": "torch.norm",
    "RMSNorm": "torch.norm",
    "GroupNorm": "torch.norm",
    "LocalResponseNorm": "torch.norm",
    # activation
    "ReLU": "torch.activation",
    "ReLU6": "torch.activation",
    "LeakyReLU": "torch.activation",
    "PReLU": "torch.activation",
    "RReLU": "torch.activation",
    "ELU": "torch.activation",
    "CELU": "torch.activation",
    "SELU": "torch.activation",
    "GELU": "torch.activation",
    "SiLU": "torch.activation",
    "Mish": "torch.activation",
    "Sigmoid": "torch.activation",
    "Tanh": "torch.activation",
    "LogSigmoid": "torch.activation",
    "Softsign": "torch.activation",
    "Tanhshrink": "torch.activation",
    "Softplus": "torch.activation",
    "Hardswish": "torch.activation",
    "Hardsigmoid": "torch.activation",
    "Hardtanh": "torch.activation",
    "Threshold": "torch.activation",
    "Softshrink": "torch.activation",
    "Hardshrink": "torch.activation",
    "Softmax": "torch.activation",
    "LogSoftmax": "torch.activation",
    "Softmin": "torch.activation",
    "Softmax2d": "torch.activation",
    "GLU": "torch.activation",
    # dropout
    "Dropout": "torch.dropout",
    "Dropout1d": "torch.dropout",
    "Dropout2d": "torch.dropout",
    "Dropout3d": "torch.dropout",
    "AlphaDropout": "torch.dropout",
    "FeatureAlphaDropout": "torch.dropout",
    # recurrent
    "RNN": "torch.recurrent",
    "LSTM": "torch.recurrent",
    "GRU": "torch.recurrent",
    "RNNCell": "torch.recurrent",
    "LSTMCell": "torch.recurrent",
    "GRUCell": "torch.recurrent",
    # attention
    "MultiheadAttention": "torch.attention",
    "TransformerEncoderLayer": "torch.transformer",
    "TransformerDecoderLayer": "torch.transformer",
    "Transformer": "torch.transformer",
    "TransformerEncoder": "torch.transformer",
    "TransformerDecoder": "torch.transformer",
    # padding
    "ZeroPad1d": "torch.padding",
    "ZeroPad2d": "torch.padding",
    "ZeroPad3d": "torch.padding",
    "ConstantPad1d": "torch.padding",
    "ConstantPad2d": "torch.padding",
    "ConstantPad3d": "torch.padding",
    "ReflectionPad1d": "torch.padding",
    "ReflectionPad2d": "torch.padding",
    "ReflectionPad3d": "torch.padding",
    "ReplicationPad1d": "torch.padding",
    "ReplicationPad2d": "torch.padding",
    "ReplicationPad3d": "torch.padding",
    "CircularPad1d": "torch.padding",
    "CircularPad2d": "torch.padding",
    "CircularPad3d": "torch.padding",
    # merge
    "Concatenate": "torch.merge",
    "Cat": "torch.merge",
    # elementwise arithmetic, comparisons and masks (torch.mul-style names are aliases)
    "Add": "torch.elementwise",
    "Sub": "torch.elementwise",
    "Rsub": "torch.elementwise",
    "Mul": "torch.elementwise",
    "Div": "torch.elementwise",
    "Pow": "torch.elementwise",
    "Maximum": "torch.elementwise",
    "Minimum": "torch.elementwise",
    "Eq": "torch.elementwise",
    "Ne": "torch.elementwise",
    "Lt": "torch.elementwise",
    "Le": "torch.elementwise",
    "Gt": "torch.elementwise",
    "Ge": "torch.elementwise",
    "Where": "torch.elementwise",
    "MaskedFill": "torch.elementwise",
    "Abs": "torch.elementwise",
    "Neg": "torch.elementwise",
    "Exp": "torch.elementwise",
    "Log": "torch.elementwise",
    "Sqrt": "torch.elementwise",
    "Rsqrt": "torch.elementwise",
    "Sin": "torch.elementwise",
    "Cos": "torch.elementwise",
    "Reciprocal": "torch.elementwise",
    "LogicalNot": "torch.elementwise",
    "Clamp": "torch.elementwise",
    "Float": "torch.elementwise",
    "Long": "torch.elementwise",
    "To": "torch.elementwise",
    "Tril": "torch.elementwise",
    "Triu": "torch.elementwise",
    "Subtract": "torch.elementwise:Sub",
    "Multiply": "torch.elementwise:Mul",
    "Divide": "torch.elementwise:Div",
    "TrueDivide": "torch.elementwise:Div",
    "Clip": "torch.elementwise:Clamp",
    "torch.add": "torch.elementwise:Add",
    "torch.sub": "torch.elementwise:Sub",
    "torch.rsub": "torch.elementwise:Rsub",
    "torch.mul": "torch.elementwise:Mul",
    "torch.div": "torch.elementwise:Div",
    "torch.pow": "torch.elementwise:Pow",
    "torch.maximum": "torch.elementwise:Maximum",
    "torch.minimum": "torch.elementwise:Minimum",
    "torch.eq": "torch.elementwise:Eq",
    "torch.ne": "torch.elementwise:Ne",
    "torch.lt": "torch.elementwise:Lt",
    "torch.le": "torch.elementwise:Le",
    "torch.gt": "torch.elementwise:Gt",
    "torch.ge": "torch.elementwise:Ge",
    "torch.where": "torch.elementwise:Where",
    "torch.abs": "torch.elementwise:Abs",
    "torch.neg": "torch.elementwise:Neg",
    "torch.exp": "torch.elementwise:Exp",
    "torch.log": "torch.elementwise:Log",
    "torch.sqrt": "torch.elementwise:Sqrt",
    "torch.rsqrt": "torch.elementwise:Rsqrt",
    "torch.clamp": "torch.elementwise:Clamp",
    # products of tensors
    "Matmul": "torch.products",
    "Bmm": "torch.products",
    "Mm": "torch.products",
    "Einsum": "torch.products",
    "ScaledDotProductAttention": "torch.products",
    "torch.matmul": "torch.products:Matmul",
    "torch.bmm": "torch.products:Bmm",
    "torch.mm": "torch.products:Mm",
    "torch.einsum": "torch.products:Einsum",
    "F.scaled_dot_product_attention": "torch.products:ScaledDotProductAttention",
    # tensors made without an input: learned, registered, created
    "Parameter": "torch.sources",
    "Buffer": "torch.sources",
    "Ones": "torch.sources",
    "Zeros": "torch.sources",
    "Empty": "torch.sources",
    "Rand": "torch.sources",
    "Randn": "torch.sources",
    "Full": "torch.sources",
    "Arange": "torch.sources",
    "torch.ones": "torch.sources:Ones",
    "torch.zeros": "torch.sources:Zeros",
    "torch.empty": "torch.sources:Empty",
    "torch.rand": "torch.sources:Rand",
    "torch.randn": "torch.sources:Randn",
    "torch.full": "torch.sources:Full",
    "torch.arange": "torch.sources:Arange",
    "nn.Parameter": "torch.sources:Parameter",
    # graphs: calling an earlier module again (shared weights)
    "Reuse": "reuse",
}

TABLES: dict[str, dict[str, str]] = {"keras": KERAS, "pytorch": PYTORCH}

# The other framework's name for the same layer, for the hint when a file mixes vocabularies
# (the first Keras name listed for a PyTorch name is the one suggested back).
_KERAS_TO_PYTORCH = {
    "Dense": "Linear", "Conv1DTranspose": "ConvTranspose1d", "Conv2DTranspose": "ConvTranspose2d",
    "Conv3DTranspose": "ConvTranspose3d", "MaxPooling1D": "MaxPool1d", "MaxPooling2D": "MaxPool2d",
    "MaxPooling3D": "MaxPool3d", "AveragePooling1D": "AvgPool1d", "AveragePooling2D": "AvgPool2d",
    "AveragePooling3D": "AvgPool3d", "GlobalAveragePooling2D": "AdaptiveAvgPool2d",
    "GlobalMaxPooling2D": "AdaptiveMaxPool2d", "UpSampling2D": "Upsample", "UpSampling1D": "Upsample",
    "UpSampling3D": "Upsample", "ZeroPadding1D": "ZeroPad1d", "ZeroPadding2D": "ZeroPad2d",
    "ZeroPadding3D": "ZeroPad3d", "BatchNormalization": "BatchNorm2d", "LayerNormalization": "LayerNorm",
    "GroupNormalization": "GroupNorm", "MultiHeadAttention": "MultiheadAttention",
    "SimpleRNN": "RNN", "Activation": "ReLU", "SpatialDropout2D": "Dropout2d", "Reshape": "Unflatten",
}
COUNTERPARTS: dict[str, dict[str, str]] = {
    "pytorch": _KERAS_TO_PYTORCH,
    "keras": {torch_name: keras_name for keras_name, torch_name in reversed(_KERAS_TO_PYTORCH.items())},
}

_LOADED: dict[str, dict[str, type[Layer]]] = {framework: {} for framework in TABLES}  # per framework, by type name


def lookup(framework: str, type_name: str) -> type[Layer] | None:
    """The class for `type_name` in `framework`, or None if the type is unknown."""
    loaded = _LOADED[framework]
    found = loaded.get(type_name)
    if found is not None:
        return found
    target = TABLES[framework].get(type_name)
    if target is None:
        return None
    module_name, _, class_name = target.partition(":")
    module = importlib.import_module(f"shapecalc.layers.{module_name}")
    found = getattr(module, class_name or type_name)
    loaded[type_name] = found
    return found


def suggest(framework: str, type_name: str) -> str | None:
    """The closest known type name, for a 'did you mean' hint (case-insensitive first)."""
    import difflib

    names = list(TABLES[framework])
    lowered = {name.lower(): name for name in names}
    if type_name.lower() in lowered:
        return lowered[type_name.lower()]
    if type_name in COUNTERPARTS.get(framework, {}):
        return COUNTERPARTS[framework][type_name]
    for other, table in TABLES.items():
        if other != framework and type_name in table:
            close = difflib.get_close_matches(type_name, names, n=1, cutoff=0.5)
            if close:
                return close[0]
    close = difflib.get_close_matches(type_name, names, n=1, cutoff=0.6)
    return close[0] if close else None
