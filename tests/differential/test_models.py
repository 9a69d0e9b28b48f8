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


def module_outputs(model: Any, *inputs: Any) -> tuple[dict[str, tuple[list[int], int]], set[str]]:
    """(output shape, parameters) of every module the forward pass called, by name with dots as underscores;
    and the names of the called modules none of whose submodules was called (leaves, and modules such
    as nn.MultiheadAttention that use their submodules' weights directly): a row stands for all of it."""
    seen: dict[str, tuple[list[int], int]] = {}
    handles = []
    descendants: dict[str, list[str]] = {}
    for name, module in model.named_modules():
        if not name:
            continue
        key = name.replace(".", "_")
        descendants[key] = [f"{key}_{inner.replace('.', '_')}" for inner, _ in module.named_modules() if inner]

        def record(module: Any, args: Any, output: Any, key: str = key) -> None:
            while not isinstance(output, torch.Tensor):  # a tuple, or transformers' ModelOutput
                output = output[0]
            seen[key] = (list(output.shape), sum(p.numel() for p in module.parameters()))
        handles.append(module.register_forward_hook(record))
    with torch.no_grad():
        model.eval()(*inputs)
    for handle in handles:
        handle.remove()
    atomic = {key for key in seen if not any(inner in seen for inner in descendants[key])}
    return seen, atomic


def compare(spec: str, model: Any, *inputs: Any) -> None:
    outcome = analyze_path(str(ROOT / spec))
    assert outcome.analysis is not None, [d.message for d in outcome.diagnostics]
    ours = document(outcome.analysis)
    assert [d for d in ours["diagnostics"] if d["severity"] == "error"] == []
    rows = {row["name"]: row for row in ours["layers"]}
    seen, atomic = module_outputs(model, *inputs)
    assert len(atomic) > 10
    assert sorted(atomic - set(rows)) == [], "modules the forward pass called without a row"
    for name in [name for name in seen if name in rows]:  # a container's row (its output) compares its shape
        shape, params = seen[name]
        row = rows[name]
        assert [1 if size is None else size for size in row["output_shape"]] == shape, (name, row["output_shape"], shape)
        if name in atomic:
            assert row["params"] == params, (name, row["params"], params)
    total = sum(p.numel() for p in model.parameters())
    assert ours["total_params"] == total
    stated = f"{total:,} parameters"
    assert stated in (ROOT / spec).read_text(), f"the header comment should state {stated}"


def test_vit_b_16() -> None:
    from tests.differential.torchvision_models import vit_b_16

    model = vit_b_16(torch)
    assert sum(p.numel() for p in model.parameters()) == 86_567_656  # torchvision's num_params
    compare("specs/pytorch/vit_b_16.yaml", model, torch.zeros((1, 3, 224, 224)))


def test_efficientnet_b0() -> None:
    from tests.differential.torchvision_models import efficientnet_b0

    model = efficientnet_b0(torch)
    assert sum(p.numel() for p in model.parameters()) == 5_288_548  # torchvision's num_params
    compare("specs/pytorch/efficientnet_b0.yaml", model, torch.zeros((1, 3, 224, 224)))


BLOCKS = [  # (builder in torchvision_models, case file, input shape)
    ("convnext_stage", "convnext_blocks", (1, 96, 56, 56)),
    ("mobilenet_v3_blocks", "mobilenet_v3_blocks", (1, 16, 112, 112)),
    ("shufflenet_v2_units", "shufflenet_v2_units", (1, 24, 56, 56)),
]


@pytest.mark.parametrize(("builder", "case", "shape"), BLOCKS, ids=[case for _, case, _ in BLOCKS])
def test_torchvision_blocks(builder: str, case: str, shape: tuple[int, ...]) -> None:
    from tests.differential import torchvision_models

    model = getattr(torchvision_models, builder)(torch)
    compare(f"tests/differential/cases/pytorch/{case}.yaml", model, torch.zeros(shape))


def test_gpt2_small() -> None:
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    model = transformers.GPT2Model(transformers.GPT2Config())
    assert sum(p.numel() for p in model.parameters()) == 124_439_808  # the figure the issue quotes
    compare("specs/pytorch/gpt2.yaml", model, torch.zeros((1, 1024), dtype=torch.long))


def test_bert_base() -> None:
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    model = transformers.BertModel(transformers.BertConfig())
    compare("specs/pytorch/bert_base.yaml", model, torch.zeros((1, 128), dtype=torch.long))


def test_t5_small_encoder() -> None:
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    model = transformers.T5EncoderModel(transformers.T5Config())
    compare("specs/pytorch/t5_small_encoder.yaml", model, torch.zeros((1, 64), dtype=torch.long))
