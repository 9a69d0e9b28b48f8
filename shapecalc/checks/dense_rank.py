"""SC301 Dense (PyTorch Linear) on a feature map (rank >= 4): it acts on the last axis only.

Dense maps (..., n) -> (..., units) with the same n*units weights at every
position: on a (None, 7, 7, 64) feature map it gives (None, 7, 7, 10), not
one vector per sample. That is right for a sequence model's feed-forward
block and usually wrong after convolutions, where a Flatten or a global
pooling was meant: worth knowing, so it is information, not a warning.
Rank-3 inputs (a sequence: batch, steps, features) are left alone: a Dense
per time step is what transformers and seq2seq decoders mean.
"""

from __future__ import annotations

from shapecalc.checks.analyzed import AnalyzedModel
from shapecalc.codes import INFO, Code
from shapecalc.shapes import format_shape

SC301 = Code("SC301", INFO, "Dense (PyTorch Linear) on a feature map of rank >= 4: it acts on the last axis only",
             "Dense (PyTorch Linear) on a feature map of rank >= 4: it acts on the last axis only (a sequence's rank-3 Dense is not flagged)")

FEATURE_MAP_RANK = 4  # batch, two spatial axes (or more), channels

DENSE_TYPES = {"keras": {"Dense"}, "pytorch": {"Linear"}}


def flatten_hint(framework: str, rank: int) -> str:
    """What usually belongs before the Dense: Flatten, or the global pooling of the input's rank."""
    spatial = rank - 2
    if framework == "pytorch":
        return f"Flatten (or AdaptiveAvgPool{spatial}d(1) and Flatten)" if 1 <= spatial <= 3 else "Flatten"
    return f"Flatten (or GlobalAveragePooling{spatial}D)" if 1 <= spatial <= 3 else "Flatten"


def run(model: AnalyzedModel) -> None:
    dense = DENSE_TYPES.get(model.framework, set())
    for row in model.analysis.rows:
        if row.type not in dense or not row.input_shapes or len(row.input_shapes[0]) < FEATURE_MAP_RANK:
            continue
        shape = row.input_shapes[0]
        model.add("SC301", (
            f"{row.name}: {row.type} receives {format_shape(shape)} of rank {len(shape)} and acts on its last "
            f"axis only, giving {format_shape(row.main_shape)}; if one vector per sample was meant, put a "
            f"{flatten_hint(model.framework, len(shape))} before it"), row)
