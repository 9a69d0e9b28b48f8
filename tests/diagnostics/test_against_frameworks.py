"""The diagnostic cases tell the truth about the frameworks: shape errors are models they refuse, the rest build.

SC1xx shape errors (except SC104, our own `expect`) must be models that real
Keras 3 (or a PyTorch forward pass) refuses; warnings, information and clean
cases must build, with the output shapes shapecalc computed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from shapecalc.commands.pipeline import analyze_path
from tests.diagnostics.expectations import read_expectations
from tests.diagnostics.test_cases import case_files

REFUSED = {"SC101", "SC102", "SC103"}


def shape_cases(framework: str) -> list[Path]:
    """Valid model files (no SC0xx expected) of one framework."""
    return [path for path in case_files()
            if not any(code.startswith("SC0") for _, code, _, _ in read_expectations(path))
            and (yaml.safe_load(path.read_text()) or {}).get("framework", "keras") == framework]


def agree(path: Path, reference, ours_without_batch: bool) -> None:
    expected_codes = {code for _, code, _, _ in read_expectations(path)}
    if expected_codes & REFUSED:
        assert reference.failed_index is not None, "shapecalc reports a shape error but the framework runs the model"
        return
    assert reference.failed_index is None, f"the framework refuses the model: {reference.error}"
    analysis = analyze_path(str(path)).analysis
    assert analysis is not None
    rows = [row for row in analysis.rows if row.type != "InputLayer"] if ours_without_batch else analysis.rows
    if ours_without_batch:
        assert [list(row.main_shape[1:]) for row in rows] == [layer.output_shape[1:] for layer in reference.layers]
    else:
        assert [list(row.main_shape) for row in rows] == [list(layer.output_shape) for layer in reference.layers]


@pytest.mark.parametrize("path", shape_cases("keras"), ids=lambda p: p.stem)
def test_case_agrees_with_keras(path: Path) -> None:
    pytest.importorskip("keras")
    from tests.differential.keras_reference import build

    agree(path, build(yaml.safe_load(path.read_text())), ours_without_batch=False)


@pytest.mark.parametrize("path", shape_cases("pytorch"), ids=lambda p: p.stem)
def test_case_agrees_with_torch(path: Path) -> None:
    pytest.importorskip("torch")
    from tests.differential.torch_reference import build

    agree(path, build(yaml.safe_load(path.read_text())), ours_without_batch=True)


# --- the fixes the messages offer, tried in the frameworks ------------------------------------

INPUTS_THAT_LOSE_NOTHING = re.compile(r"an input of (\[[^\]]*\]) or (\[[^\]]*\]) loses nothing")
SMALLEST_INPUT = re.compile(r"a model input of at least (\[[^\]]*\])")


def reference_build(framework: str):
    if framework == "keras":
        pytest.importorskip("keras")
        from tests.differential.keras_reference import build
    else:
        pytest.importorskip("torch")
        from tests.differential.torch_reference import build
    return build


def with_input(data: dict, shape: list) -> dict:
    changed = dict(data)
    if "inputs" in changed:
        (name,) = changed["inputs"]
        changed["inputs"] = {name: shape}
    else:
        changed["input"] = shape
    return changed


def spatial_of(shape: list, framework: str) -> list:
    return list(shape[1:]) if framework == "pytorch" else list(shape[:-1])


def offered(pattern: re.Pattern[str], code: str) -> list[tuple[Path, str, re.Match[str]]]:
    found = []
    for path in case_files():
        analysis = analyze_path(str(path))
        for d in analysis.diagnostics:
            match = pattern.search(d.message) if d.code == code else None
            if match:
                framework = (yaml.safe_load(path.read_text()) or {}).get("framework", "keras")
                found.append((path, framework, match))
    return found


@pytest.mark.parametrize(("path", "framework", "match"), offered(INPUTS_THAT_LOSE_NOTHING, "SC202"),
                         ids=lambda v: v.stem if isinstance(v, Path) else "")
def test_offered_inputs_give_back_the_input_size(path: Path, framework: str, match) -> None:
    build = reference_build(framework)
    data = yaml.safe_load(path.read_text())
    for shape in (yaml.safe_load(match[1]), yaml.safe_load(match[2])):
        reference = build(with_input(data, shape))
        assert reference.failed_index is None, reference.error
        output = reference.layers[-1].output_shape[1:]
        assert spatial_of(output, framework) == spatial_of(shape, framework), (shape, output)


@pytest.mark.parametrize(("path", "framework", "match"), offered(SMALLEST_INPUT, "SC101"),
                         ids=lambda v: v.stem if isinstance(v, Path) else "")
def test_offered_smallest_input_is_the_smallest_that_builds(path: Path, framework: str, match) -> None:
    build = reference_build(framework)
    data = yaml.safe_load(path.read_text())
    smallest = yaml.safe_load(match[1])
    assert build(with_input(data, smallest)).failed_index is None
    written = data.get("input") or next(iter(data["inputs"].values()))
    one_less = [size - 1 if size != old else size for size, old in zip(smallest, written, strict=True)]
    assert build(with_input(data, one_less)).failed_index is not None


ARGUMENT_FIX = re.compile(r"(\w+)=('[^']*'|True|\d+) on (\w+) \(the output becomes (\([^)]*\))\)")


def set_argument(entry, argument: str, value):
    """The layer entry with one argument changed, in whichever of the three entry forms it is written."""
    if isinstance(entry, dict) and "type" in entry:
        return {**entry, argument: value}
    ((type_name, args),) = entry.items()
    from shapecalc.layers.registry import lookup

    if not isinstance(args, dict):
        cls = lookup("pytorch", type_name) or lookup("keras", type_name)
        args = {cls.primary: args}
    return {type_name: {**args, argument: value}}


@pytest.mark.parametrize(("path", "framework", "match"), offered(ARGUMENT_FIX, "SC202"),
                         ids=lambda v: v.stem if isinstance(v, Path) else "")
def test_offered_argument_fix_gives_the_output_it_says(path: Path, framework: str, match) -> None:
    build = reference_build(framework)
    data = yaml.safe_load(path.read_text())
    argument, value, layer, output = match[1], yaml.safe_load(match[2]), match[3], match[4]
    index = analyze_path(str(path)).analysis.row(layer).spec.index
    data["layers"][index] = set_argument(data["layers"][index], argument, value)
    reference = build(data)
    assert reference.failed_index is None, reference.error
    shown = "(" + ", ".join(str(d) for d in [None, *reference.layers[-1].output_shape[1:]]) + ")"
    assert shown == output


LAYER_FIX = re.compile(r"Fix: (\w+)=('[^']*'|True|\d+) gives ([\dx]+)")


def offered_layer_fixes() -> list[tuple[Path, str, str, re.Match[str]]]:
    """SC201 fixes offered in cases that build (a fix checks one layer, not a merge after it)."""
    found = []
    for path in case_files():
        if any(code.startswith("SC1") for _, code, _, _ in read_expectations(path)):
            continue
        for d in analyze_path(str(path)).diagnostics:
            match = LAYER_FIX.search(d.message) if d.code == "SC201" else None
            if match:
                framework = (yaml.safe_load(path.read_text()) or {}).get("framework", "keras")
                found.append((path, framework, d.layer, match))
    return found


@pytest.mark.parametrize(("path", "framework", "layer", "match"), offered_layer_fixes(),
                         ids=lambda v: v.stem if isinstance(v, Path) else "")
def test_offered_layer_fix_gives_the_size_it_says(path: Path, framework: str, layer: str, match) -> None:
    build = reference_build(framework)
    data = yaml.safe_load(path.read_text())
    index = analyze_path(str(path)).analysis.row(layer).spec.index
    data["layers"][index] = set_argument(data["layers"][index], match[1], yaml.safe_load(match[2]))
    reference = build(data)
    assert reference.failed_index is None, reference.error
    (built,) = [entry for entry in reference.layers if entry.name == layer]
    assert "x".join(map(str, spatial_of(built.output_shape[1:], framework))) == match[3]
