"""The shipped model specs against the real models: every leaf module's output shape and parameters, and the totals.

GPT-2 comes from transformers (GPT2Model(GPT2Config()), random weights, no
download); ViT-B/16 and EfficientNet-B0 are written here with torch.nn as
torchvision builds them (torchvision cannot be installed beside our torch
pin), in `torchvision_models.py`. A forward hook on every leaf module records
its output; the spec's row of the same name (dots written as underscores)
must show that shape and that module's parameter count, and the spec's
totals must equal `sum(p.numel() for p in model.parameters())`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from shapecalc.render.json import document  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def leaf_outputs(model: Any, *inputs: Any) -> dict[str, tuple[list[int], int]]:
    """(output shape, parameters) of every leaf module the forward pass called, by name with dots as underscores."""
    seen: dict[str, tuple[list[int], int]] = {}
    handles = []
    for name, module in model.named_modules():
        if name and not list(module.children()):
            def record(module: Any, args: Any, output: Any, name: str = name) -> None:
                while isinstance(output, (tuple, list)):
                    output = output[0]
                seen[name.replace(".", "_")] = (list(output.shape), sum(p.numel() for p in module.parameters()))
            handles.append(module.register_forward_hook(record))
    with torch.no_grad():
        model.eval()(*inputs)
    for handle in handles:
        handle.remove()
    return seen


def compare(spec: str, model: Any, *inputs: Any) -> None:
    outcome = analyze_path(str(ROOT / spec))
    assert outcome.analysis is not None, [d.message for d in outcome.diagnostics]
    ours = document(outcome.analysis)
    assert [d for d in ours["diagnostics"] if d["severity"] == "error"] == []
    rows = {row["name"]: row for row in ours["layers"]}
    seen = leaf_outputs(model, *inputs)
    assert len(seen) > 10
    for name, (shape, params) in seen.items():
        assert name in rows, f"no row for the module {name}"
        row = rows[name]
        assert [1 if size is None else size for size in row["output_shape"]] == shape, (name, row["output_shape"], shape)
        assert row["params"] == params, (name, row["params"], params)
    total = sum(p.numel() for p in model.parameters())
    assert ours["total_params"] == total
    stated = f"{total:,} parameters"
    assert stated in (ROOT / spec).read_text(), f"the header comment should state {stated}"


def test_gpt2_small() -> None:
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    model = transformers.GPT2Model(transformers.GPT2Config())
    assert sum(p.numel() for p in model.parameters()) == 124_439_808  # the figure the issue quotes
    compare("specs/pytorch/gpt2.yaml", model, torch.zeros((1, 1024), dtype=torch.long))
