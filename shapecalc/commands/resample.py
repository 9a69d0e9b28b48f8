"""Entry point of `shapecalc resample`: parse options, compute, print, return the exit code."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

from shapecalc.resample.apply import ResampleResult, resample
from shapecalc.resample.conventions import CONVENTIONS
from shapecalc.resample.errors import ResampleError
from shapecalc.resample.explain import CellExplanation, default_cells, explain_cell, parse_cell
from shapecalc.resample.matrix import Matrix, load_int_matrix, load_matrix
from shapecalc.resample.plan import canonical_mode
from shapecalc.resample.render import (
    make_console,
    print_comparison,
    print_error,
    print_explanations,
    print_result,
)
from shapecalc.resample.report import comparison_document, dumps, explanations_json, result_document
from shapecalc.resample.sizing import SizeRequest, resolve_geometry

OUTPUT_FORMATS = ("table", "json")
FIXED_RULE_CONVENTIONS = ("repeat", "zeros")
EXIT_OK = 0
EXIT_USAGE = 2


@dataclass(frozen=True)
class Invocation:
    """What one run asks for, once the matrix text and sizes are parsed."""

    values: Matrix
    mode: str | None
    request: SizeRequest
    indices: Matrix | None
    explain: bool
    cell: str | None
    output_format: str
    stdout: TextIO | None


def run(
    matrix: str,
    size: int | None = None,
    scale: float | None = None,
    to: str | None = None,
    mode: str | None = None,
    convention: str = "keras",
    explain: bool = False,
    cell: str | None = None,
    compare: bool = False,
    output_format: str = "table",
    indices: str | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Print the resampled matrix (or every convention's, with compare); 2 on bad input.

    --cell implies --explain. --compare ignores --convention and shows all of them.
    """
    try:
        if output_format not in OUTPUT_FORMATS:
            raise ResampleError(f"--format must be one of {', '.join(OUTPUT_FORMATS)}, got {output_format!r}")
        invocation = Invocation(
            values=load_matrix(matrix),
            mode=mode,
            request=SizeRequest(size=size, scale=scale, to=to),
            indices=load_int_matrix(indices, "--indices") if indices is not None else None,
            explain=explain or cell is not None,
            cell=cell,
            output_format=output_format,
            stdout=stdout,
        )
        if compare:
            _run_comparison(invocation)
        else:
            _run_single(invocation, convention)
    except ResampleError as error:
        print_error(str(error), stderr)
        return EXIT_USAGE
    return EXIT_OK


def _run_single(invocation: Invocation, convention: str) -> None:
    result = resample(invocation.values, convention, invocation.mode, invocation.request, invocation.indices)
    explanations = _explanations(result, invocation.cell) if invocation.explain else []
    if invocation.output_format == "json":
        print(dumps(result_document(result, explanations)), file=invocation.stdout or sys.stdout)
        return
    console = make_console(invocation.stdout)
    print_result(console, result)
    if explanations:
        print_explanations(console, result, explanations)


def _run_comparison(invocation: Invocation) -> None:
    """All conventions on the same input; the ones that refuse the mode say why."""
    shared_mode = canonical_mode(invocation.mode, "keras")
    resolve_geometry(invocation.values.shape, invocation.request)  # size errors concern all: fail once
    results, refusals = [], {}
    for name in CONVENTIONS:
        try:
            results.append(_compare_one(invocation, name, shared_mode))
        except ResampleError as error:
            refusals[name] = str(error)
    if invocation.output_format == "json":
        document = comparison_document(shared_mode, results, refusals, results[0] if results else None)
        if invocation.explain:
            document["explain"] = {
                result.convention: explanations_json(_explanations(result, invocation.cell)) for result in results
            }
        print(dumps(document), file=invocation.stdout or sys.stdout)
        return
    console = make_console(invocation.stdout)
    print_comparison(console, invocation.values, results, refusals)
    if invocation.explain:
        for result in results:
            print_explanations(console, result, _explanations(result, invocation.cell))


def _compare_one(invocation: Invocation, name: str, mode: str) -> ResampleResult:
    """repeat and zeros have fixed rules, so they run whatever the shared mode is."""
    if name in FIXED_RULE_CONVENTIONS:
        indices = invocation.indices if name == "zeros" else None
        return resample(invocation.values, name, None, invocation.request, indices)
    return resample(invocation.values, name, mode, invocation.request)


def _explanations(result: ResampleResult, cell: str | None) -> list[CellExplanation]:
    cells = [parse_cell(cell, result)] if cell is not None else default_cells(result)
    return [explain_cell(result, chosen) for chosen in cells]
