"""Float handling: float32 rounding as the frameworks do it, and consistent display of numbers.

Float32: the frameworks pick source pixels with float32 arithmetic.

Index choices (nearest, floor of a source coordinate) are discrete: computing them in
float64 would occasionally pick a different pixel than torch does, so the coordinate
arithmetic is rounded to float32 after every operation, exactly as the C++ kernels do.
"""

import struct

_FLOAT32 = struct.Struct("<f")


def f32(value: float) -> float:
    """Round a Python float to the nearest float32 (round-half-even, like the hardware)."""
    return _FLOAT32.unpack(_FLOAT32.pack(value))[0]


def format_number(value: float, decimals: int = 4) -> str:
    """Fixed-point with at most `decimals` places, trailing zeros trimmed, never "-0"."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
