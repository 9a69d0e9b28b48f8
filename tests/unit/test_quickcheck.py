"""The quick check is sound: whatever it accepts, pydantic's strict validation accepts with the same values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shapecalc.arguments.quickcheck import accepts, construct
from shapecalc.layers import registry

values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 2**41) | st.floats(allow_nan=True) | st.sampled_from(
        ["same", "valid", "causal", "relu", "channels_first", "channels_last", "x", ""]
    ),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2),
    max_leaves=6,
)

LAYER_TYPES = [(framework, name) for framework, table in registry.TABLES.items() for name in sorted(table)]


@pytest.mark.parametrize("framework, type_name", LAYER_TYPES)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_accepts_implies_pydantic_accepts(framework, type_name, data):
    cls = registry.lookup(framework, type_name)
    fields = [info.alias or name for name, info in cls.model_fields.items()]
    keys = data.draw(st.lists(st.sampled_from(fields + ["bogus"]), max_size=4, unique=True))
    args = {key: data.draw(values) for key in keys}
    for name, info in cls.model_fields.items():
        key = info.alias or name
        if info.is_required() and key not in args:
            args[key] = data.draw(values)
    if accepts(cls, args):
        fast = construct(cls, args)
        slow = cls.model_validate(args)
        assert fast.model_dump() == slow.model_dump()


def test_known_good_and_bad_arguments():
    conv = registry.lookup("keras", "Conv2D")
    assert accepts(conv, {"filters": 8, "kernel_size": [3, 3], "padding": "same"})
    assert not accepts(conv, {"filters": 8, "kernel_size": "3"})
    assert not accepts(conv, {"filters": True, "kernel_size": 3})
    assert not accepts(conv, {"filters": 8, "kernel_size": 3, "strides": 1.5})
    assert not accepts(conv, {"filters": 8})  # missing kernel_size
    assert not accepts(conv, {"filters": 8, "kernel_size": 3, "strid": 2})
