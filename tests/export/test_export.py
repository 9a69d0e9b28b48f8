"""`shapecalc export`: every shipped spec and differential case, exported and run in its real framework.

For each model file that analyses without errors, the generated module must
pass `ruff format --check` (line lengths 88 and 100), import nothing but the
framework, and build a model whose numbers are shapecalc's: for Keras, every
summary row (name, class, output shape, params split, "Connected to") and the
totals; for PyTorch, each module's parameter count under its layer name, each
module's output shape in a forward pass (hooks), and the totals. A file with
errors is refused (exit 2), and so is every export to the other framework.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytest.importorskip("torch")
keras = pytest.importorskip("keras")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from shapecalc.export import ExportRefused, export_text  # noqa: E402
from tests.kerasfile.keras_rows import our_rows, summary_rows  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def model_files(framework: str) -> list[Path]:
    folders = [ROOT / "specs", ROOT / "tests/differential/cases" / framework]
    files = sorted(path for folder in folders for path in folder.rglob("*.yaml"))
    return [path for path in files if (yaml.safe_load(path.read_text()) or {}).get("framework", "keras") == framework]


# Every clean file export refuses, with the reason it must give; every other clean file must be exported.
CUSTOM = "is a custom layer declared in the file: shapecalc knows its shapes and weights, not its code"
BUFFER = "Buffer is a registered buffer: its values and dtype are not in the file"
REFUSED = {
    "specs/pytorch/bert_base.yaml": f"embeddings_token_type_ids: {BUFFER}",
    "tests/differential/cases/pytorch/sources.yaml": f"position_ids: {BUFFER}",
    "tests/differential/cases/pytorch/pooling_variety.yaml": "max_unpool2d: MaxUnpool2d takes its output_size in "
                                                             "forward()",
    "tests/differential/cases/pytorch/custom_modules.yaml": f"layer_scale: LayerScale {CUSTOM}",
    "tests/differential/cases/keras/custom_layer_scale.yaml": f"layer_scale: LayerScale {CUSTOM}",
    "tests/differential/cases/keras/custom_pool_project.yaml": f"pool_project: PoolProject {CUSTOM}",
    "tests/differential/cases/keras/custom_scale_layer.yaml": f"block35_1: CustomScaleLayer {CUSTOM}",
}


def exported(path: Path, target: str) -> str | None:
    """The module's text; for a file listed in REFUSED, None once the refusal gives the listed reason."""
    reason = REFUSED.get(str(path.relative_to(ROOT)))
    if reason is None:
        return export_text(str(path), target)
    with pytest.raises(ExportRefused) as refused:
        export_text(str(path), target)
    assert str(refused.value).startswith(reason) and "export does not write it" in str(refused.value), refused.value
    return None


def exported_if_clean(path: Path, target: str) -> str | None:
    """The module for a file without errors; for a file with errors, the refusal is checked and None returned."""
    if not clean(path):
        with pytest.raises(ExportRefused, match="not exported"):
            export_text(str(path), target)
        return None
    return exported(path, target)


def clean(path: Path) -> bool:
    outcome = analyze_path(str(path))
    return outcome.analysis is not None and not any(d.severity.value == "error" for d in outcome.diagnostics)


def loaded(text: str, tmp_path: Path, name: str):
    """Run the module as a user would import it; return its build_model."""
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    for length in ("88", "100"):
        result = subprocess.run([sys.executable, "-m", "ruff", "format", "--check", "--line-length", length, str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr + text
    tree = ast.parse(text)
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or ".").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"keras", "torch"}, imported
    for function in (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)):
        returns = [index for index, statement in enumerate(function.body) if isinstance(statement, ast.Return)]
        assert returns in ([], [len(function.body) - 1]), f"{function.name}: code after its return\n{text}"
    namespace: dict = {"__name__": name}
    exec(compile(text, str(path), "exec"), namespace)  # noqa: S102 - the code under test
    return namespace["build_model"]


@pytest.mark.parametrize("path", model_files("keras"), ids=lambda p: str(p.relative_to(ROOT)))
def test_keras_export_builds_the_summarized_model(path: Path, tmp_path: Path) -> None:
    text = exported_if_clean(path, "keras")
    if text is None:
        return
    keras.utils.clear_session()
    model = loaded(text, tmp_path, path.stem)()
    ours, theirs = our_rows(analyze_path(str(path)).analysis), summary_rows(model)
    for mine, keras_row in zip(ours[0], theirs[0], strict=True):
        assert mine == keras_row
    assert ours[1:] == theirs[1:]


def forward_locals(model, tensors: list):
    """The variables of the generated forward() when it returns: every step's result under its variable."""
    import sys

    seen: dict = {}

    def profile(frame, event, arg):
        if event == "return" and frame.f_code is type(model).forward.__code__:
            seen.update(frame.f_locals)

    sys.setprofile(profile)
    try:
        model(*tensors)
    finally:
        sys.setprofile(None)
    return seen


def torch_reference(model, spec_inputs: dict, batch):
    """Each named module's parameter count and first output shape, from a forward pass with hooks."""
    import torch

    shapes: dict[str, object] = {}

    def hook(name):
        def record(module, inputs, output):
            if name not in shapes:
                shapes[name] = output
        return record

    for name, module in model.named_children():
        module.register_forward_hook(hook(name))
    embeddings = [module for module in model.modules() if isinstance(module, torch.nn.Embedding)]
    if embeddings:  # token ids, below every table's size
        top = min(module.num_embeddings for module in embeddings)
        tensors = [torch.randint(0, top, (batch or 1, *[size or 5 for size in shape])) for shape in spec_inputs.values()]
    else:
        tensors = [torch.randn(batch or 1, *[size or 5 for size in shape]) for shape in spec_inputs.values()]
    model.eval()
    with torch.no_grad():
        output = model(*tensors)
        variables = forward_locals(model, tensors)
    params = {name: sum(p.numel() for p in module.parameters()) for name, module in model.named_children()}
    return params, shapes, output, variables


def flat_shapes(value) -> list[list[int]]:
    if isinstance(value, (tuple, list)):
        return [shape for item in value for shape in flat_shapes(item)]
    return [list(value.shape)]


def agrees(ours, theirs: list[int]) -> bool:
    """Our shape (unknown sizes None) against a concrete one; an unknown batch is given as 1 (it broadcasts like an unknown size), others as 5."""
    return len(ours) == len(theirs) and all(size is None or size == other for size, other in zip(ours, theirs, strict=True))


@pytest.mark.parametrize("path", model_files("pytorch"), ids=lambda p: str(p.relative_to(ROOT)))
def test_pytorch_export_builds_the_summarized_module(path: Path, tmp_path: Path) -> None:
    text = exported_if_clean(path, "pytorch")
    if text is None:
        return
    import torch

    torch.manual_seed(0)
    module = loaded(text, tmp_path, path.stem)()
    analysis = analyze_path(str(path)).analysis
    from shapecalc.export.program import read_program

    program = read_program(str(path))  # blocks expanded, as export reads it
    spec = program.spec
    params, shapes, output, variables = torch_reference(module, spec.inputs, spec.batch)
    shortened = {line.split(" = ")[0].strip(): line for line in text.splitlines() if " = " in line}
    for step in program.steps:  # every step of forward(), modules and tensor functions alike
        if step.layer is None or not step.first_call or step.variable not in variables:
            assert step.layer is None or not step.first_call or step.variable.startswith("_v") or \
                step.variable not in shortened, step.variable
            continue
        shape = analysis.row(step.layer_name).output_shape
        produced = variables[step.variable]
        assert all(agrees(o, t) for o, t in zip(shape if isinstance(shape, list) else [shape], flat_shapes(produced),
                                                strict=True)), (step.layer_name, shape, flat_shapes(produced))
    rows = {row.name: row for row in analysis.rows if row.type != "InputLayer"}
    for name, count in params.items():
        assert rows[name].params.total == count, name
        assert (rows[name].params.non_trainable == 0) == all(p.requires_grad for p in getattr(module, name).parameters())
        shape = rows[name].output_shape
        assert all(agrees(o, t) for o, t in zip(shape if isinstance(shape, list) else [shape],
                                                  flat_shapes(shapes[name]), strict=False)), (name, shape)
    assert sum(p.numel() for p in module.parameters()) == analysis.totals.total
    final = [row for row in analysis.rows if row.name in analysis.output_names]
    produced = flat_shapes(output)
    assert agrees(final[-1].main_shape, produced[0] if len(final) == 1 else produced[-1]) or len(final) > 1


@pytest.mark.parametrize("target", ["pytorch", "keras"])
def test_export_to_the_other_framework_is_refused_with_the_reason(target: str) -> None:
    path = ROOT / ("specs/denoiser.yaml" if target == "pytorch" else "specs/pytorch/denoiser.yaml")
    with pytest.raises(ExportRefused, match="channels_last"):
        export_text(str(path), target)


NESTED = sorted((ROOT / "tests/blocks/nested").glob("keras_*.yaml"))
NESTED_TYPES = {"Sequential", "Functional", "InputLayer"}


@pytest.mark.parametrize("path", NESTED, ids=lambda p: p.stem)
def test_keras_export_writes_a_nested_model_inline(path: Path, tmp_path: Path) -> None:
    """A model used as a layer is written with its layers inline (the README says so): Keras builds a model
    whose layers are shapecalc's expanded view (`--expand`) without the nested models' own rows and Inputs,
    with each layer's parameters, the same totals and the same output."""
    from shapecalc.blocks.nested import keras_view

    text = exported(path, "keras")
    assert text is not None
    keras.utils.clear_session()
    model = loaded(text, tmp_path, path.stem)()
    analysis = analyze_path(str(path)).analysis
    view = keras_view(analysis, expand=True)
    ours = [(row.name.lstrip(" └"), row.type, row.params.total) for row in view.rows if row.type not in NESTED_TYPES]
    theirs = [(layer.name, type(layer).__name__, layer.count_params()) for layer in model.layers
              if type(layer).__name__ not in NESTED_TYPES]
    assert ours == theirs
    assert (sum(row.params.total for row in analysis.rows), list(analysis.rows[-1].main_shape[1:])) == (
        model.count_params(), list(model.outputs[0].shape[1:]))


def test_a_nested_input_that_changes_rank_is_refused(tmp_path: Path) -> None:
    """Keras adds the last axis of 1 the nested Input declares ([4] called as [4, 1]); inline layers would
    not, so export refuses with the reason instead of writing a different model."""
    path = tmp_path / "expand.yaml"
    path.write_text("model: outer\ninputs: {x: [4]}\nlayers:\n  - Functional:\n      name: inner\n"
                    "      layers: [{Input: {shape: [4, 1], name: inner_in}}, {Dense: {units: 2, name: d}}]\n")
    assert analyze_path(str(path)).analysis is not None
    with pytest.raises(ExportRefused, match="inner_in: the Input of nested model 'inner' changes the rank"):
        export_text(str(path), "keras")
