"""Every layer of every PyTorch spec and case file: shapecalc's MACs equal fvcore's on the real module call.

Each accepted module call is counted by fvcore's FlopCountAnalysis (module in
evaluation mode) with the three extensions of `fvcore_reference` added; a
shared module's calls add up, as in shapecalc's row. Batch files count one
sample: fvcore's count divided by the samples in the call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fvcore")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from tests.costs.fvcore_reference import fvcore_macs  # noqa: E402
from tests.differential.test_torch import ROOT, torch_files  # noqa: E402
from tests.differential.torch_reference import build, call  # noqa: E402

PRODUCTS = ("Matmul", "Bmm", "Mm", "Einsum", "ScaledDotProductAttention")


def samples(module: Any, sources: list[Any], batch: int | None) -> int | None:
    """Samples in one call, to divide fvcore's count by; None where one sample is not defined here.

    Without `batch:` every batched tensor has one sample. With it, the batch axis (axis 1 for a
    sequence module without batch_first); products of tensors count their whole operands
    (their inputs may be made inside the model, with no batch axis), so they are not compared.
    """
    if batch is None:
        return 1
    first = sources[0]
    if getattr(module, "batch_first", True) is False:
        return first.shape[1] if first.dim() == 3 else 1
    return first.shape[0]


def fvcore_per_layer(data: dict[str, Any]) -> dict[str, float]:
    import torch

    counts: dict[str, float] = {}

    class Call(torch.nn.Module):
        def __init__(self, module: Any, type_name: str, forward_args: dict[str, Any]):
            super().__init__()
            self.module, self.type_name, self.forward_args = module, type_name, forward_args

        def forward(self, *sources: Any) -> Any:
            return call(torch, self.module, self.type_name, list(sources), self.forward_args)

    def observe(name: str, module: Any, type_name: str, sources: list[Any], forward_args: dict[str, Any]) -> None:
        try:
            count = fvcore_macs(Call(module, type_name, forward_args), tuple(sources))
        except Exception:  # noqa: BLE001 - a call torch.jit cannot trace (MaxUnpool's indices): not compared
            untraced.add(name)
            return
        divisor = samples(module, sources, data.get("batch"))
        if type_name in PRODUCTS and data.get("batch") is not None:
            divisor = None
        if divisor is None:
            untraced.add(name)
            return
        counts[name] = counts.get(name, 0) + count / divisor

    untraced: set[str] = set()
    build(data, observe)
    return {name: count for name, count in counts.items() if name not in untraced}


@pytest.mark.parametrize("path", torch_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_macs_match_fvcore(path: Path) -> None:
    import yaml

    expected = fvcore_per_layer(yaml.safe_load(path.read_text()))
    outcome = analyze_path(str(path))
    if outcome.analysis is None:
        return  # refused files are the shape tests' business
    rows = {row.name: row for row in outcome.analysis.rows}
    compared = 0
    for name, count in expected.items():
        row = rows.get(name)
        if row is None:
            continue
        if row.macs is None:  # unknown only for a declared custom layer, or where a sequence module's
            # length is the unknown first axis
            declared = row.type in (yaml.safe_load(path.read_text()).get("custom_layers") or {})
            assert declared or (row.input_shapes and row.input_shapes[0][0] is None), \
                f"{name}: MACs unknown for {row.input_shapes}"
            continue
        assert row.macs == count, f"{name} ({row.type}): shapecalc {row.macs:,} != fvcore {count:,}"
        compared += 1
    assert compared or not expected
