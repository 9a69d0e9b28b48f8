"""Which class implements each layer type name, per framework.

An explicit table, not discovery: adding a layer type is one class and one
line here. Values name the module under `shapecalc.layers` that holds a class
of the same name (`"keras.conv"`), or `"module:Class"` for an alias. Modules
are imported only when a file uses one of their types, so start-up stays cheap.
"""

from __future__ import annotations

import difflib
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shapecalc.layers.base import Layer

KERAS: dict[str, str] = {
    # convolution
    "Conv1D": "keras.conv",
    "Conv2D": "keras.conv",
    "Conv3D": "keras.conv",
    # pooling
    "MaxPooling1D": "keras.pooling",
    "MaxPooling2D": "keras.pooling",
    "MaxPooling3D": "keras.pooling",
    "AveragePooling1D": "keras.pooling",
    "AveragePooling2D": "keras.pooling",
    "AveragePooling3D": "keras.pooling",
    # upsampling
    "UpSampling1D": "keras.upsampling",
    "UpSampling2D": "keras.upsampling",
    "UpSampling3D": "keras.upsampling",
    # core
    "Dense": "keras.core",
    "Flatten": "keras.core",
    "Activation": "keras.core",
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
}

PYTORCH: dict[str, str] = {}

TABLES: dict[str, dict[str, str]] = {"keras": KERAS, "pytorch": PYTORCH}

_LOADED: dict[tuple[str, str], type[Layer]] = {}


def lookup(framework: str, type_name: str) -> type[Layer] | None:
    """The class for `type_name` in `framework`, or None if the type is unknown."""
    key = (framework, type_name)
    found = _LOADED.get(key)
    if found is not None:
        return found
    target = TABLES[framework].get(type_name)
    if target is None:
        return None
    module_name, _, class_name = target.partition(":")
    module = importlib.import_module(f"shapecalc.layers.{module_name}")
    found = getattr(module, class_name or type_name)
    _LOADED[key] = found
    return found


def suggest(framework: str, type_name: str) -> str | None:
    """The closest known type name, for a 'did you mean' hint (case-insensitive first)."""
    names = list(TABLES[framework])
    lowered = {name.lower(): name for name in names}
    if type_name.lower() in lowered:
        return lowered[type_name.lower()]
    for other, table in TABLES.items():
        if other != framework and type_name in table:
            close = difflib.get_close_matches(type_name, names, n=1, cutoff=0.5)
            if close:
                return close[0]
    close = difflib.get_close_matches(type_name, names, n=1, cutoff=0.6)
    return close[0] if close else None
