"""Random conv, pooling, unpooling, upsampling and padding layers: shapecalc must agree with torch.

Hypothesis draws arguments and an input shape (batched or not) for the
sliding-window families, where most corners live; for each draw either
both refuse or both give the same output shape and parameter count. Sizes
that torch lets reach zero (an empty tensor) are left out: shapecalc
reports them as errors on purpose (SPEC §4).
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shapecalc.arguments.types import ArgumentError
from shapecalc.layers.base import Why
from shapecalc.layers.registry import lookup
from shapecalc.shapes import ShapeError

torch = pytest.importorskip("torch")

from tests.differential.torch_reference import call, first_tensor, make_module  # noqa: E402


def per_axis(values: st.SearchStrategy[int], rank: int) -> st.SearchStrategy[Any]:
    return st.one_of(values, st.lists(values, min_size=rank, max_size=rank))


@st.composite
def windowed(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[int]]:
    rank = draw(st.integers(1, 3))
    channels = draw(st.integers(1, 4))
    lead = draw(st.sampled_from([[], [1], [2]]))
    shape = [*lead, channels, *draw(st.lists(st.integers(1, 12), min_size=rank, max_size=rank))]
    family = draw(st.sampled_from(["Conv", "ConvTranspose", "MaxPool", "AvgPool", "MaxUnpool", "Upsample", "Pad"]))
    small = st.integers(1, 4)
    if family == "Conv":
        args = {"in_channels": channels, "out_channels": draw(small), "kernel_size": draw(per_axis(small, rank)),
                "stride": draw(per_axis(st.integers(1, 3), rank)), "dilation": draw(per_axis(st.integers(1, 3), rank)),
                "padding": draw(st.one_of(per_axis(st.integers(0, 3), rank), st.sampled_from(["same", "valid"]))),
                "padding_mode": draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))}
    elif family == "ConvTranspose":
        args = {"in_channels": channels, "out_channels": draw(small), "kernel_size": draw(per_axis(small, rank)),
                "stride": draw(per_axis(st.integers(1, 3), rank)), "dilation": draw(per_axis(st.integers(1, 2), rank)),
                "padding": draw(per_axis(st.integers(0, 2), rank)),
                "output_padding": draw(per_axis(st.integers(0, 2), rank))}
    elif family in ("MaxPool", "AvgPool"):
        args = {"kernel_size": draw(per_axis(small, rank)), "padding": draw(per_axis(st.integers(0, 2), rank)),
                "ceil_mode": draw(st.booleans())}
        if draw(st.booleans()):
            args["stride"] = draw(per_axis(st.integers(1, 4), rank))
        if family == "MaxPool":
            args["dilation"] = draw(per_axis(st.integers(1, 3), rank))
    elif family == "MaxUnpool":
        args = {"kernel_size": draw(per_axis(small, rank)), "stride": draw(per_axis(st.integers(1, 3), rank)),
                "padding": draw(per_axis(st.integers(0, 1), rank))}
    elif family == "Upsample":
        mode = draw(st.sampled_from(["nearest", "linear", "bilinear", "bicubic", "trilinear", "area"]))
        args = {"mode": mode}
        if draw(st.booleans()):
            args["scale_factor"] = draw(st.sampled_from([0.5, 1.5, 2, 2.5, 3]))
        else:
            args["size"] = draw(per_axis(st.integers(1, 9), rank))
        if draw(st.booleans()):
            args["align_corners"] = draw(st.booleans())
        return "Upsample", args, shape
    else:
        kind = draw(st.sampled_from(["ZeroPad", "ReflectionPad", "ReplicationPad", "CircularPad"]))
        low = -2 if kind == "ZeroPad" else 0
        pads = st.integers(low, 4)
        args = {"padding": draw(st.one_of(pads, st.lists(pads, min_size=2 * rank, max_size=2 * rank)))}
        return f"{kind}{rank}d", args, shape
    return f"{family}{rank}d", args, shape


def shapecalc_says(type_name: str, args: dict[str, Any], shape: list[int]) -> tuple[Any, ...]:
    cls = lookup("pytorch", type_name)
    assert cls is not None
    try:
        layer = cls.build(dict(args))
        why = Why()
        return tuple(layer.output_shape([tuple(shape)], why)), layer.params([tuple(shape)], why).total
    except (ValidationError, ArgumentError, ShapeError):
        return ("refused",)


def torch_says(type_name: str, args: dict[str, Any], shape: list[int]) -> tuple[Any, ...]:
    try:
        module, forward_args = make_module(torch, type_name, dict(args))
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            output = first_tensor(call(torch, module, type_name, [torch.zeros(shape)], forward_args))
    except Exception:
        return ("refused",)
    return tuple(output.shape), sum(p.numel() for p in module.parameters())


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(windowed())
def test_windowed_layers_agree_with_torch(case: tuple[str, dict[str, Any], list[int]]) -> None:
    type_name, args, shape = case
    theirs = torch_says(type_name, args, shape)
    if theirs[0] != "refused" and 0 in theirs[0]:
        return  # an empty tensor: shapecalc's error by design
    assert shapecalc_says(type_name, args, shape) == theirs
