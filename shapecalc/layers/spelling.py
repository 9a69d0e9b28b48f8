"""Forms copied from code, read as the names the registry knows: `nn.Conv2d`, `keras.layers.ReLU`, `keras.ops.add`, `framework: torch`.

People paste model code into model files; the module path in front of a
class name (`torch.nn.`, `nn.`, `tf.keras.layers.`, `keras.layers.`,
`layers.`) says nothing the file's framework does not, so it is dropped, and
the usual other names of a framework are read as ours.
"""

from __future__ import annotations

from typing import Any

FRAMEWORK_ALIASES = {
    "torch": "pytorch", "PyTorch": "pytorch", "Pytorch": "pytorch", "pyTorch": "pytorch",
    "tf.keras": "keras", "tensorflow": "keras", "TensorFlow": "keras", "Keras": "keras", "keras3": "keras",
}

# Longest first: `torch.nn.` before `nn.`, `tf.keras.layers.` before `keras.layers.` before `layers.`.
MODULE_PREFIXES = ("tf.keras.layers.", "keras.layers.", "torch.nn.", "layers.", "nn.")
# Keras operations are registered under `ops.` (`ops.add`): `keras.ops.add` is the same function.
OPERATION_PREFIXES = {"keras.ops.": "ops."}


def plain_type_name(type_name: Any) -> Any:
    """`nn.Conv2d` -> `Conv2d`, `keras.ops.add` -> `ops.add`; anything else unchanged."""
    if isinstance(type_name, str) and "." in type_name:
        for prefix, registered in OPERATION_PREFIXES.items():
            if type_name.startswith(prefix) and len(type_name) > len(prefix):
                return registered + type_name[len(prefix):]
        for prefix in MODULE_PREFIXES:
            if type_name.startswith(prefix) and len(type_name) > len(prefix):
                return type_name[len(prefix):]
    return type_name


def canonical_framework(data: Any) -> None:
    """Rewrite a top-level `framework:` alias (`torch`, `tf.keras`, ...) as `pytorch` or `keras`, in place."""
    if isinstance(data, dict):
        written = data.get("framework")
        if isinstance(written, str) and written in FRAMEWORK_ALIASES:
            data["framework"] = FRAMEWORK_ALIASES[written]
