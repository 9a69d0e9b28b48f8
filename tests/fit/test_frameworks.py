"""`shapecalc fit`'s answers checked in the real frameworks: the sizes it says work run, the others fail.

PyTorch: the exported U-Net (specs/pytorch/unet.yaml) on the meta device, so
a forward pass costs shapes only; every size of a range is tried, and torch
takes exactly the sizes fit gives (a pooling that floors makes a torch.cat
fail on the way up), each giving the input's size back. Keras: the original
U-Net built on keras.Input at the first tiles fit gives (188 -> 4,
204 -> 20) and at sizes it rejects, which Keras refuses at a Concatenate.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
keras = pytest.importorskip("keras")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from shapecalc.export import export_text  # noqa: E402
from shapecalc.fit.search import fit  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def report_of(path: Path, low: int | None = None, high: int | None = None):
    outcome = analyze_path(str(path))
    return fit(outcome.spec, outcome.analysis, low, high, None)


def build(text: str):
    namespace: dict = {"__name__": "exported"}
    exec(compile(text, "exported.py", "exec"), namespace)  # noqa: S102 - the code under test
    return namespace["build_model"]


def torch_works(model, shape: list[int], axis: int) -> bool:
    """Whether a forward pass runs at `shape`; when it does, the U-Net gives the input's size back."""
    try:
        with torch.no_grad():
            output = model(torch.empty(shape, device="meta"))
    except RuntimeError:
        return False
    assert output.shape[axis] == shape[axis]
    return True


def test_torch_takes_exactly_the_sizes_fit_gives() -> None:
    """H over the whole range, W around the first tiles (a meta forward pass costs ~0.1 s on a busy machine)."""
    path = ROOT / "specs/pytorch/unet.yaml"
    report = report_of(path, 1, 48)
    height, width = report.axes
    assert height.valid == width.valid == [16, 32, 48]
    with torch.device("meta"):  # no weights initialised: shapes only
        model = build(export_text(str(path), "pytorch"))().eval()
    assert [size for size in range(1, 49) if torch_works(model, [1, 3, size, 16], 2)] == height.valid
    for size in (15, 16, 24, 31, 32):
        assert torch_works(model, [1, 3, 16, size], 3) == (size in width.valid)


def keras_unet(text: str, size: int):
    keras.utils.clear_session()
    return build(re.sub(r"shape=\(572, 572, 1\)", f"shape=({size}, {size}, 1)", text))()


def test_keras_builds_the_original_unet_at_its_tiles_and_refuses_another() -> None:
    path = ROOT / "specs/unet.yaml"
    report = report_of(path, 150, 230)
    assert [axis.valid for axis in report.axes] == [[188, 204, 220]] * 2
    text = export_text(str(path), "keras")
    for size in (188, 204):  # 188 = 16·8 + 60: the bottleneck's map is 8 - 4 = 4 wide
        assert tuple(keras_unet(text, size).output_shape) == (None, size - 184, size - 184, 2)
    for size in (196,):  # 196 - 4 = 192 -> 96 -> 92 -> 46 -> 42 -> 21 -> 17: pool4 floors 17 -> 8
        assert size not in report.axes[0].valid
        with pytest.raises(ValueError, match="(?i)concatenate|shape"):
            keras_unet(text, size)
