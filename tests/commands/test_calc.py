"""`shapecalc calc`: a table of one-layer sizes from worked arithmetic, each row also checked against the framework.

Each row: framework, operation, input sizes, options, expected output sizes.
The expected sizes are worked by hand (comments); `test_row_matches_framework`
builds the same layer in Keras (compute_output_shape) or PyTorch (a forward
pass) and requires the same sizes, so a row cannot encode our own mistake.
"""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from shapecalc.cli import app

ROWS = [
    # id, framework, operation, sizes, options, expected
    ("keras-conv-valid", "keras", "conv2d", [28], {"kernel": 3}, [26]),  # (28 - 3)/1 + 1
    ("keras-conv-valid-stride2-floors", "keras", "conv2d", [28], {"kernel": 3, "stride": 2}, [13]),  # floor(25/2)+1
    ("keras-conv-same-stride2", "keras", "conv2d", [28], {"kernel": 3, "stride": 2, "padding": "same"}, [14]),  # ceil(28/2)
    ("keras-conv-two-axes", "keras", "conv2d", [28, 27], {"kernel": 3, "stride": 2}, [13, 13]),  # floor(24/2)+1
    ("keras-conv1d-causal-dilated", "keras", "conv1d", [10], {"kernel": 3, "dilation": 2, "padding": "causal"}, [10]),
    ("keras-pool-7-floors-to-3", "keras", "pool", [7], {"pool": 2}, [3]),  # floor(5/2)+1
    ("keras-pool-same-7-to-4", "keras", "pool", [7], {"pool": 2, "padding": "same"}, [4]),  # ceil(7/2)
    ("keras-pool-stride1", "keras", "pool", [7], {"pool": 3, "stride": 1}, [5]),  # 7 - 3 + 1
    ("keras-transpose-valid", "keras", "convtranspose", [7], {"kernel": 3, "stride": 2}, [15]),  # 6*2 + max(3, 2)
    ("keras-transpose-valid-k1", "keras", "convtranspose", [7], {"kernel": 1, "stride": 2}, [14]),  # 6*2 + max(1, 2)
    ("keras-transpose-same", "keras", "convtranspose", [7], {"kernel": 3, "stride": 2, "padding": "same"}, [14]),  # 7*2
    ("keras-transpose-same-output-padding", "keras", "convtranspose", [7],
     {"kernel": 3, "stride": 2, "padding": "same", "output-padding": 1}, [14]),  # 6*2 + 3 % 2 + 1
    ("keras-transpose-valid-output-padding", "keras", "convtranspose", [7],
     {"kernel": 3, "stride": 2, "output-padding": 1}, [16]),  # 6*2 + 3 + 1
    ("keras-upsample", "keras", "upsample", [7], {"size": 2}, [14]),
    ("torch-conv-pad1-stride2", "pytorch", "conv2d", [28], {"kernel": 3, "stride": 2, "padding": "1"}, [14]),  # floor(27/2)+1
    ("torch-conv-same-even-kernel", "pytorch", "conv2d", [28], {"kernel": 4, "padding": "same"}, [28]),
    ("torch-conv-dilated", "pytorch", "conv2d", [28], {"kernel": 3, "dilation": 2}, [24]),  # 28 - 2*2
    ("torch-pool-floor", "pytorch", "maxpool", [7], {"kernel": 3, "stride": 2}, [3]),  # floor(4/2)+1
    ("torch-pool-ceil", "pytorch", "maxpool", [7], {"kernel": 2, "ceil-mode": True}, [4]),  # ceil(5/2)+1
    # ceil((5 + 2 - 2)/2) + 1 = 4, but the 4th window would start at 6, in the right padding: 3
    ("torch-pool-ceil-last-window-rule", "pytorch", "maxpool", [5],
     {"kernel": 2, "stride": 2, "padding": "1", "ceil-mode": True}, [3]),
    ("torch-transpose-output-padding", "pytorch", "convtranspose", [7],
     {"kernel": 3, "stride": 2, "padding": "1", "output-padding": 1}, [14]),  # 6*2 - 2 + 2 + 1 + 1
    ("torch-upsample-fractional", "pytorch", "upsample", [7], {"scale": 1.5}, [10]),  # floor(10.5)
    # one value per axis, as the frameworks' tuples
    ("keras-conv-per-axis", "keras", "conv2d", [28, 32], {"kernel": "3,5", "stride": "1,2"}, [26, 14]),  # 25+1; floor(27/2)+1
    ("keras-pool-per-axis", "keras", "pool", [7, 8], {"pool": "2,3"}, [3, 2]),  # floor(5/2)+1; floor(5/3)+1
    ("keras-transpose-per-axis", "keras", "convtranspose", [7, 5], {"kernel": "3,2", "stride": 2}, [15, 10]),  # 12+3; 8+2
    ("torch-conv-per-axis", "pytorch", "conv2d", [28, 32], {"kernel": "3,5", "padding": "1,2"}, [28, 32]),  # 28+2-3+1; 32+4-5+1
    ("torch-pool-per-axis", "pytorch", "maxpool", [9, 10], {"kernel": "3,2", "padding": "1,1"}, [3, 6]),  # floor(8/3)+1; floor(10/2)+1
    ("torch-conv-per-axis-dilation", "pytorch", "conv2d", [10, 10], {"kernel": 3, "dilation": "1,3"}, [8, 4]),  # 10-2; 10-6
]

REFUSED = [
    ("zero-stride", ["conv", "28", "--kernel", "3", "--stride", "0"], "--stride must be at least 1"),
    ("zero-size", ["conv", "0", "--kernel", "3"], "input size must be at least 1"),
    ("negative-size", ["conv", "-3", "--kernel", "3"], "-3"),  # the message names what it refused
    ("unknown-operation", ["convolve2d", "28", "--kernel", "3"], "unknown operation"),
    ("conv-without-kernel", ["conv", "28"], "needs --kernel"),
    ("four-sizes", ["conv", "8", "8", "8", "8", "--kernel", "3"], "one to three input sizes"),
    ("keras-bad-padding", ["conv", "28", "--kernel", "3", "--padding", "full"], "'valid', 'same' or 'causal'"),
    ("keras-output-padding-not-below-stride", ["convtranspose", "7", "--kernel", "3", "--stride", "2",
                                               "--output-padding", "2"], "strictly less than strides"),
    ("keras-ceil-mode", ["pool", "7", "--ceil-mode"], "no ceil_mode"),
    ("keras-fractional-scale", ["upsample", "7", "--scale", "1.5"], "--framework pytorch"),
    ("torch-same-strided", ["conv", "28", "--kernel", "3", "--stride", "2", "--padding", "same",
                            "--framework", "pytorch"], "padding='same'"),
    ("torch-pool-pad-over-half", ["maxpool", "7", "--kernel", "2", "--padding", "2", "--framework", "pytorch"],
     "at most half"),
    ("torch-output-padding-too-large", ["convtranspose", "7", "--kernel", "3", "--stride", "2",
                                        "--output-padding", "2", "--framework", "pytorch"], "smaller than either"),
    ("unknown-framework", ["conv", "28", "--kernel", "3", "--framework", "jax"], "'jax' is not one of 'keras', 'pytorch'"),
    # nonsense that was silently accepted
    ("kernel-given-twice", ["conv2d", "28", "28", "--kernel", "3", "--kernel", "5"], "--kernel given 2 times (3, 5)"),
    ("causal-on-2d", ["conv2d", "28", "28", "--kernel", "3", "--padding", "causal"], "1-D convolutions only"),
    ("causal-on-pooling", ["pool", "7", "--padding", "causal"], "1-D convolutions only"),
    ("size-on-a-conv", ["conv2d", "28", "--kernel", "3", "--size", "2"], "--size does not apply to a convolution"),
    ("kernel-on-upsampling", ["upsample", "7", "--kernel", "3"], "--kernel does not apply to upsampling"),
    ("output-padding-on-a-conv", ["conv", "28", "--kernel", "3", "--output-padding", "1"], "does not apply"),
    ("pool-on-a-conv", ["conv2d", "28", "--pool", "3"], "takes --kernel"),
    ("per-axis-count", ["conv2d", "28", "28", "28", "--kernel", "3,5"], "2 values for 3 input size(s)"),
    ("keras-per-axis-padding", ["conv2d", "28", "28", "--kernel", "3", "--padding", "same,valid"],
     "one padding for every axis"),
    ("per-axis-not-integers", ["conv", "28", "--kernel", "3,x"], "takes integers"),
]


def argv(framework: str, operation: str, sizes: list[int], options: dict) -> list[str]:
    args = ["calc", operation, *map(str, sizes), "--framework", framework]
    for name, value in options.items():
        args += [f"--{name}"] if value is True else [f"--{name}", str(value)]
    return args


def invoke(args: list[str]):
    return CliRunner().invoke(app, args)


@pytest.mark.parametrize(("framework", "operation", "sizes", "options", "expected"),
                         [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_row(framework, operation, sizes, options, expected) -> None:
    result = invoke(argv(framework, operation, sizes, options))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "output: " + " x ".join(map(str, expected))


@pytest.mark.parametrize(("args", "fragment"), [row[1:] for row in REFUSED], ids=[row[0] for row in REFUSED])
def test_refused_with_exit_2(args, fragment) -> None:
    result = invoke(["calc", *args])
    assert result.exit_code == 2
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_zero_output_shows_arithmetic_and_exits_1() -> None:
    result = invoke(["calc", "conv2d", "2", "--kernel", "3"])
    assert result.exit_code == 1
    assert "floor((2 - 3) / 1) + 1 = 0" in result.stdout


def test_dropped_pixels_are_pointed_out() -> None:
    result = invoke(["calc", "pool", "7", "--pool", "2"])
    assert "a = (7 - 2) mod 2 = 1" in result.stdout


def test_calc_imports_no_validator_or_layers() -> None:
    import subprocess

    code = ("import sys\nfrom shapecalc.cli import app\ntry:\n    app(['calc', 'conv', '28', '--kernel', '3'])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('shapecalc.validate', 'shapecalc.model', 'shapecalc.layers', "
            "'shapecalc.engine'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


# --- the same rows, asked of the frameworks themselves ---------------------------------------


def axes(value):
    """An option as the framework takes it: "3,5" is the tuple (3, 5)."""
    if isinstance(value, str) and "," in value:
        return tuple(int(part) if part.isdigit() else part for part in value.split(","))
    return value


def keras_size(operation: str, sizes: list[int], options: dict) -> list[int]:
    import keras

    options = {key: axes(value) for key, value in options.items()}
    rank = len(sizes)
    padding = options.get("padding", "valid")
    kind = operation.rstrip("123d").lower()
    if kind == "conv":
        layer = getattr(keras.layers, f"Conv{rank}D")(1, options["kernel"], strides=options.get("stride", 1),
                                                      padding=padding, dilation_rate=options.get("dilation", 1))
    elif kind == "pool":
        layer = getattr(keras.layers, f"MaxPooling{rank}D")(options["pool"], strides=options.get("stride"),
                                                            padding=padding)
    elif kind == "convtranspose":
        layer = getattr(keras.layers, f"Conv{rank}DTranspose")(1, options["kernel"], strides=options.get("stride", 1),
                                                               padding=padding,
                                                               output_padding=options.get("output-padding"))
    else:
        layer = getattr(keras.layers, f"UpSampling{rank}D")(options["size"])
    return list(layer.compute_output_shape((None, *sizes, 1))[1:-1])


def torch_size(operation: str, sizes: list[int], options: dict) -> list[int]:
    import torch

    rank = len(sizes)
    padding = options.get("padding", "0")
    padding = int(padding) if padding.isdigit() else axes(padding)
    options = {key: axes(value) for key, value in options.items()}
    nn = torch.nn
    if operation.startswith("conv2d") or operation == "conv":
        module = getattr(nn, f"Conv{rank}d")(1, 1, options["kernel"], stride=options.get("stride", 1), padding=padding,
                                              dilation=options.get("dilation", 1))
    elif operation == "maxpool":
        module = getattr(nn, f"MaxPool{rank}d")(options["kernel"], stride=options.get("stride"), padding=padding,
                                                ceil_mode=bool(options.get("ceil-mode")))
    elif operation == "convtranspose":
        module = getattr(nn, f"ConvTranspose{rank}d")(1, 1, options["kernel"], stride=options.get("stride", 1),
                                                       padding=padding, output_padding=options.get("output-padding", 0))
    else:
        module = nn.Upsample(scale_factor=options["scale"])
    with torch.no_grad():
        return list(module(torch.zeros(1, 1, *sizes)).shape[2:])


@pytest.mark.parametrize(("framework", "operation", "sizes", "options", "expected"),
                         [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_row_matches_framework(framework, operation, sizes, options, expected) -> None:
    if framework == "keras":
        pytest.importorskip("keras")
        assert keras_size(operation, sizes, options) == expected
    else:
        pytest.importorskip("torch")
        assert torch_size(operation, sizes, options) == expected
