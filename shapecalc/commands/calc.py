"""`shapecalc calc OP SIZE...`: one layer's output size and its formula, without a model file.

    shapecalc calc conv2d 28 --kernel 3 --stride 2 --padding same
    shapecalc calc pool 7 --pool 2
    shapecalc calc convtranspose 7 --kernel 3 --stride 2
    shapecalc calc upsample 7 --size 2
    shapecalc calc maxpool 7 --kernel 2 --ceil-mode --framework pytorch
    shapecalc calc conv2d 28 32 --kernel 3,5 --stride 1,2

`--kernel`, `--stride`, `--padding` and `--dilation` take one value for
every axis or one per axis (`3,5`), as the frameworks' tuples do; a flag
given twice, a flag the operation does not take (`--size` on a conv) and
causal padding outside 1-D are refused with the reason, never ignored.

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
    """One calc question; kernel, stride, padding and dilation hold one value, or one per axis."""

    operation: str
    sizes: list[int]
    kernel: tuple[int, ...] | None = None
    stride: tuple[int, ...] | None = None
    padding: tuple[str, ...] | None = None
    dilation: tuple[int, ...] = (1,)
    ceil_mode: bool = False
    output_padding: int | None = None
    size: int | None = None
    scale: float | None = None
    framework: str = "keras"


# The flags each operation takes besides the sizes and --framework (kernel, stride, padding, dilation per axis).
APPLIES = {
    "conv": {"kernel", "stride", "padding", "dilation"},
    "pool": {"kernel", "stride", "padding", "dilation", "ceil_mode"},
    "transpose": {"kernel", "stride", "padding", "dilation", "output_padding"},
    "upsample": {"size", "scale"},
}
FLAG_NAMES = {"kernel": "--kernel", "stride": "--stride", "padding": "--padding", "dilation": "--dilation",
              "ceil_mode": "--ceil-mode", "output_padding": "--output-padding", "size": "--size", "scale": "--scale"}
KIND_NAMES = {"conv": "a convolution", "pool": "pooling", "transpose": "a transposed convolution",
              "upsample": "upsampling"}


def parse_axes(flag: str, written: list[str] | None, as_int: bool = True) -> tuple | None:
    """`--kernel 3,5` as (3, 5); a flag given twice is refused (typer would keep the last silently)."""
    if not written:
        return None
    if len(written) > 1:
        raise CalcError(f"{flag} given {len(written)} times ({', '.join(written)}): give it once, with one value "
                        f"for every axis or one per axis ({flag} {','.join(written)})")
    parts = [part.strip() for part in written[0].split(",")]
    if not as_int:
        return tuple(parts)
    try:
        return tuple(int(part) for part in parts)
    except ValueError:
        raise CalcError(f"{flag} takes integers, one for every axis or one per axis (3 or 3,5), "
                        f"received {written[0]!r}") from None


def from_options(operation: str, sizes: list[int], kernel: list[str] | None, pool: list[str] | None,
                 stride: list[str] | None, padding: list[str] | None, dilation: list[str] | None, ceil_mode: bool,
                 output_padding: int | None, size: int | None, scale: float | None, framework: str) -> int:
    """The command line's options (commands/table.py) as a Request (each per-axis flag given once), then `run`."""
    try:
        kernels, pools = parse_axes("--kernel", kernel), parse_axes("--pool", pool)
        if kernels is not None and pools is not None and kernels != pools:
            raise CalcError("give --pool or --kernel, not both")
        if pools is not None and operation_kind(operation) != "pool":
            raise CalcError(f"--pool is the pool size of pooling; {operation} takes --kernel")
        request = Request(operation, list(sizes), kernels if kernels is not None else pools,
                          parse_axes("--stride", stride), parse_axes("--padding", padding, as_int=False),
                          parse_axes("--dilation", dilation) or (1,), ceil_mode, output_padding, size, scale,
                          framework)
    except CalcError as error:
        sys.stderr.write(f"shapecalc calc: {error}\n")
        return 2
    return run(request)


def run(request: Request) -> int:
    try:
        kind = operation_kind(request.operation)
        check_numbers(request)
        check_applies(kind, request)
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
    for name, values in (("--kernel", request.kernel), ("--stride", request.stride), ("--dilation", request.dilation),
                         ("--padding", request.padding)):
        if values is not None and len(values) not in (1, len(request.sizes)):
            raise CalcError(f"{name} has {len(values)} values for {len(request.sizes)} input size(s): "
                            f"give one for every axis or one per axis")
    for name, value, least in (("input size", min(request.sizes), 1), ("--kernel", _least(request.kernel), 1),
                               ("--stride", _least(request.stride), 1), ("--dilation", _least(request.dilation), 1),
                               ("--size", request.size, 1), ("--output-padding", request.output_padding, 0)):
        if value is not None and value < least:
            raise CalcError(f"{name} must be at least {least}, received {value}")
    if request.scale is not None and not request.scale > 0:
        raise CalcError(f"--scale must be positive, received {request.scale}")
    if request.framework not in ("keras", "pytorch"):
        raise CalcError(f"--framework must be keras or pytorch, received {request.framework!r}")


def _least(values: tuple[int, ...] | None) -> int | None:
    return min(values) if values else None


def check_applies(kind: str, request: Request) -> None:
    """A flag the operation does not take is an error, not silently ignored."""
    given = {"kernel": request.kernel is not None, "stride": request.stride is not None,
             "padding": request.padding is not None, "dilation": request.dilation != (1,),
             "ceil_mode": request.ceil_mode, "output_padding": request.output_padding is not None,
             "size": request.size is not None, "scale": request.scale is not None}
    stray = [FLAG_NAMES[name] for name, present in given.items() if present and name not in APPLIES[kind]]
    if stray:
        takes = ", ".join(FLAG_NAMES[name] for name in FLAG_NAMES if name in APPLIES[kind])
        raise CalcError(f"{' and '.join(stray)} {'does' if len(stray) == 1 else 'do'} not apply to "
                        f"{KIND_NAMES[kind]} ({request.operation} takes {takes})")


def labels(request: Request) -> list[str]:
    """The formula's prefix per axis: none for one axis, `H: `, `W: ` (and `D: `) for more."""
    count = len(request.sizes)
    return [""] if count == 1 else [f"{label}: " for label in axis_labels(count)]


def axes_of(request: Request, values: tuple | None, default):
    """One value per input axis: a single value stands for every axis, as the frameworks' integers do."""
    if values is None:
        return [default] * len(request.sizes)
    return list(values) * len(request.sizes) if len(values) == 1 else list(values)


def compute(kind: str, request: Request) -> tuple[list[str], list[Axis]]:
    return {"conv": conv, "pool": pool, "transpose": conv_transpose, "upsample": upsampling}[kind](request)


def keras_padding(request: Request, causal: bool = False) -> str:
    """Keras's one padding string for every axis; 'causal' only for a 1-D convolution, as Conv1D alone takes it."""
    written = request.padding or ("valid",)
    if len(written) > 1:
        raise CalcError(f"Keras takes one padding for every axis ('valid', 'same'), received {','.join(written)!r}")
    padding = written[0]
    if padding not in ("valid", "same", "causal"):
        raise CalcError(f"Keras padding is 'valid', 'same' or 'causal', received {padding!r}")
    if padding == "causal" and not (causal and len(request.sizes) == 1):
        where = f"{len(request.sizes)}-D input" if causal else KIND_NAMES[operation_kind(request.operation)]
        raise CalcError(f"padding 'causal' is for 1-D convolutions only (Keras's Conv1D): not for {where}")
    return padding


def torch_pads(padding: str, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    if padding == "valid":
        return (0, 0)
    if padding == "same":
        if stride != 1:
            raise CalcError("PyTorch refuses padding='same' for strided convolutions (stride > 1)")
        return shapes.torch_same_pads(kernel, dilation)
    if not padding.isdigit():
        raise CalcError(f"PyTorch padding is a non-negative integer, 'same' or 'valid', received {padding!r}")
    return (int(padding), int(padding))


def need_kernel(request: Request, default: int | None, what: str = "--kernel") -> list[int]:
    if request.kernel is None and default is None:
        raise CalcError(f"{request.operation} needs {what}")
    return axes_of(request, request.kernel, default)


def conv(request: Request) -> tuple[list[str], list[Axis]]:
    kernels = need_kernel(request, None)
    strides, dilations = axes_of(request, request.stride, 1), axes_of(request, request.dilation, 1)
    if request.framework == "keras" and max(strides) > 1 and max(dilations) > 1:
        raise CalcError("Keras refuses strides > 1 together with dilation_rate > 1")
    if request.framework == "keras":
        padding = keras_padding(request, causal=True)
        paddings = [shapes.keras_pads(padding, size, k, s, d)
                    for size, k, s, d in zip(request.sizes, kernels, strides, dilations, strict=True)]
    else:
        paddings = [torch_pads(p, k, s, d) for p, k, s, d in
                    zip(axes_of(request, request.padding, "0"), kernels, strides, dilations, strict=True)]
    axes = [window(size, k, s, pads, d, label=label) for label, size, k, s, pads, d
            in zip(labels(request), request.sizes, kernels, strides, paddings, dilations, strict=True)]
    return [rule(request, "out = floor((i + lo + hi - d*(k-1) - 1) / s) + 1")], axes


def pool(request: Request) -> tuple[list[str], list[Axis]]:
    kernels = need_kernel(request, 2 if request.framework == "keras" else None, "--pool (or --kernel)")
    strides = axes_of(request, request.stride, None)
    strides = [s if s is not None else k for s, k in zip(strides, kernels, strict=True)]
    if request.framework == "keras":
        if request.ceil_mode or request.dilation != (1,):
            raise CalcError("Keras pooling has no ceil_mode and no dilation (use --framework pytorch)")
        padding = keras_padding(request)
        axes = [window(size, k, s, shapes.keras_pads(padding, size, k, s, 1), label=label)
                for label, size, k, s in zip(labels(request), request.sizes, kernels, strides, strict=True)]
        return [rule(request, "out = floor((i + lo + hi - k) / s) + 1, strides default to the pool size")], axes
    dilations = axes_of(request, request.dilation, 1)
    axes = []
    for label, size, k, s, d, pad in torch_integer_axes(request, kernels, strides, dilations, "pooling"):
        if pad > effective_kernel(k, d) // 2:
            raise CalcError(f"PyTorch: pad should be at most half of effective kernel size, received padding={pad} "
                            f"for kernel_size={k}")
        axes.append(window(size, k, s, (pad, pad), d, request.ceil_mode, label=label))
    if request.ceil_mode:
        text = "out = ceil((i + 2p - d*(k-1) - 1) / s) + 1, the last window starting inside the input or left padding"
    else:
        text = "out = floor((i + 2p - d*(k-1) - 1) / s) + 1"
    return [rule(request, text)], axes


def torch_integer_axes(request: Request, kernels: list[int], strides: list[int], dilations: list[int], what: str
                       ) -> list[tuple[str, int, int, int, int, int]]:
    """(label, size, kernel, stride, dilation, pad) per axis, for PyTorch layers that take integer padding only."""
    found = []
    for label, size, k, s, d, written in zip(labels(request), request.sizes, kernels, strides, dilations,
                                             axes_of(request, request.padding, "0"), strict=True):
        if written in ("same", "valid"):
            raise CalcError(f"PyTorch {what} takes an integer padding")
        found.append((label, size, k, s, d, torch_pads(written, k, s, d)[0]))
    return found


def conv_transpose(request: Request) -> tuple[list[str], list[Axis]]:
    kernels = need_kernel(request, None)
    strides, dilations = axes_of(request, request.stride, 1), axes_of(request, request.dilation, 1)
    if request.framework == "keras":
        written = request.padding or ("valid",)
        padding = written[0]
        if len(written) > 1 or padding not in ("valid", "same"):
            raise CalcError(f"Keras padding is 'valid' or 'same' for a transposed convolution, "
                            f"received {','.join(written)!r}")
        if request.output_padding is not None and request.output_padding >= min(strides):
            raise CalcError(f"Keras: output_padding must be strictly less than strides, received "
                            f"output_padding={request.output_padding}, strides={min(strides)}")
        from shapecalc.layers.keras.conv_transpose import keras_transposed  # the layers' own rule

        axes = [keras_transposed(size, k, s, padding, request.output_padding, d, label) for label, size, k, s, d
                in zip(labels(request), request.sizes, kernels, strides, dilations, strict=True)]
        return [rule(request, KERAS_TRANSPOSE_RULE)], axes
    extra = request.output_padding or 0
    axes = []
    for label, size, k, s, d, pad in torch_integer_axes(request, kernels, strides, dilations, "ConvTranspose"):
        if extra >= max(s, d):
            raise CalcError(f"PyTorch: output padding must be smaller than either stride or dilation, received "
                            f"output_padding={extra}, stride={s}, dilation={d}")
        axes.append(transposed(size, k, s, (pad, pad), extra, d, label=label))
    return [rule(request, "out = (i - 1)*s - 2p + d*(k-1) + output_padding + 1")], axes


KERAS_TRANSPOSE_RULE = ("out = (i - 1)*s + max(k', s) ('valid'), i*s ('same'); with an explicit output_padding p: "
                        "(i - 1)*s + k' + p ('valid'), (i - 1)*s + k' % 2 + p ('same'); k' = d*(k - 1) + 1")


def upsampling(request: Request) -> tuple[list[str], list[Axis]]:
    if request.scale is not None and request.size is not None:
        raise CalcError("give --size (an integer factor) or --scale (PyTorch's scale_factor), not both")
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


def _text(values: tuple | None) -> str | None:
    return None if values is None else ",".join(map(str, values))


def describe(kind: str, request: Request) -> str:
    parts = [f"{request.operation} on {' x '.join(str(s) for s in request.sizes)}"]
    for name, value in (("kernel", _text(request.kernel)), ("stride", _text(request.stride)),
                        ("padding", _text(request.padding)),
                        ("dilation", _text(request.dilation) if request.dilation != (1,) else None),
                        ("ceil_mode", True if request.ceil_mode else None),
                        ("output_padding", request.output_padding), ("size", request.size),
                        ("scale", request.scale)):
        if value is not None:
            parts.append(f"{name}={value}")
    return ", ".join(parts)
