"""Shared fixtures for resample tests: framework references that skip cleanly when absent."""

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")


@pytest.fixture(scope="session")
def torch_interpolate():
    """torch.nn.functional.interpolate on a plain nested list (1-D or 2-D), returning lists.

    1-D bicubic has no torch kernel, so it runs as a 1 x W image (what users do).
    """
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional

    def interpolate(values, mode, size=None, scale=None, align_corners=None):
        one_d = not isinstance(values[0], list)
        tensor = torch.tensor(values, dtype=torch.float32)
        if one_d and mode == "bicubic":
            tensor = tensor.view(1, 1, 1, -1)
            size = None if size is None else (1, size[0])
            scale = None if scale is None else (1.0, scale)
        else:
            tensor = tensor.view(1, 1, *tensor.shape)
            mode = "linear" if one_d and mode == "bilinear" else mode
        output = functional.interpolate(
            tensor, size=size, scale_factor=scale, mode=mode, align_corners=align_corners
        )
        return output.reshape(-1).tolist() if one_d else output[0, 0].tolist()

    return interpolate


@pytest.fixture(scope="session")
def keras_module():
    pytest.importorskip("torch")
    if os.environ.get("KERAS_BACKEND") != "torch":
        pytest.skip("Keras references are taken on the torch backend")
    return pytest.importorskip("keras")


@pytest.fixture(scope="session")
def keras_resize(keras_module):
    """keras.ops.image.resize of a 1-D (as 1 x W) or 2-D list to an output shape."""
    import numpy

    def resize(values, out_shape, interpolation):
        one_d = not isinstance(values[0], list)
        image = numpy.array([values] if one_d else values, dtype="float32")
        size = (1, out_shape[0]) if one_d else tuple(out_shape)
        output = keras_module.ops.image.resize(image[None, :, :, None], size, interpolation=interpolation)
        plane = keras_module.ops.convert_to_numpy(output)[0, :, :, 0]
        return plane[0].tolist() if one_d else plane.tolist()

    return resize


@pytest.fixture(scope="session")
def keras_upsampling2d(keras_module):
    """keras.layers.UpSampling2D(size, interpolation) applied to a 2-D list."""
    import numpy

    def upsample(values, size, interpolation):
        image = numpy.array(values, dtype="float32")[None, :, :, None]
        layer = keras_module.layers.UpSampling2D(size=size, interpolation=interpolation)
        return keras_module.ops.convert_to_numpy(layer(image))[0, :, :, 0].tolist()

    return upsample
