"""The spatial arithmetic every conv, pool and upsampling layer shares, with the working written out.

One formula covers every sliding window, in Keras and in PyTorch alike:

    out = floor((i + lo + hi - d*(k-1) - 1) / s) + 1        (ceil with ceil_mode)

Every padding mode is first turned into explicit (lo, hi) pads ('valid' is
(0, 0), Keras/TensorFlow 'same' puts the odd pixel on the high side), so the
explanation shown to a user is always this one formula with their numbers.
Unknown sizes are `None` and stay `None`.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapecalc.codes import ERROR, Code

SC101 = Code("SC101", ERROR, "a dimension becomes zero or negative",
             "a dimension becomes zero or negative: the arithmetic, then the fixes that work (`padding='same'`, the largest kernel that fits, the smallest model input)")

Dim = int | None
Shape = tuple[Dim, ...]


class ShapeError(Exception):
    """A layer cannot produce an output from the shapes it receives (a framework would raise)."""

    def __init__(self, message: str, code: str = "SC101"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Axis:
    """One spatial axis through a window: its output size and how it was worked out."""

    size: Dim
    formula: str
    dropped: int = 0  # input rows no window reads because the division floored
    # the window's geometry, for diagnostics (`shapecalc.checks`); 0 span = not a window
    input: Dim = None
    span: int = 0  # d*(k-1) + 1 pixels under one window
    stride: int = 1
    pads: tuple[int, int] = (0, 0)

    def remainder(self) -> str:
        """`(7 - 2) mod 2 = 1`: the working of the pixels the last window cannot reach."""
        lo, hi = self.pads
        pads = f" + {lo} + {hi}" if (lo or hi) else ""
        return f"({self.input}{pads} - {self.span}) mod {self.stride} = {self.dropped}"

    @property
    def lost(self) -> int:
        """Real input pixels no window reads: the dropped ones that are not padding."""
        return max(min(self.dropped - self.pads[1], self.input or 0), 0)

    def __int__(self) -> int:  # pragma: no cover - convenience only
        return self.size or 0


def effective_kernel(kernel: int, dilation: int) -> int:
    """A dilated kernel of k taps spans d*(k-1) + 1 input pixels."""
    return dilation * (kernel - 1) + 1


def axis_labels(rank: int, single: str = "W") -> list[str]:
    """How formulas name `rank` spatial axes: `single` for 1-D (Keras W, PyTorch L), H W for 2-D, D H W for 3-D."""
    return [single] if rank == 1 else ["D", "H", "W"][-rank:]


def keras_pads(padding: str, size: int | None, kernel: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """A Keras padding mode (valid, same, causal) as explicit (lo, hi) pixel pads for one axis."""
    if padding == "valid" or size is None:
        return (0, 0)
    if padding == "causal":
        return (dilation * (kernel - 1), 0)
    return same_pads(size, kernel, stride, dilation)


def torch_same_pads(kernel: int, dilation: int = 1) -> tuple[int, int]:
    """PyTorch's padding='same' (stride 1 only): d*(k-1) pixels, the odd one on the right."""
    total = dilation * (kernel - 1)
    return total // 2, total - total // 2


def same_pads(size: int, kernel: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """TensorFlow/Keras 'same' padding: enough for ceil(i/s) outputs, the odd pixel at the end."""
    out = -(-size // stride)
    total = max((out - 1) * stride + effective_kernel(kernel, dilation) - size, 0)
    return total // 2, total - total // 2


def window(
    size: Dim,
    kernel: int,
    stride: int = 1,
    pads: tuple[int, int] = (0, 0),
    dilation: int = 1,
    ceil_mode: bool = False,
    label: str = "",
) -> Axis:
    """Output size of a sliding window along one axis, with the arithmetic as text.

    `dropped` counts the input pixels at the far edge that no window covers:
    a = (i + lo + hi - k_eff) mod s, the pixels lost to flooring.
    """
    if size is None:
        return Axis(None, f"{label}None (unknown size stays unknown)")
    lo, hi = pads
    span = effective_kernel(kernel, dilation)
    padded = size + lo + hi
    numerator = padded - span
    rounding = "ceil" if ceil_mode else "floor"
    last_window = ""
    if ceil_mode:
        out = -(-numerator // stride) + 1
        # PyTorch: the last window must start inside the input or the left padding
        if out > 0 and (out - 1) * stride >= size + lo:
            last_window = (f", but that last window would start in the right padding, at ({out} - 1)*{stride} = "
                           f"{(out - 1) * stride} >= {size} + {lo}: {out} - 1 = {out - 1}")
            out -= 1
    else:
        out = numerator // stride + 1
    kernel_text = f"{dilation}*({kernel} - 1) - 1" if dilation != 1 else f"{kernel}"
    pad_text = f" + {lo} + {hi}" if (lo or hi) else ""
    if dilation != 1:
        inner = f"{size}{pad_text} - {kernel_text}"
    else:
        inner = f"{size}{pad_text} - {kernel}"
    formula = f"{label}{rounding}(({inner}) / {stride}) + 1 = {out + 1 if last_window else out}{last_window}"
    dropped = numerator % stride if (numerator >= 0 and not ceil_mode) else 0
    return Axis(out, formula, dropped, size, span, stride, (lo, hi))


def upsample(size: Dim, factor: int, label: str = "") -> Axis:
    """Repeat upsampling: every pixel becomes `factor` pixels."""
    if size is None:
        return Axis(None, f"{label}None (unknown size stays unknown)")
    return Axis(size * factor, f"{label}{size} * {factor} = {size * factor}")


def transposed(
    size: Dim,
    kernel: int,
    stride: int,
    pads: tuple[int, int] = (0, 0),
    output_padding: int = 0,
    dilation: int = 1,
    label: str = "",
) -> Axis:
    """Transposed convolution with explicit pads: (i - 1)*s - lo - hi + d*(k-1) + output_padding + 1."""
    if size is None:
        return Axis(None, f"{label}None (unknown size stays unknown)")
    lo, hi = pads
    out = (size - 1) * stride - lo - hi + dilation * (kernel - 1) + output_padding + 1
    kernel_text = f"{dilation}*({kernel} - 1)" if dilation != 1 else f"({kernel} - 1)"
    pad_text = f" - {lo} - {hi}" if (lo or hi) else ""
    op_text = f" + {output_padding}" if output_padding else ""
    formula = f"{label}({size} - 1)*{stride}{pad_text} + {kernel_text}{op_text} + 1 = {out}"
    return Axis(out, formula)


def format_shape(shape: Shape) -> str:
    """A shape as Keras's summary prints it: (None, 28, 28, 1), and (None, 10) with no trailing comma."""
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def product(dims: Shape) -> Dim:
    """Number of elements, or None if any size is unknown."""
    total = 1
    for dim in dims:
        if dim is None:
            return None
        total *= dim
    return total
