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

from shapecalc.diagnose.model import Model
from shapecalc.diagnostics import Diagnostic
from shapecalc.engine import Analysis
from shapecalc.schema import ModelSpec


def _passes() -> list:
    from shapecalc.diagnose import dense_rank, floor_loss, lost_pixels, nonpositive

    return [floor_loss.run, lost_pixels.run, dense_rank.run, nonpositive.run]


def run_passes(analysis: Analysis, spec: ModelSpec) -> None:
    """Add every pass's diagnostics to `analysis`, sorted; a pass that breaks never hides the summary."""
    model = Model.of(analysis, spec)
    for run in _passes():
        try:
            run(model)
        except Exception:  # a bug in a hint must not cost the user the analysis itself
            if os.environ.get("SHAPECALC_DEBUG"):
                raise
    analysis.diagnostics = sorted(model.diagnostics, key=Diagnostic.sort_key)
