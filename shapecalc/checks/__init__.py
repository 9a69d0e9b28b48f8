"""Analysis passes that run after the engine and add the diagnostics that teach (SC2xx, SC3xx, fix hints).

The engine computes shapes and reports what a framework would refuse; these
passes read the finished Analysis and say what is legal but probably not
meant: pixels dropped by flooring (SC201), the loss they cause at the output
(SC202), Dense on a feature map (SC301), strides that skip pixels (SC302),
and the fixes for zero-size dimensions (SC101) and failed `expect` (SC104).
Each pass is one module with a `run(model)` function, listed in PASSES.
"""

from __future__ import annotations

import os

from shapecalc.checks.analyzed import AnalyzedModel
from shapecalc.diagnostics import Diagnostic
from shapecalc.model import Analysis, ModelSpec


def _passes() -> list:
    from shapecalc.checks import dense_rank, floor_loss

    return [floor_loss.run, _lost_pixels, dense_rank.run, _nonpositive]


def _lost_pixels(model: AnalyzedModel) -> None:
    """Traced only where something was lost (an SC201): a clean model never imports the tracer."""
    if any(d.code == "SC201" for d in model.diagnostics):
        from shapecalc.checks import lost_pixels

        lost_pixels.run(model)


def _nonpositive(model: AnalyzedModel) -> None:
    if any(d.code == "SC101" for d in model.diagnostics):
        from shapecalc.checks import nonpositive

        nonpositive.run(model)


def run_passes(analysis: Analysis, spec: ModelSpec) -> None:
    """Add every pass's diagnostics to `analysis`, sorted; a pass that breaks never hides the summary."""
    model = AnalyzedModel.of(analysis, spec)
    for run in _passes():
        try:
            run(model)
        except Exception:  # a bug in a hint must not cost the user the analysis itself
            if os.environ.get("SHAPECALC_DEBUG"):
                raise
    analysis.diagnostics = sorted(model.diagnostics, key=Diagnostic.sort_key)
