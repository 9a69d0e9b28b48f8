"""JSON documents for --format json: exactly one document per run, stable keys."""

from __future__ import annotations

import json
from collections.abc import Sequence

from shapecalc.resample.apply import ResampleResult
from shapecalc.resample.conventions import CONVENTIONS
from shapecalc.resample.explain import CellExplanation

JSON_SIGNIFICANT_DIGITS = 6
"""float32 carries about 7 significant digits; the 7th is rounding noise (135.999998 for 136)."""


def result_document(result: ResampleResult, explanations: Sequence[CellExplanation] = ()) -> dict:
    """{"output": ..., "convention": ..., "mode": ...} plus input, shapes and explanations."""
    document = {
        "convention": result.convention,
        "framework": CONVENTIONS[result.convention].matches,
        "mode": result.mode_label,
        "input_shape": list(result.matrix.shape),
        "output_shape": list(result.out_shape),
        "input": _rounded(result.matrix.to_nested()),
        "output": _rounded(result.to_nested()),
    }
    if explanations:
        document["explain"] = explanations_json(explanations)
    return document


def comparison_document(
    mode: str, results: Sequence[ResampleResult], refusals: dict[str, str], first: ResampleResult | None
) -> dict:
    """{"mode": ..., "results": {convention: output}, "unavailable": {convention: reason}}."""
    document: dict = {"mode": mode}
    if first is not None:
        document["input_shape"] = list(first.matrix.shape)
        document["output_shape"] = list(first.out_shape)
        document["input"] = _rounded(first.matrix.to_nested())
    document["results"] = {result.convention: _rounded(result.to_nested()) for result in results}
    document["unavailable"] = dict(refusals)
    return document


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)


def explanations_json(explanations: Sequence[CellExplanation]) -> list[dict]:
    """Each explained cell: its value, the steps as text, and the weighted input terms."""
    return [_explanation_entry(explanation) for explanation in explanations]


def _explanation_entry(explanation: CellExplanation) -> dict:
    return {
        "cell": list(explanation.cell),
        "value": _rounded(explanation.value),
        "steps": list(explanation.steps),
        "terms": [
            {"source": list(term.source), "value": _rounded(term.value), "weight": _rounded(term.weight)}
            for term in explanation.terms
        ],
    }


def _rounded(data):
    """Round nested floats to JSON_SIGNIFICANT_DIGITS; tiny residues and -0.0 become 0.0."""
    if isinstance(data, list):
        return [_rounded(item) for item in data]
    value = float(f"{data:.{JSON_SIGNIFICANT_DIGITS}g}")
    return 0.0 if abs(value) < 1e-9 else value
