"""The valid sizes of one axis as a rule: `H ≡ 0 (mod 16)`, `H = 188 + 16k`, or none when no pattern repeats.

Strided layers make validity periodic: a size works when every pooling
along the way divides exactly, so past the smallest size that works, the
pattern repeats with the product of the strides. The rule is the shortest
period that the valid sizes of the range follow from the smallest one on,
with the residues that work; it is then checked against every size of the
range, so a rule is only given when it says exactly which sizes work there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """Sizes s >= `minimum` with s mod `modulus` in `residues`."""

    modulus: int
    residues: tuple[int, ...]
    minimum: int

    def admits(self, size: int) -> bool:
        return size >= self.minimum and size % self.modulus in self.residues

    def text(self, label: str) -> str:
        """`H ≡ 0 (mod 16)` when the congruence alone says it, else `H = 188 + 16k (k ≥ 0)`."""
        m, residues, low = self.modulus, self.residues, self.minimum
        if m == 1:
            return f"every {label} ≥ {low}" if low > 1 else f"every {label}"
        smallest = [r if r else m for r in residues]  # the smallest positive size of each residue class
        if len(residues) == 1:
            if low == smallest[0]:
                return f"{label} ≡ {residues[0]} (mod {m})"
            return f"{label} = {low} + {m}k (k ≥ 0)"
        classes = "{" + ", ".join(str(r) for r in residues) + "}"
        bound = "" if low == min(smallest) and all(s >= low for s in smallest) else f", {label} ≥ {low}"
        return f"{label} mod {m} ∈ {classes}{bound}"

    def as_json(self, label: str) -> dict[str, object]:
        return {"text": self.text(label), "modulus": self.modulus, "residues": list(self.residues),
                "minimum": self.minimum}


def find_rule(valid: set[int], low: int, high: int) -> Rule | None:
    """The shortest periodic rule the valid sizes of low..high follow, repeating at least twice; None if none.

    Checked against every size of the range before it is returned.
    """
    if not valid:
        return None
    start = min(valid)
    span = high - start + 1
    for period in range(1, span // 2 + 1):
        if all((size in valid) == (size + period in valid) for size in range(start, high - period + 1)):
            rule = Rule(period, tuple(sorted({size % period for size in valid})), start)
            if all(rule.admits(size) == (size in valid) for size in range(low, high + 1)):
                return rule
    return None


def nearest(valid: list[int], size: int) -> tuple[int | None, int | None]:
    """The largest valid size below `size` and the smallest above it (`valid` sorted)."""
    below = [s for s in valid if s < size]
    above = [s for s in valid if s > size]
    return (below[-1] if below else None), (above[0] if above else None)
