"""Every convention that a framework here can run is checked against that framework.

Cases are random but seeded (so ids are stable): matrices of 1..7 values per side, sizes,
scale factors and explicit targets, 1-D and 2-D. Tolerance is 1e-4 of the input's
magnitude: the frameworks compute in float32, so their error grows with the values.
tf-legacy needs TensorFlow 1.x, which is not installable here: it is covered by the worked
examples (the question's published output) in test_worked_examples.py.
"""

from __future__ import annotations

import random

import pytest

from shapecalc.resample import resample
from shapecalc.resample.matrix import Matrix
from shapecalc.resample.sizing import SizeRequest

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

SCALES = (0.5, 0.7, 1.2, 1.5, 1.7, 2.0, 2.4, 2.5, 3.0, 1 / 3, 3.3)
CASES_PER_GROUP = 6


def _random_values(rng: random.Random, one_d: bool) -> list:
    height, width = rng.randint(1, 7), rng.randint(1, 7)
    rows = [[round(rng.uniform(-50, 50), 2) for _ in range(width)] for _ in range(height)]
    return rows[0] if one_d else rows


def _shape(values: list) -> tuple[int, ...]:
    return (len(values),) if not isinstance(values[0], list) else (len(values), len(values[0]))


def _request(rng: random.Random, sizing: str, shape: tuple[int, ...]) -> SizeRequest:
    if sizing == "size":
        return SizeRequest(size=rng.randint(1, 4))
    if sizing == "scale":
        usable = [scale for scale in SCALES if all(int(side * scale) >= 1 for side in shape)]
        return SizeRequest(scale=rng.choice(usable))
    return SizeRequest(to="x".join(str(rng.randint(1, 13)) for _ in shape))


def _cases(convention: str, modes: tuple[str, ...], sizings: tuple[str, ...]) -> list:
    rng = random.Random(f"{convention}-{modes}-{sizings}")
    cases = []
    for mode in modes:
        for sizing in sizings:
            for number in range(CASES_PER_GROUP):
                one_d = number % 2 == 1
                values = _random_values(rng, one_d)
                request = _request(rng, sizing, _shape(values))
                case_id = f"{mode}-{sizing}-{'1d' if one_d else '2d'}-{number}"
                cases.append(pytest.param(values, mode, request, id=case_id))
    return cases


def _ours(values: list, convention: str, mode: str | None, request: SizeRequest, indices=None):
    one_d = not isinstance(values[0], list)
    matrix = Matrix(tuple(tuple(map(float, row)) for row in ([values] if one_d else values)), 1 if one_d else 2)
    index_matrix = None
    if indices is not None:
        index_matrix = Matrix(
            tuple(tuple(map(float, row)) for row in ([indices] if one_d else indices)), 1 if one_d else 2
        )
    return resample(matrix, convention, mode, request, index_matrix)


def _flat(nested: list) -> list[float]:
    return [value for row in nested for value in row] if isinstance(nested[0], list) else list(nested)


def assert_matches(ours: list, reference: list, values: list) -> None:
    ours_flat, reference_flat = _flat(ours), _flat(reference)
    assert len(ours_flat) == len(reference_flat)
    tolerance = 1e-4 * max(1.0, *(abs(value) for value in _flat(values)))
    worst = max(abs(a - b) for a, b in zip(ours_flat, reference_flat, strict=True))
    assert worst <= tolerance, f"ours {ours}\nreference {reference}"


def _torch_size_arguments(result, request: SizeRequest) -> dict:
    """How a torch user would ask: scale_factor for --size/--scale, size for --to."""
    if request.to is not None:
        return {"size": list(result.out_shape)}
    factor = float(request.size) if request.size is not None else request.scale
    return {"scale": factor}


@pytest.mark.parametrize(
    ("values", "mode", "request_"), _cases("pytorch", ("nearest", "bilinear", "bicubic", "area"), ("size", "scale", "to"))
)
def test_pytorch_matches_interpolate(torch_interpolate, values, mode, request_):
    result = _ours(values, "pytorch", mode, request_)
    align = False if mode in ("bilinear", "bicubic") else None
    reference = torch_interpolate(values, mode, align_corners=align, **_torch_size_arguments(result, request_))
    assert_matches(result.to_nested(), reference, values)


@pytest.mark.parametrize(
    ("values", "mode", "request_"), _cases("pytorch-align-corners", ("bilinear", "bicubic"), ("size", "scale", "to"))
)
def test_pytorch_align_corners_matches_interpolate(torch_interpolate, values, mode, request_):
    result = _ours(values, "pytorch-align-corners", mode, request_)
    arguments = _torch_size_arguments(result, request_)
    reference = torch_interpolate(values, mode, align_corners=True, **arguments)
    assert_matches(result.to_nested(), reference, values)


@pytest.mark.parametrize(
    ("values", "mode", "request_"), _cases("keras", ("nearest", "bilinear", "bicubic"), ("size", "scale", "to"))
)
def test_keras_matches_ops_image_resize(keras_resize, values, mode, request_):
    result = _ours(values, "keras", mode, request_)
    reference = keras_resize(values, result.out_shape, mode)
    assert_matches(result.to_nested(), reference, values)


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear", "bicubic"])
@pytest.mark.parametrize("factor", [1, 2, 3])
def test_keras_matches_upsampling2d(keras_upsampling2d, interpolation, factor):
    values = [[100, 200], [6, 8]] if factor == 2 else [[1.5, -2, 7], [0, 3, 9.25]]
    result = _ours(values, "keras", interpolation, SizeRequest(size=factor))
    assert_matches(result.to_nested(), keras_upsampling2d(values, factor, interpolation), values)


@pytest.mark.parametrize("to", ["4x6", "6x3", "2x9"])
def test_repeat_matches_upsampling2d_nearest_with_unequal_factors(keras_upsampling2d, to):
    values = [[1, 2, 3], [4, 5, 6]]
    result = _ours(values, "repeat", None, SizeRequest(to=to))
    factors = tuple(out // side for out, side in zip(result.out_shape, (2, 3), strict=True))
    assert_matches(result.to_nested(), keras_upsampling2d(values, factors, "nearest"), values)


@pytest.mark.parametrize("one_d", [False, True], ids=["2d", "1d"])
@pytest.mark.parametrize("stride", [2, 3])
def test_zeros_matches_strided_transposed_convolution_input(one_d, stride):
    """conv_transpose with a 1x1 kernel of 1 and output_padding=stride-1 shows exactly the
    zero-inserted input a strided Conv2DTranspose convolves."""
    torch = pytest.importorskip("torch")
    values = [3.0, -1.0, 4.5] if one_d else [[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]
    tensor = torch.tensor(values).view(1, 1, *_shape(values))
    transpose = torch.nn.functional.conv_transpose1d if one_d else torch.nn.functional.conv_transpose2d
    weight = torch.ones((1, 1, 1) if one_d else (1, 1, 1, 1))
    reference = transpose(tensor, weight, stride=stride, output_padding=stride - 1)
    reference = reference.view(-1).tolist() if one_d else reference[0, 0].tolist()
    result = _ours(values, "zeros", None, SizeRequest(size=stride))
    assert_matches(result.to_nested(), reference, values)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("one_d", [False, True], ids=["2d", "1d"])
def test_zeros_with_indices_matches_max_unpool(one_d, seed):
    """Pool a random plane with return_indices, then unpool it both ways."""
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    generator = torch.Generator().manual_seed(seed)
    kernel = 2 + seed % 2
    if one_d:
        plane = torch.randn(1, 1, 3 * kernel, generator=generator)
        pooled, indices = functional.max_pool1d(plane, kernel, return_indices=True)
        reference = functional.max_unpool1d(pooled, indices, kernel).view(-1).tolist()
        values, index_values = pooled.view(-1).tolist(), indices.view(-1).tolist()
    else:
        plane = torch.randn(1, 1, 2 * kernel, 3 * kernel, generator=generator)
        pooled, indices = functional.max_pool2d(plane, kernel, return_indices=True)
        reference = functional.max_unpool2d(pooled, indices, kernel)[0, 0].tolist()
        values, index_values = pooled[0, 0].tolist(), indices[0, 0].tolist()
    result = _ours(values, "zeros", None, SizeRequest(size=kernel), indices=index_values)
    assert_matches(result.to_nested(), reference, values)


QUIRKS = [
    pytest.param([4.0, -2.0], "nearest", 1.2, id="1d-nearest-same-length-uses-formula"),
    pytest.param([[4.0, -2.0], [1.0, 3.0]], "nearest", 1.2, id="2d-nearest-same-length-copies"),
    pytest.param([[4.0, -2.0], [1.0, 3.0]], "nearest", 2.4, id="2d-nearest-double-length-halves"),
    pytest.param([4.0, -2.0], "nearest", 2.4, id="1d-nearest-double-length-uses-formula"),
    pytest.param([1.0, 5.0, 2.0, 9.0], "bilinear", 1.2, id="1d-linear-same-length-copies"),
    pytest.param([[1.0, 5.0, 2.0], [3.0, 0.0, 7.0]], "bilinear", 1.2, id="2d-bilinear-same-length-copies"),
    pytest.param([[1.0, 5.0, 2.0], [3.0, 0.0, 7.0]], "bicubic", 1.2, id="2d-bicubic-same-length-still-maps"),
]


@pytest.mark.parametrize(("values", "mode", "scale"), QUIRKS)
def test_pytorch_special_cases_when_scale_barely_changes_the_length(torch_interpolate, values, mode, scale):
    """floor(in * scale) == in (or 2 * in) while 1/scale != in/out: torch's kernels take
    shortcuts that ignore scale_factor in some modes and ranks, not in others."""
    result = _ours(values, "pytorch", mode, SizeRequest(scale=scale))
    align = False if mode in ("bilinear", "bicubic") else None
    reference = torch_interpolate(values, mode, scale=scale, align_corners=align)
    assert_matches(result.to_nested(), reference, values)
