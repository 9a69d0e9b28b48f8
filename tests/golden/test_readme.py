"""The README's generated sections: the example output is the denoiser_24 golden, the layer list is the registry,
the diagnostics table is the codes' declarations.

Both are rewritten by `pytest tests/golden --update-goldens`, so the README
cannot drift from what the tool prints or from the layer types it knows.
Every registry entry must also resolve to a class with its own docstring
(the rule the README shows).
"""

from __future__ import annotations

import re

import pytest

from shapecalc.layers import registry
from tests.golden.goldens import ROOT, golden_path

README = ROOT / "README.md"
EXAMPLE_SPEC = ROOT / "specs/denoiser_24.yaml"
FRAMEWORK_TITLES = {"keras": "Keras (`framework: keras`)", "pytorch": "PyTorch (`framework: pytorch`)"}


def section(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- generated: {name} .*?-->\n)(.*?)(<!-- end: {name} -->)", re.S)


def own_docstring(cls: type) -> str | None:
    """The class's own docstring, not one inherited from a base class."""
    doc = cls.__dict__.get("__doc__")
    return doc.strip() if isinstance(doc, str) and doc.strip() else None


def rule_text(doc: str) -> str:
    """A docstring's first paragraph on one line, safe inside a Markdown table cell."""
    first = doc.split("\n\n")[0]
    return " ".join(first.split()).replace("|", "\\|")


def layer_rows(framework: str) -> list[str]:
    rows = []
    for type_name, target in sorted(registry.TABLES[framework].items(), key=lambda item: item[0].lower()):
        module, _, class_name = target.partition(":")
        cls = registry.lookup(framework, type_name)
        assert cls is not None
        written = getattr(cls, "written", None)  # an operation is written as its keras.ops function
        canonical = written() if written else class_name or type_name
        if canonical != type_name:
            rule = f"alias of `{canonical}`"
        else:
            rule = rule_text(own_docstring(cls) or "")
        rows.append(f"| `{type_name}` | `{module}` | {rule} |")
    return rows


def layers_markdown() -> str:
    parts = []
    for framework, title in FRAMEWORK_TITLES.items():
        rows = layer_rows(framework)
        parts.append(f"### {title}\n\n{len(rows)} layer types.\n")
        if rows:
            parts.append("| type | module (`shapecalc.layers.`) | rule |\n|---|---|---|\n" + "\n".join(rows) + "\n")
    return "\n".join(parts) + "\n"


def example_markdown() -> str:
    summary = golden_path(EXAMPLE_SPEC).read_text(encoding="utf-8")
    return f"```console\n$ shapecalc summarize specs/denoiser_24.yaml\n{summary}```\n"


def diagnostics_markdown() -> str:
    """The code table, from each code's declaration beside its check (shapecalc/codes.py)."""
    from shapecalc.codes import declarations

    rows = [f"| {found.code} | {found.severity.value} | {found.doc} |" for found in declarations()]
    return "| code | severity | meaning |\n|---|---|---|\n" + "\n".join(rows) + "\n"


GENERATED = {"layers": layers_markdown, "example-output": example_markdown, "diagnostics": diagnostics_markdown}


@pytest.mark.parametrize("name", list(GENERATED))
def test_generated_readme_section_is_current(name: str, update_goldens: bool) -> None:
    text = README.read_text(encoding="utf-8")
    match = section(name).search(text)
    assert match, f"README.md has no `<!-- generated: {name} ... -->` ... `<!-- end: {name} -->` section"
    wanted = GENERATED[name]()
    if update_goldens and match.group(2) != wanted:
        text = text[: match.start(2)] + wanted + text[match.end(2):]
        README.write_text(text, encoding="utf-8")
        match = section(name).search(text)
        assert match
    assert match.group(2) == wanted, f"README section {name!r} is stale: run `pytest tests/golden --update-goldens`"


@pytest.mark.parametrize("framework", list(registry.TABLES))
def test_every_layer_type_is_listed_and_documented(framework: str) -> None:
    text = README.read_text(encoding="utf-8")
    match = section("layers").search(text)
    assert match
    listed = set(re.findall(r"^\| `([^`]+)` \|", match.group(2), re.M))
    missing = [name for name in registry.TABLES[framework] if name not in listed]
    assert missing == [], f"layer types missing from the README: {missing}"
    undocumented = []
    for type_name, target in registry.TABLES[framework].items():
        cls = registry.lookup(framework, type_name)
        assert cls is not None and cls.__name__ == (target.partition(":")[2] or type_name), type_name
        if own_docstring(cls) is None:
            undocumented.append(type_name)
    assert undocumented == [], f"layer classes without their own docstring: {undocumented}"
