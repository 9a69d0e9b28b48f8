"""The tensor sizes past which shapecalc stops: no real tensor or model is that large.

A file can ask for a Dense of 10**12 units on 10**12 inputs; Python's integers
would carry on happily, but the numbers would mean nothing and would print as
forty digits. Past these limits the layer gets an SC008 diagnostic (exit 2)
instead of a row.
"""

from __future__ import annotations

from shapecalc.shapes import Shape, ShapeError

MAX_ELEMENTS = 2**48  # values in one tensor (256 T): far past any accelerator's memory
MAX_PARAMS = 2**53  # parameters of one layer: the largest count a float64 (or JSON reader) keeps exact


def tensor_elements(shape: Shape) -> int:
    """Values in a tensor of this shape, counting only the axes whose size is known."""
    total = 1
    for dim in shape:
        if dim is not None:
            total *= dim
    return total


def check_tensor(shape: Shape, what: str = "the output") -> None:
    """Raise SC008 if a tensor of this shape could not exist."""
    elements = tensor_elements(shape)
    if elements > MAX_ELEMENTS:
        raise ShapeError(
            f"{what} would hold {_amount(elements)} values, more than the 2**48 shapecalc allows "
            "(no real tensor is that large)",
            code="SC008",
        )


def check_layer(output: Shape | list[Shape], params: int) -> None:
    """Raise SC008 for an output tensor or a parameter count past the limits.

    Runs once per layer, so the count is made here and check_tensor() is
    called only to raise.
    """
    for shape in output if isinstance(output, list) else (output,):
        elements = 1
        for dim in shape:
            if dim is not None:
                elements *= dim
        if elements > MAX_ELEMENTS:
            check_tensor(shape)
    if params > MAX_PARAMS:
        raise ShapeError(
            f"the layer would have {_amount(params)} parameters, more than the 2**53 shapecalc allows",
            code="SC008",
        )


def _amount(count: int) -> str:
    """A huge count written so that it always prints: about 2**k."""
    if count < 10**15:
        return f"{count:,}"
    return f"about 2**{count.bit_length() - 1}"
