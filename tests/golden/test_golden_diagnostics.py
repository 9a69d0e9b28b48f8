"""The diagnostics printed under each golden table, against arithmetic worked here by hand.

The goldens record our own output, so each of their diagnostic lines is
checked against a table written from the specs: where it points (the spec's
line there must be the layer meant), its severity and code, and the
arithmetic it must show. A golden may hold no diagnostic this table does not
list, and a spec not listed must have a golden without diagnostics.
"""

from __future__ import annotations

import re

import pytest

from tests.golden.goldens import ROOT, golden_path, relative, spec_files

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>\w+)\[(?P<code>SC\d+)\] (?P<message>.*)$")

# spec -> [(line, column, what that spec line writes, severity, code, fragments the message must contain)]
EXPECTED: dict[str, list[tuple[int, int, str, str, str, list[str]]]] = {
    # 28 -> 14 -> 7 -> 3 by 2x2 pools: 7 = 2*3 + 1, one row and one column unread; three UpSampling2D(2)
    # give 3*8 = 24, so 28 - 24 = 4 pixels are missing: the half pixel lost at 7 -> 3.5 -> 3, times 8.
    "specs/denoiser_24.yaml": [
        (17, 5, "MaxPooling2D", "warning", "SC201", ["floors 7x7 -> 3x3", "(7 - 2) mod 2 = 1", "6 or 8"]),
        (25, 5, "Conv2D", "warning", "SC202", ["(None, 24, 24, 1)", "(None, 28, 28, 1)", "28 -> 24",
                                               "multiplies by 8", "1/2 * 8 = 4"]),
    ],
    "specs/pytorch/denoiser_24.yaml": [
        (18, 5, "MaxPool2d", "warning", "SC201", ["floors 7x7 -> 3x3", "(7 - 2) mod 2 = 1", "ceil_mode=True gives 4x4"]),
        (26, 5, "Conv2d", "warning", "SC202", ["(None, 1, 24, 24)", "(None, 1, 28, 28)", "1/2 * 8 = 4"]),
    ],
    # 180 -> 90 -> 45 -> 22 by 2x2 pools (same-padded convs keep the size): 45 = 2*22 + 1
    "specs/flowers_cnn.yaml": [
        (20, 5, "MaxPooling2D", "warning", "SC201", ["floors 45x45 -> 22x22", "(45 - 2) mod 2 = 1", "44 or 46"]),
    ],
    # the 1x1 stride-2 downsampling convolutions read every other pixel: floor((n - 1) / 2) + 1 = n / 2
    "specs/pytorch/resnet18.yaml": [  # located at the block instance (`stage: ... name: layer2`) they come from
        (48, 5, "name: layer2", "info", "SC302", ["layer2_0_downsample_0", "floor((56 - 1) / 2) + 1 = 28"]),
        (49, 5, "name: layer3", "info", "SC302", ["layer3_0_downsample_0", "floor((28 - 1) / 2) + 1 = 14"]),
        (50, 5, "name: layer4", "info", "SC302", ["layer4_0_downsample_0", "floor((14 - 1) / 2) + 1 = 7"]),
    ],
    "specs/resnet50.yaml": [  # two per stage instance: the projection shortcut and the first 1x1 conv
        (53, 5, "name: conv3", "info", "SC302", ["conv3_block1_1_conv", "floor((56 - 1) / 2) + 1 = 28"]),
        (53, 5, "name: conv3", "info", "SC302", ["conv3_block1_0_conv", "floor((56 - 1) / 2) + 1 = 28"]),
        (54, 5, "name: conv4", "info", "SC302", ["conv4_block1_1_conv", "floor((28 - 1) / 2) + 1 = 14"]),
        (54, 5, "name: conv4", "info", "SC302", ["conv4_block1_0_conv", "floor((28 - 1) / 2) + 1 = 14"]),
        (55, 5, "name: conv5", "info", "SC302", ["conv5_block1_1_conv", "floor((14 - 1) / 2) + 1 = 7"]),
        (55, 5, "name: conv5", "info", "SC302", ["conv5_block1_0_conv", "floor((14 - 1) / 2) + 1 = 7"]),
    ],
}


@pytest.mark.parametrize("spec", spec_files(), ids=[relative(spec) for spec in spec_files()])
def test_golden_diagnostics_show_the_worked_arithmetic(spec) -> None:
    expected = EXPECTED.get(relative(spec), [])
    found = [match for line in golden_path(spec).read_text(encoding="utf-8").splitlines()
             if (match := LINE.match(line))]
    assert [(int(m["line"]), int(m["column"]), m["severity"], m["code"]) for m in found] == [
        (line, column, severity, code) for line, column, _, severity, code, _ in expected]
    source = spec.read_text().splitlines()
    for match, (line, column, written, _, _, fragments) in zip(found, expected, strict=True):
        assert match["path"] == relative(spec)
        assert written in source[line - 1][column - 1:], f"line {line} of {relative(spec)} is not {written}"
        for fragment in fragments:
            assert fragment in match["message"], (fragment, match["message"])


def test_every_listed_spec_exists() -> None:
    assert [name for name in EXPECTED if not (ROOT / name).exists()] == []
