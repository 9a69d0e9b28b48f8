"""--size / --scale / --to: output lengths as torch computes them, and the refusals."""

from __future__ import annotations

import pytest

from shapecalc.resample.errors import ResampleError
from shapecalc.resample.sizing import SizeRequest, resolve_geometry


@pytest.mark.parametrize(
    ("shape", "request_", "out_shape", "scale_factor"),
    [
        pytest.param((2, 3), SizeRequest(), (4, 6), 2.0, id="default-size-2"),
        pytest.param((2, 3), SizeRequest(size=3), (6, 9), 3.0, id="size-3"),
        pytest.param((3,), SizeRequest(scale=1.7), (5,), 1.7, id="scale-floors-5.1"),
        pytest.param((10,), SizeRequest(scale=0.7), (7,), 0.7, id="scale-down"),
        pytest.param((2, 2), SizeRequest(to="3x5"), (3, 5), None, id="to-hxw"),
        pytest.param((2, 2), SizeRequest(to="4"), (4, 4), None, id="to-single-number-both-axes"),
        pytest.param((4,), SizeRequest(to="9"), (9,), None, id="to-1d"),
    ],
)
def test_geometry(shape, request_, out_shape, scale_factor):
    axes = resolve_geometry(shape, request_)
    assert tuple(axis.out_size for axis in axes) == out_shape
    assert all(axis.scale_factor == scale_factor for axis in axes)
    assert [axis.name for axis in axes] == (["x"] if len(shape) == 1 else ["y", "x"])


@pytest.mark.parametrize(
    ("shape", "request_", "message"),
    [
        pytest.param((2, 2), SizeRequest(size=2, scale=2.0), "only one of --size, --scale, --to", id="two-ways"),
        pytest.param((2, 2), SizeRequest(size=0), "at least 1", id="size-zero"),
        pytest.param((2, 2), SizeRequest(scale=-1.0), "positive", id="negative-scale"),
        pytest.param((2, 2), SizeRequest(scale=float("inf")), "positive", id="infinite-scale"),
        pytest.param((2, 2), SizeRequest(scale=0.1), "empty", id="scale-to-nothing"),
        pytest.param((2, 2), SizeRequest(to="2x"), "HxW", id="bad-to"),
        pytest.param((2, 2), SizeRequest(to="0x3"), "at least 1", id="zero-to"),
        pytest.param((3,), SizeRequest(to="2x3"), "use --to W for 1-D", id="2d-target-for-1d"),
        pytest.param((2, 2), SizeRequest(size=129), "at most 256", id="too-large"),
    ],
)
def test_refusals(shape, request_, message):
    with pytest.raises(ResampleError) as caught:
        resolve_geometry(shape, request_)
    assert message in str(caught.value)
