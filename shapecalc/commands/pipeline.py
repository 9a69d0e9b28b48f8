"""File in, Analysis or located problems out: the steps every file-reading command shares."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from shapecalc.diagnostics import Diagnostic, exit_code
from shapecalc.model import Analysis, ModelSpec


@dataclass
class Outcome:
    """What happened to one file: an Analysis, or the problems that stopped it."""

    path: str
    analysis: Analysis | None
    problems: list[Diagnostic] = field(default_factory=list)
    framework: str | None = None
    spec: ModelSpec | None = None  # what the analysis was made from (`fit` re-runs it at other sizes)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.analysis.diagnostics if self.analysis else self.problems

    def exit_code(self, strict: bool = False) -> int:
        return exit_code(self.diagnostics, strict)


def report_internal_error(path: str, error: Exception) -> None:
    """A bug in shapecalc met on `path`: one line on stderr, so that the other files still get checked."""
    if os.environ.get("SHAPECALC_DEBUG"):
        raise error
    detail = " ".join(str(error).split())[:200]
    sys.stderr.write(f"{path}: shapecalc internal error: {type(error).__name__}: {detail} "
                     "(a bug in shapecalc; SHAPECALC_DEBUG=1 shows the traceback)\n")


def analyze_path(path: str) -> Outcome:
    """Read, validate and analyse one model file; never raises for anything a file can contain."""
    from shapecalc.blocks import needs_expansion
    from shapecalc.engine import analyze
    from shapecalc.kerasfile import read_document
    from shapecalc.layers.spelling import canonical_framework
    from shapecalc.model import InvalidModel
    from shapecalc.reading import SourceError
    from shapecalc.validate import MAX_LAYERS, load_model

    spec = None
    expanded = False
    translated: list[Diagnostic] = []  # layers of a Keras file we could not read (the rest is still analysed)
    try:
        document = read_document(path)  # our YAML/JSON, or a Keras file translated into it
        canonical_framework(document.data)  # `framework: torch` is pytorch
        translated = list(getattr(document, "problems", []))
        expanded = needs_expansion(document.data)
        if expanded:  # blocks and nested models are written out first (shapecalc/blocks/stage.py)
            from shapecalc.blocks.stage import expand_document

            document = expand_document(document, MAX_LAYERS)
        spec = load_model(document)
        if expanded:
            from shapecalc.blocks.stage import attach

            attach(spec)
        analysis = analyze(spec)
        from shapecalc.checks import run_passes

        run_passes(analysis, spec)
        if expanded:
            from shapecalc.blocks.stage import annotate

            analysis.diagnostics = annotate(analysis.diagnostics, spec)
        if translated:
            analysis.diagnostics = sorted(analysis.diagnostics + translated, key=Diagnostic.sort_key)
        return Outcome(path, analysis, framework=spec.framework, spec=spec)
    except SourceError as error:
        problem = Diagnostic(error.code, error.message, None, error.line, error.column, path)
        return Outcome(path, None, [problem])
    except InvalidModel as errors:
        found = errors.diagnostics
        if expanded:
            from shapecalc.blocks.stage import annotate, once

            found = once(annotate(found, spec) if spec is not None else found)
        return Outcome(path, None, sorted(translated + found, key=Diagnostic.sort_key) if translated else found)


def accepted(outcome: Outcome, ignore: tuple[str, ...] = (), select: tuple[str, ...] = (),
             strict: bool = False) -> tuple[Outcome, bool]:
    """The outcome without the diagnostics the user has accepted (comments, --ignore/--select, configuration),
    and whether warnings fail (--strict, or `strict = true` in the configuration). See checks/suppress.py."""
    from shapecalc.checks.suppress import apply, read_comments
    from shapecalc.commands.config import config_for

    policy = config_for(outcome.path).policy_for(outcome.path, ignore, select, strict)
    if outcome.analysis is None:
        outcome.problems = apply(outcome.problems, [], policy, {}, outcome.path)
        return outcome, policy.strict
    comments = read_comments(_model_text(outcome.path))
    if comments or policy.ignore or policy.select or policy.strict:
        layer_lines = {row.name: row.line for row in outcome.analysis.rows}
        outcome.analysis.diagnostics = apply(outcome.analysis.diagnostics, comments, policy, layer_lines, outcome.path)
    return outcome, policy.strict


def _model_text(path: str) -> str:
    """The text of a YAML/JSON model file, for its comments ("" for an archive or an unreadable path)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    if b"shapecalc:" not in data or data.startswith(b"PK"):
        return ""
    return data.decode("utf-8", errors="replace")
