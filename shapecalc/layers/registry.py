"""Which class implements each layer type name, per framework.

An explicit table, not discovery: adding a layer type is one class and one
line in layers/keras/names.py or layers/torch/names.py. Values name the module under `shapecalc.layers` that holds a class
of the same name (`"keras.conv"`), or `"module:Class"` for an alias. Modules
are imported only when a file uses one of their types, so start-up stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from shapecalc.layers.keras.names import KERAS
from shapecalc.layers.torch.names import PYTORCH

if TYPE_CHECKING:
    from shapecalc.layers.base import Layer

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
