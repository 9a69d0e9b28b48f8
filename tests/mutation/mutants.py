"""The named mutants: one small deliberate bug each, in the core modules, and the tests that must catch it.

A row is (name, module path, text as written, text as mutated, tests to run).
The text must occur exactly once in the module: when a module moves or its
line changes, `run.py` reports the row as stale instead of testing nothing,
and the row is updated here (module paths are the only thing a move changes).
Pick the narrowest tests that should fail: the run takes one pytest process
per mutant.
"""

from __future__ import annotations

from typing import NamedTuple


class Mutant(NamedTuple):
    name: str
    module: str
    original: str
    mutated: str
    tests: tuple[str, ...]


LAYERS = ("tests/layers", "tests/unit/test_shapes.py")
DIAGNOSTICS = ("tests/diagnostics",)
GOLDEN = ("tests/golden",)
COMMANDS = ("tests/commands/test_check.py", "tests/commands/test_check_parallel.py")
# our output against the goldens, and the goldens against Keras's own print
KERAS_SPECS = ("tests/golden/test_summaries.py", "tests/differential/test_keras.py", "-k", "specs or golden")
TORCH = ("tests/differential/test_torch.py",)

MUTANTS: list[Mutant] = [
    # shapes: the one window formula and its working
    Mutant("shapes.window-rounds", "shapecalc/shapes.py",
           "        out = numerator // stride + 1", "        out = round(numerator / stride) + 1", LAYERS),
    Mutant("shapes.dilation-ignored", "shapecalc/shapes.py",
           "    return dilation * (kernel - 1) + 1", "    return kernel", LAYERS),
    Mutant("shapes.same-odd-pixel-first", "shapecalc/shapes.py",
           "    total = max((out - 1) * stride + effective_kernel(kernel, dilation) - size, 0)\n    return total // 2, total - total // 2",
           "    total = max((out - 1) * stride + effective_kernel(kernel, dilation) - size, 0)\n    return total - total // 2, total // 2",
           LAYERS),
    Mutant("shapes.ceil-last-window-off-by-one", "shapecalc/shapes.py",
           "        if out > 0 and (out - 1) * stride >= size + lo:",
           "        if out > 0 and (out - 1) * stride > size + lo:", LAYERS),
    Mutant("shapes.dropped-counted-in-ceil-mode", "shapecalc/shapes.py",
           "    dropped = numerator % stride if (numerator >= 0 and not ceil_mode) else 0",
           "    dropped = numerator % stride if numerator >= 0 else 0", DIAGNOSTICS),
    Mutant("shapes.lost-ignores-padding", "shapecalc/shapes.py",
           "        return max(min(self.dropped - self.pads[1], self.input or 0), 0)",
           "        return max(min(self.dropped, self.input or 0), 0)", DIAGNOSTICS),
    Mutant("shapes.transposed-drops-output-padding", "shapecalc/shapes.py",
           "    out = (size - 1) * stride - lo - hi + dilation * (kernel - 1) + output_padding + 1",
           "    out = (size - 1) * stride - lo - hi + dilation * (kernel - 1) + 1", LAYERS),
    Mutant("shapes.product-of-unknown-is-known", "shapecalc/shapes.py",
           "        if dim is None:\n            return None\n        total *= dim",
           "        if dim is None:\n            continue\n        total *= dim", LAYERS),
    Mutant("shapes.format-trailing-comma", "shapecalc/shapes.py",
           """    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")\"""",
           """    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ",)\"""",
           ("tests/golden/test_summaries.py",)),
    # engine
    Mutant("engine.trainable-false-ignored", "shapecalc/engine.py",
           "        if not layer.keys.trainable:\n            params = params.frozen()",
           "        if False:\n            params = params.frozen()", ("tests/golden", "tests/engine")),
    Mutant("engine.totals-swapped", "shapecalc/engine.py",
           "        totals = Params(sum(r.params.trainable for r in rows), sum(r.params.non_trainable for r in rows))",
           "        totals = Params(sum(r.params.non_trainable for r in rows), sum(r.params.trainable for r in rows))",
           GOLDEN),
    Mutant("engine.default-names-swapped", "shapecalc/engine.py",
           """            model=self.spec.name or ("functional" if self.functional else "sequential"),""",
           """            model=self.spec.name or ("sequential" if self.functional else "functional"),""",
           ("tests/engine", "tests/commands/test_process_behaviour.py")),
    Mutant("engine.expect-counts-the-batch", "shapecalc/engine.py",
           "            got = list(produced[1:])", "            got = list(produced)", DIAGNOSTICS),
    Mutant("engine.arity-one-too-many", "shapecalc/engine.py",
           "(cls.max_inputs is not None and count > cls.max_inputs)",
           "(cls.max_inputs is not None and count > cls.max_inputs + 1)", ("tests/graph_errors", "tests/engine")),
    # layer rules
    Mutant("layers.keras.conv-forgets-bias", "shapecalc/layers/keras/conv.py",
           "        bias = filters if self.use_bias else 0\n        kernel_text",
           "        bias = 0\n        kernel_text", LAYERS),
    Mutant("layers.keras.batchnorm-statistics-trainable", "shapecalc/layers/keras/normalization.py",
           "        return Params(affine[0], statistics[0])", "        return Params(statistics[0], affine[0])",
           ("tests/golden/test_summaries.py",)),
    Mutant("layers.keras.batchnorm-gamma-beta-swapped", "shapecalc/layers/keras/normalization.py",
           """vectors(sizes, {"gamma": self.scale, "beta": self.center})""",
           """vectors(sizes, {"gamma": self.center, "beta": self.scale})""",
           ("tests/layers", "tests/commands/test_explain.py")),
    Mutant("layers.torch.bilinear-unknown-features", "shapecalc/layers/torch/linear.py",
           "        return (*lead1, self.out_features)", "        return (*lead1, None)", TORCH),
    Mutant("layers.torch.linear-forgets-bias", "shapecalc/layers/torch/linear.py",
           "        total = fan_in * self.out_features + bias", "        total = fan_in * self.out_features",
           ("tests/layers/torch",)),
    # diagnostics
    Mutant("diagnostics.warnings-always-fail", "shapecalc/diagnostics.py",
           "    if strict and Severity.WARNING in severities:", "    if Severity.WARNING in severities:",
           ("tests/hostile/test_corpus.py", *COMMANDS)),
    Mutant("diagnostics.invalid-file-is-exit-1", "shapecalc/diagnostics.py",
           """    if any(code.startswith("SC0") for code in codes):""",
           """    if any(code.startswith("SC00") for code in codes):""", ("tests/hostile/test_corpus.py",)),
    Mutant("diagnostics.sorted-by-column-first", "shapecalc/diagnostics.py",
           "        return (self.path, self.line, self.column, self.code)",
           "        return (self.path, self.column, self.line, self.code)", (*DIAGNOSTICS, *COMMANDS)),
    Mutant("checks.floor-loss-counts-skipping-windows", "shapecalc/checks/analyzed.py",
           "        if not axis.span or axis.stride > axis.span:", "        if not axis.span:", DIAGNOSTICS),
    Mutant("checks.lost-pixels-not-multiplied", "shapecalc/checks/lost_pixels.py",
           "Fraction(lost, stride) * up / down", "Fraction(lost, stride) / down", DIAGNOSTICS),
    # renderers
    Mutant("render.json-drops-inputs", "shapecalc/render/json.py",
           """        "inputs": list(row.inputs),""", """        "inputs": [],""",
           ("tests/engine", "tests/commands/test_process_behaviour.py")),
    Mutant("render.kilo-is-1000", "shapecalc/render/summary.py",
           "        if size / 1024 < 1:", "        if size / 1000 < 1:", ("tests/golden/test_summaries.py",)),
    Mutant("render.functional-widths-off-keras", "shapecalc/render/text.py",
           "4: [27, 23, 14, 23]", "4: [28, 24, 11, 24]", KERAS_SPECS),
    Mutant("render.trainable-line-shows-non-trainable", "shapecalc/render/summary.py",
           """        f"Trainable params: {totals.trainable:,} ({readable_size(totals.trainable)})",""",
           """        f"Trainable params: {totals.non_trainable:,} ({readable_size(totals.trainable)})",""",
           KERAS_SPECS),
    Mutant("render.connected-empty-not-dash", "shapecalc/render/summary.py",
           """for name, call, tensor in row.connections) or "-\"""", """for name, call, tensor in row.connections) or \"\"""",
           KERAS_SPECS),
    # the process
    Mutant("guard.broken-pipe-is-an-error", "shapecalc/guard.py",
           "    except BrokenPipeError:\n        sys.exit(0)", "    except BrokenPipeError:\n        sys.exit(1)",
           ("tests/commands/test_process_behaviour.py",)),
    Mutant("guard.ctrl-c-exits-1", "shapecalc/guard.py",
           "        sys.exit(130)", "        sys.exit(1)", ("tests/commands/test_process_behaviour.py",)),
    # check
    Mutant("check.workers-ignore-strict", "shapecalc/commands/check.py",
           "        found, worst = check_files(paths, strict, accepting)\n        rows",
           "        found, worst = check_files(paths, False, accepting)\n        rows", COMMANDS),
    Mutant("check.dead-worker-share-dropped", "shapecalc/commands/check.py",
           "            result = check_files(rest[index::workers], strict, accepting)", "            result = ([], 0)",
           COMMANDS),
    # the hot path: valid shipped specs import neither pydantic nor yaml
    Mutant("quickcheck.extra-allowed-goes-to-pydantic", "shapecalc/arguments/quickcheck.py",
           'extra not in ("forbid", "allow")', 'extra != "forbid"', ("tests/commands/test_hot_path_imports.py",)),
    Mutant("subset.dotted-key-goes-to-yaml", "shapecalc/reading/subset.py",
           r"[\w.]{0,999}", r"[\w]{0,999}", ("tests/commands/test_hot_path_imports.py",)),
    # the table pads by terminal columns: a CJK name takes two a character (specs/residual_block_zh.yaml)
    Mutant("render.width-counts-characters", "shapecalc/textwidth.py",
           "    if text.isascii():\n        return len(text)", "    if True:\n        return len(text)", KERAS_SPECS),
    Mutant("export.functional-body-written-twice", "shapecalc/export/keras_code.py",
           "    return lines + body", "    return lines + frozen.lines + body",
           ("tests/export/test_export.py", "-k", "unet_same")),
    Mutant("export.nested-input-written-as-a-layer", "shapecalc/export/keras_code.py",
           '    if getattr(layer, "model_input_of", None) is None:\n        return False',
           '    if True:\n        return False', ("tests/export/test_export.py", "-k", "nested")),
    Mutant("render.github-info-as-warning", "shapecalc/render/github.py",
           """"info": "notice\"""", """"info": "warning\"""", COMMANDS),
    Mutant("render.github-comma-unescaped", "shapecalc/render/github.py",
           """.replace(":", "%3A").replace(",", "%2C")""", """.replace(":", "%3A")""", COMMANDS),
]

# mutant name -> why no test can tell it from the original (kept out of the survivors' count)
EQUIVALENT: dict[str, str] = {}
