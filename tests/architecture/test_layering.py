"""The package's shape: no import cycles, no module importing from a stage above its own, no module over 400 lines.

The stages (docs/architecture.md), lowest first; a module may import from
its own stage and the ones below. Imports under `if TYPE_CHECKING:` are
annotations only and do not count; imports inside functions do.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "shapecalc"
MAX_LINES = 400

# Lowest first. A module belongs to the stage of the longest prefix it starts with
# ("shapecalc" alone is the package's __init__, not a catch-all).
STAGES: list[tuple[str, ...]] = [
    ("shapecalc", "shapecalc.gcpause", "shapecalc.codes", "shapecalc.diagnostics", "shapecalc.shapes",
     "shapecalc.tensor_limits", "shapecalc.textwidth", "shapecalc.broadcast", "shapecalc.arguments", "shapecalc.costs"),
    ("shapecalc.reading",),
    ("shapecalc.model",),
    ("shapecalc.layers",),
    ("shapecalc.validate", "shapecalc.blocks", "shapecalc.kerasfile"),  # turned into entries before validation
    ("shapecalc.graph", "shapecalc.engine"),  # graph.py wires the nodes, engine.py walks them
    ("shapecalc.checks",),
    ("shapecalc.render", "shapecalc.resample", "shapecalc.export", "shapecalc.fit"),
    ("shapecalc.commands",),
    ("shapecalc.cli", "shapecalc.fastpath", "shapecalc.guard", "shapecalc.__main__"),
]



def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(path: Path) -> set[str]:
    """The shapecalc modules `path` imports (a `from package import submodule` names the submodule)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If) and _is_type_checking(block.test)
               for statement in block.body for node in ast.walk(statement)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("shapecalc"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("shapecalc"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


GRAPH = {name: imported_modules(path) - {name} for name, path in MODULES.items()}


def stage_of(module: str) -> int:
    best, stage = -1, -1
    for index, prefixes in enumerate(STAGES):
        for prefix in prefixes:
            within = module == prefix or (prefix != "shapecalc" and module.startswith(prefix + "."))
            if within and len(prefix) > best:
                best, stage = len(prefix), index
    assert stage >= 0, f"{module} is in no stage: add it to STAGES (and docs/architecture.md)"
    return stage


def test_every_module_has_a_stage() -> None:
    for module in MODULES:
        stage_of(module)


def test_no_module_imports_from_a_stage_above_it() -> None:
    upward = sorted(f"{module} ({stage_of(module)}) imports {target} ({stage_of(target)})"
                    for module, targets in GRAPH.items() for target in targets
                    if target in MODULES and stage_of(target) > stage_of(module))
    assert upward == []


def test_no_import_cycles() -> None:
    cycles = []
    for start in GRAPH:
        stack, seen = [(start, [start])], set()
        while stack:
            module, trail = stack.pop()
            for target in GRAPH.get(module, ()):
                if target == start:
                    cycles.append(" -> ".join([*trail, start]))
                elif target not in seen and target in GRAPH:
                    seen.add(target)
                    stack.append((target, [*trail, target]))
    assert cycles == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_400_lines(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} is {lines} lines; split it by concern (at most {MAX_LINES})"
