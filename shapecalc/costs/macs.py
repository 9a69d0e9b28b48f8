"""Multiply-accumulate arithmetic in fvcore's `FlopCountAnalysis` convention, for one sample.

fvcore counts one per multiply-add of a convolution, a linear map or a
matrix product, a fixed number per element for a few normalisations and
resamplings, and nothing for anything else (activations, pooling, adds,
biases). Every count here is for one sample: the batch axis (the first) is
taken as 1. A size that is unknown (`None`) makes the count unknown.
"""

from __future__ import annotations

from collections.abc import Iterable

from shapecalc.shapes import Dim, Shape

Macs = int | None


def elements(shape: Shape) -> Macs:
    """Values in one sample of a tensor: the product of every axis but the batch axis."""
    total = 1
    for dim in shape[1:]:
        if dim is None:
            return None
        total *= dim
    return total


def times(*factors: Dim) -> Macs:
    """The product of the factors, or None if any is unknown."""
    total = 1
    for factor in factors:
        if factor is None:
            return None
        total *= factor
    return total


def area(kernel: Iterable[int]) -> int:
    """Taps of a kernel: the product of its sizes."""
    total = 1
    for size in kernel:
        total *= size
    return total


def conv(output: Shape, fan_in: Dim, kernel: Iterable[int]) -> Macs:
    """A convolution: output elements * (in_channels / groups) * kernel area (fvcore `conv_flop_count`)."""
    return times(elements(output), fan_in, area(kernel))


def transposed_conv(input_shape: Shape, fan_out: Dim, kernel: Iterable[int]) -> Macs:
    """A transposed convolution: *input* elements * (out_channels / groups) * kernel area."""
    return times(elements(input_shape), fan_out, area(kernel))


def linear(input_shape: Shape, out_features: Dim) -> Macs:
    """A linear map on the last axis: input elements * out_features (fvcore `linear_flop_jit`),
    so every position of a sequence counts."""
    return times(elements(input_shape), out_features)


def per_element(shape: Shape, count: int) -> Macs:
    """`count` for every value of one sample (normalisations, upsampling, adaptive average pooling)."""
    return times(elements(shape), count)


def total(counts: Iterable[Macs]) -> Macs:
    """The sum of several counts, unknown if any is."""
    result = 0
    for count in counts:
        if count is None:
            return None
        result += count
    return result


def recurrent(steps: Dim, gates: int, hidden: int, features: Dim, state: int, projection: int = 0) -> Macs:
    """One direction of one recurrent layer over `steps` time steps: per step `gates*hidden*(features +
    state)` for the input and recurrent matrices, plus `hidden*projection` for an LSTM's projection."""
    per_step = times(gates * hidden, None if features is None else features + state)
    return times(steps, None if per_step is None else per_step + hidden * projection)


def attention(queries: Dim, keys: Dim, key_width: Dim, value_width: Dim) -> Macs:
    """The two matrix products of dot-product attention, over all heads together:
    scores queries*keys*key_width, then weighted values queries*keys*value_width."""
    scores = times(queries, keys, key_width)
    mixed = times(queries, keys, value_width)
    return None if scores is None or mixed is None else scores + mixed


def contraction(sizes: dict[str, int], operands: list[str], output: str) -> int:
    """numpy's `_flop_count` of one contraction: the product of every index's size, times the terms
    less one (at least 1), plus 1 more when an index is summed away."""
    overall = area(sizes[letter] for letter in dict.fromkeys("".join(operands)))
    summed = any(letter not in output for operand in operands for letter in operand)
    return overall * (max(1, len(operands) - 1) + (1 if summed else 0))


def einsum(sizes: dict[str, int], operands: list[str], output: str, later: list[list[str]] | None = None) -> int:
    """fvcore's einsum count: numpy's `einsum_path` "Optimized FLOP count" (the contractions' costs
    plus 1, printed with four significant digits), parsed back and halved.

    fvcore counts its two batched-matmul equations exactly instead (`abc,abd->acd`, `abc,adc->adb`
    after renaming letters in order of appearance). `later` lists further contractions
    (operands, output) of the same path.
    """
    equation = ",".join(operands) + "->" + output
    renamed = equation.translate({ord(c): 97 + i for i, c in enumerate(dict.fromkeys(c for c in equation if c.isalnum()))})
    if not later and renamed in ("abc,abd->acd", "abc,adc->adb"):
        return area(sizes[letter] for letter in dict.fromkeys("".join(operands)))
    cost = contraction(sizes, operands, output) + sum(contraction(sizes, ops, out) for ops, out in later or [])
    return int(float(f"{cost + 1:.3e}") // 2)


def positions(shape: Shape) -> Macs:
    """Positions of one sample that a last-axis map visits: every axis but the batch and the last."""
    return elements(shape[:-1])


def one_sample(shape: Shape) -> Shape:
    """A tensor's shape for one sample when its leading axis is the unknown batch axis; as it is otherwise.

    Products of tensors (matmul, einsum) also take tensors made inside the
    model (a Parameter, a causal mask) that have no batch axis, so only an
    unknown leading size is read as the batch.
    """
    return (1, *shape[1:]) if shape and shape[0] is None else shape


def size_of(shape: Shape) -> Macs:
    """Every value of a tensor (no axis dropped), or None if a size is unknown."""
    return times(*shape)


def matmul(left: Shape, right: Shape) -> Macs:
    """fvcore's matmul/mm/bmm rule: all values of the first operand times the second's last size."""
    return times(size_of(one_sample(left)), right[-1] if len(right) > 1 else 1)
