"""`shapecalc calc OP SIZE...`: one layer's output size and its formula, without a model file.

    shapecalc calc conv2d 28 --kernel 3 --stride 2 --padding same
    shapecalc calc pool 7 --pool 2
    shapecalc calc convtranspose 7 --kernel 3 --stride 2
    shapecalc calc upsample 7 --size 2
    shapecalc calc maxpool 7 --kernel 2 --ceil-mode --framework pytorch

Keras conventions by default ('valid'/'same'/'causal' padding, pool strides
defaulting to the pool size); `--framework pytorch` takes explicit integer
padding, `ceil_mode`, `output_padding` and dilation. Only `shapecalc.shapes`
is imported: no schema, no pydantic, so it answers at once. Arguments a
framework would refuse end in a message and exit 2; a size that comes out
zero or negative prints its arithmetic and exits 1.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass

from shapecalc import shapes
from shapecalc.shapes import Axis, axis_labels, effective_kernel, transposed, upsample, window

OPERATIONS = {
    "conv": "conv", "convolution": "conv",
    "pool": "pool", "maxpool": "pool", "maxpooling": "pool", "avgpool": "pool",
    "averagepool": "pool", "averagepooling": "pool", "avgpooling": "pool",
    "convtranspose": "transpose", "transpose": "transpose", "transposedconv": "transpose",
    "deconv": "transpose", "deconvolution": "transpose",
    "upsample": "upsample", "upsampling": "upsample", "up": "upsample",
}
class CalcError(Exception):
    """Arguments the framework would refuse, or that make no sense: exit 2."""


@dataclass(frozen=True)
class Request:
    operation: str
    sizes: list[int]
    kernel: int | None = None
    stride: int | None = None
    padding: str | None = None
    dilation: int = 1
    ceil_mode: bool = False
    output_padding: int | None = None
    size: int | None = None
    scale: float | None = None
    framework: str = "keras"


def from_options(operation: str, sizes: list[int], kernel: int | None, pool: int | None, stride: int | None,
                 padding: str | None, dilation: int, ceil_mode: bool, output_padding: int | None, size: int | None,
                 scale: float | None, framework: str) -> int:
    """The command line's options (commands/table.py) as a Request; `--pool` is `--kernel` for pooling."""
    if pool is not None and kernel is not None and pool != kernel:
        sys.stderr.write("shapecalc calc: give --pool or --kernel, not both\n")
        return 2
    return run(Request(operation, list(sizes), kernel if kernel is not None else pool, stride, padding, dilation,
                       ceil_mode, output_padding, size, scale, framework))


def run(request: Request) -> int:
    try:
        kind = operation_kind(request.operation)
        check_numbers(request)
        lines, axes = compute(kind, request)
    except CalcError as error:
        sys.stderr.write(f"shapecalc calc: {error}\n")
        return 2
    out = sys.stdout
    out.write(f"{describe(kind, request)}\n")
    for line in lines:
        out.write(f"  {line}\n")
    for axis in axes:
        out.write(f"  {axis.formula}\n")
    for axis in axes:
        if axis.lost and axis.stride <= axis.span:
            out.write(f"  note: a = {axis.remainder()}: the last {axis.lost} pixel"
                      f"{'' if axis.lost == 1 else 's'} of the input {'is' if axis.lost == 1 else 'are'} "
                      "read by no window\n")
        elif axis.span and axis.stride > axis.span:
            out.write(f"  note: stride {axis.stride} is larger than the {axis.span}-pixel window: "
                      f"{axis.stride - axis.span} of every {axis.stride} pixels are never read\n")
    sizes = [axis.size for axis in axes]
    out.write(f"output: {' x '.join(str(s) for s in sizes)}\n")
    if any(s is not None and s <= 0 for s in sizes):
        out.write("error: the output size would be zero or negative\n")
        return 1
    return 0


def operation_kind(operation: str) -> str:
    key = re.sub(r"[123]d", "", operation.lower().replace("_", "").replace("-", ""))
    kind = OPERATIONS.get(key)
    if kind is None:
        close = difflib.get_close_matches(key, list(OPERATIONS), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise CalcError(f"unknown operation {operation!r}{hint} (choose conv, pool, convtranspose or upsample)")
    return kind


def check_numbers(request: Request) -> None:
    if not 1 <= len(request.sizes) <= 3:
        raise CalcError("give one to three input sizes (e.g. 28, or 28 28 for H and W)")
    for name, value, least in (("input size", min(request.sizes), 1), ("--kernel", request.kernel, 1),
                               ("--stride", request.stride, 1), ("--dilation", request.dilation, 1),
                               ("--size", request.size, 1), ("--output-padding", request.output_padding, 0)):
        if value is not None and value < least:
            raise CalcError(f"{name} must be at least {least}, received {value}")
    if request.scale is not None and not request.scale > 0:
        raise CalcError(f"--scale must be positive, received {request.scale}")
    if request.framework not in ("keras", "pytorch"):
        raise CalcError(f"--framework must be keras or pytorch, received {request.framework!r}")


def labels(request: Request) -> list[str]:
    """The formula's prefix per axis: none for one axis, `H: `, `W: ` (and `D: `) for more."""
    count = len(request.sizes)
    return [""] if count == 1 else [f"{label}: " for label in axis_labels(count)]


def compute(kind: str, request: Request) -> tuple[list[str], list[Axis]]:
    return {"conv": conv, "pool": pool, "transpose": conv_transpose, "upsample": upsampling}[kind](request)


def keras_pads(request: Request, size: int, kernel: int, stride: int) -> tuple[int, int]:
    """The Keras layers' own rule (shapes.keras_pads), for a padding checked to be one Keras knows."""
    padding = request.padding or "valid"
    if padding not in ("valid", "same", "causal"):
        raise CalcError(f"Keras padding is 'valid', 'same' or 'causal', received {padding!r}")
    return shapes.keras_pads(padding, size, kernel, stride, request.dilation)


def torch_pads(request: Request, kernel: int, stride: int) -> tuple[int, int]:
    padding = request.padding or "0"
    if padding == "valid":
        return (0, 0)
    if padding == "same":
        if stride != 1:
            raise CalcError("PyTorch refuses padding='same' for strided convolutions (stride > 1)")
        return shapes.torch_same_pads(kernel, request.dilation)
    if not padding.isdigit():
        raise CalcError(f"PyTorch padding is a non-negative integer, 'same' or 'valid', received {padding!r}")
    return (int(padding), int(padding))


def need_kernel(request: Request, default: int | None, what: str = "--kernel") -> int:
    kernel = request.kernel if request.kernel is not None else default
    if kernel is None:
        raise CalcError(f"{request.operation} needs {what}")
    return kernel


def conv(request: Request) -> tuple[list[str], list[Axis]]:
    kernel = need_kernel(request, None)
    stride = request.stride or 1
    if request.ceil_mode or request.output_padding is not None:
        raise CalcError("--ceil-mode and --output-padding do not apply to a convolution")
    if request.framework == "keras" and stride > 1 and request.dilation > 1:
        raise CalcError("Keras refuses strides > 1 together with dilation_rate > 1")
    axes = []
    for label, size in zip(labels(request), request.sizes, strict=True):
        pads = (keras_pads(request, size, kernel, stride) if request.framework == "keras"
                else torch_pads(request, kernel, stride))
        axes.append(window(size, kernel, stride, pads, request.dilation, label=label))
    return [rule(request, "out = floor((i + lo + hi - d*(k-1) - 1) / s) + 1")], axes


def pool(request: Request) -> tuple[list[str], list[Axis]]:
    kernel = need_kernel(request, 2 if request.framework == "keras" else None, "--pool (or --kernel)")
    stride = request.stride or kernel
    if request.output_padding is not None:
        raise CalcError("--output-padding does not apply to pooling")
    if request.framework == "keras":
        if request.ceil_mode or request.dilation != 1:
            raise CalcError("Keras pooling has no ceil_mode and no dilation (use --framework pytorch)")
        axes = [window(size, kernel, stride, keras_pads(request, size, kernel, stride), label=label)
                for label, size in zip(labels(request), request.sizes, strict=True)]
        return [rule(request, "out = floor((i + lo + hi - k) / s) + 1, strides default to the pool size")], axes
    pad = torch_pads(request, kernel, stride)[0] if request.padding not in ("same", "valid") else None
    if pad is None:
        raise CalcError("PyTorch pooling takes an integer padding")
    if pad > effective_kernel(kernel, request.dilation) // 2:
        raise CalcError(f"PyTorch: pad should be at most half of effective kernel size, received padding={pad} "
                        f"for kernel_size={kernel}")
    axes = [window(size, kernel, stride, (pad, pad), request.dilation, request.ceil_mode, label=label)
            for label, size in zip(labels(request), request.sizes, strict=True)]
    if request.ceil_mode:
        text = "out = ceil((i + 2p - d*(k-1) - 1) / s) + 1, the last window starting inside the input or left padding"
    else:
        text = "out = floor((i + 2p - d*(k-1) - 1) / s) + 1"
    return [rule(request, text)], axes


def conv_transpose(request: Request) -> tuple[list[str], list[Axis]]:
    kernel = need_kernel(request, None)
    stride = request.stride or 1
    if request.ceil_mode:
        raise CalcError("--ceil-mode does not apply to a transposed convolution")
    if request.framework == "keras":
        padding = request.padding or "valid"
        if padding not in ("valid", "same"):
            raise CalcError(f"Keras padding is 'valid' or 'same' for a transposed convolution, received {padding!r}")
        if request.output_padding is not None and request.output_padding >= stride:
            raise CalcError(f"Keras: output_padding must be strictly less than strides, received "
                            f"output_padding={request.output_padding}, strides={stride}")
        from shapecalc.layers.keras.conv_transpose import keras_transposed  # the layers' own rule

        axes = [keras_transposed(size, kernel, stride, padding, request.output_padding, request.dilation, label)
                for label, size in zip(labels(request), request.sizes, strict=True)]
        return [rule(request, KERAS_TRANSPOSE_RULE)], axes
    pad = torch_pads(request, kernel, stride)[0] if request.padding not in ("same", "valid") else None
    if pad is None:
        raise CalcError("PyTorch ConvTranspose takes an integer padding")
    extra = request.output_padding or 0
    if extra >= max(stride, request.dilation):
        raise CalcError(f"PyTorch: output padding must be smaller than either stride or dilation, received "
                        f"output_padding={extra}, stride={stride}, dilation={request.dilation}")
    axes = [transposed(size, kernel, stride, (pad, pad), extra, request.dilation, label=label)
            for label, size in zip(labels(request), request.sizes, strict=True)]
    return [rule(request, "out = (i - 1)*s - 2p + d*(k-1) + output_padding + 1")], axes


KERAS_TRANSPOSE_RULE = ("out = (i - 1)*s + max(k', s) ('valid'), i*s ('same'); with an explicit output_padding p: "
                        "(i - 1)*s + k' + p ('valid'), (i - 1)*s + k' % 2 + p ('same'); k' = d*(k - 1) + 1")


def upsampling(request: Request) -> tuple[list[str], list[Axis]]:
    if request.kernel is not None or request.stride is not None or request.padding is not None:
        raise CalcError("upsampling takes --size (or --scale with --framework pytorch), not a kernel, stride or padding")
    if request.scale is not None:
        if request.framework != "pytorch":
            raise CalcError("a fractional --scale is PyTorch's scale_factor: add --framework pytorch (Keras takes --size)")
        axes = []
        for label, size in zip(labels(request), request.sizes, strict=True):
            out = int(size * request.scale)
            axes.append(Axis(out, f"{label}floor({size} * {request.scale:g}) = {out}"))
        return [rule(request, "out = floor(i * scale_factor)")], axes
    factor = request.size or 2
    axes = [upsample(size, factor, label) for label, size in zip(labels(request), request.sizes, strict=True)]
    return [rule(request, "out = i * size")], axes


def rule(request: Request, text: str) -> str:
    return f"{request.framework}: {text}"


def describe(kind: str, request: Request) -> str:
    parts = [f"{request.operation} on {' x '.join(str(s) for s in request.sizes)}"]
    for name, value in (("kernel", request.kernel), ("stride", request.stride), ("padding", request.padding),
                        ("dilation", request.dilation if request.dilation != 1 else None),
                        ("ceil_mode", True if request.ceil_mode else None),
                        ("output_padding", request.output_padding), ("size", request.size),
                        ("scale", request.scale)):
        if value is not None:
            parts.append(f"{name}={value}")
    return ", ".join(parts)
