"""The einsum count is fvcore's reading of numpy's `einsum_path`, four-digit rounding included."""

from __future__ import annotations

import pytest

from shapecalc.costs.macs import einsum

np = pytest.importorskip("numpy")

CASES = [  # (equation, shapes): sizes large enough that numpy's '%.3e' rounds
    ("ab,bc->ac", [(123, 457), (457, 789)]),
    ("bhqd,bhkd->bhqk", [(1, 12, 197, 64), (1, 12, 197, 64)]),
    ("abc,cd->abd", [(1, 77, 513), (513, 1021)]),
    ("ij,ij->ij", [(301, 307), (301, 307)]),  # nothing summed: factor 1
    ("ii->i", [(1009, 1009)]),
    ("abc,abd->acd", [(3, 1001, 997), (3, 1001, 13)]),  # fvcore's exact bmm form
    ("xyz,xwz->xwy", [(2, 1013, 511), (2, 17, 511)]),  # its other exact form, renamed
]


def fvcore_reading(equation: str, shapes: list[tuple[int, ...]]) -> int:
    letters = {ord(c): 97 + i for i, c in enumerate(dict.fromkeys(c for c in equation if c.isalpha()))}
    renamed = equation.translate(letters)
    if renamed == "abc,abd->acd":
        n, c, t = shapes[0]
        return n * c * t * shapes[1][-1]
    if renamed == "abc,adc->adb":
        n, t, g = shapes[0]
        return n * t * g * shapes[1][1]
    report = np.einsum_path(renamed, *[np.zeros(s) for s in shapes], optimize="optimal")[1]
    line = next(line for line in report.split("\n") if "optimized flop" in line.lower())
    return int(np.floor(float(line.split(":")[-1]) / 2))


@pytest.mark.parametrize(("equation", "shapes"), CASES, ids=[c[0] for c in CASES])
def test_einsum_matches_fvcores_reading_of_numpy(equation: str, shapes: list[tuple[int, ...]]) -> None:
    operands, output = equation.split("->")
    sizes: dict[str, int] = {}
    for letters, shape in zip(operands.split(","), shapes, strict=True):
        sizes.update(zip(letters, shape, strict=True))
    assert einsum(sizes, operands.split(","), output) == fvcore_reading(equation, shapes)
