"""Declared argument classes read their annotations as typing (and so pydantic) would, and behave like frozen models."""

from __future__ import annotations

import typing

import pytest
from pydantic import ValidationError

from shapecalc.layers import registry

LAYER_TYPES = [(framework, name) for framework, table in registry.TABLES.items() for name in sorted(table)]


@pytest.mark.parametrize("framework, type_name", LAYER_TYPES)
def test_fields_are_the_annotations_typing_resolves(framework, type_name):
    cls = registry.lookup(framework, type_name)
    hints = typing.get_type_hints(cls, include_extras=True)
    expected = {name: hint for name, hint in hints.items()
                if not name.startswith("_") and typing.get_origin(hint) is not typing.ClassVar}
    assert {name: field.annotation for name, field in cls.model_fields.items()} == expected


def test_validation_defaults_alias_copy_and_frozen():
    conv = registry.lookup("keras", "Conv2D")
    layer = conv.model_validate({"filters": 8, "kernel_size": 3})
    assert (layer.strides, layer.padding, layer.use_bias) == (1, "valid", True)
    assert layer.model_copy(update={"padding": "same"}).padding == "same"
    assert layer.padding == "valid"
    with pytest.raises(AttributeError):
        layer.filters = 4
    with pytest.raises(ValidationError) as caught:
        conv.model_validate({"filters": "8", "kernel_size": 3, "strid": 1})
    assert {error["loc"][0] for error in caught.value.errors()} == {"filters", "strid"}
    attention = registry.lookup("keras", "MultiHeadAttention")
    assert attention.model_validate({"num_heads": 2, "key_dim": 4, "output_shape": 8}).projection_shape == 8
