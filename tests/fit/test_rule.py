"""fit/rule.py: valid sizes as the shortest periodic rule, checked against every size of the range."""

from __future__ import annotations

import pytest

from shapecalc.fit.rule import Rule, find_rule, nearest


def sizes(low: int, high: int, admits) -> set[int]:
    return {s for s in range(low, high + 1) if admits(s)}


@pytest.mark.parametrize(("valid", "low", "high", "expected", "text"), [
    # four 2x2 poolings: every multiple of 2^4 = 16, the first being 16 itself
    pytest.param(sizes(1, 1024, lambda s: s % 16 == 0), 1, 1024, Rule(16, (0,), 16), "H ≡ 0 (mod 16)", id="mod-16"),
    # the original U-Net: 188, 204, ... (188 = 11·16 + 12), so the bound is part of the rule
    pytest.param(sizes(1, 1144, lambda s: s >= 188 and (s - 188) % 16 == 0), 1, 1144, Rule(16, (12,), 188),
                 "H = 188 + 16k (k ≥ 0)", id="unet-188-plus-16k"),
    # a 3-wide pool of stride 2 tiles odd sizes: (s - 3) mod 2 = 0
    pytest.param(sizes(1, 500, lambda s: s >= 3 and s % 2 == 1), 1, 500, Rule(2, (1,), 3), "H = 3 + 2k (k ≥ 0)",
                 id="odd-from-3"),
    pytest.param(sizes(1, 300, lambda s: s % 8 in (0, 3)), 1, 300, Rule(8, (0, 3), 3), "H mod 8 ∈ {0, 3}",
                 id="two-residues"),
    pytest.param(sizes(1, 300, lambda s: s >= 31), 1, 300, Rule(1, (0,), 31), "every H ≥ 31", id="every-from-31"),
    pytest.param(set(range(1, 101)), 1, 100, Rule(1, (0,), 1), "every H", id="every"),
])
def test_rules_from_worked_sets(valid: set[int], low: int, high: int, expected: Rule, text: str) -> None:
    rule = find_rule(valid, low, high)
    assert rule == expected
    assert rule.text("H") == text
    assert sizes(low, high, rule.admits) == valid


@pytest.mark.parametrize("valid", [set(), {5, 6, 7}, {10, 20, 25, 90}], ids=["none", "a-few", "irregular"])
def test_no_rule_when_no_pattern_repeats_in_range(valid: set[int]) -> None:
    assert find_rule(valid, 1, 100) is None


def test_a_period_must_repeat_twice_in_range() -> None:
    """One valid size (50) in 1..60 would be `50 + 11k`, with nothing to show for the period: no rule."""
    assert find_rule({50}, 1, 60) is None


def test_nearest_below_and_above() -> None:
    valid = [188 + 16 * k for k in range(40)]
    assert nearest(valid, 572) == (556, 588)
    assert nearest(valid, 570) == (556, 572)
    assert nearest(valid, 100) == (None, 188)
