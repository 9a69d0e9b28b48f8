"""The reader keeps 1-based line:column for every key and item, and refuses what is not plain data."""

from __future__ import annotations

import pytest

from shapecalc.reading import SourceError, parse_text

TEXT = """model: x
input: [28, 28, 1]
layers:
  - Conv2D: {filters: 32, kernel_size: 3}
  - Activation: relu
"""


def test_positions_are_one_based_and_point_at_keys():
    doc = parse_text(TEXT)
    assert doc.positions[("input",)] == (2, 1)
    assert doc.positions[("input", 1)] == (2, 13)
    assert doc.positions[("layers", 0)] == (4, 5)
    assert doc.positions[("layers", 0, "Conv2D", "kernel_size")] == (4, 27)
    assert doc.locate(("layers", 1, "Activation", "nothing", 3)) == (5, 5)


BAD = {
    "duplicate key": ("a: 1\na: 2\n", 2, 1),
    "python tag": ("a: !!python/object:os.system x\n", 1, 4),
    "self-containing list": ("a: &x [*x]\n", 1, 8),
    "syntax error": ("a: [1\n", 2, 1),
    "deep nesting": ("- " * 100 + "x\n", 1, 129),
    "two documents": ("a: 1\n---\nb: 2\n", 2, 1),
    "unknown alias": ("a: *nope\n", 1, 4),
}


@pytest.mark.parametrize("text, line, column", BAD.values(), ids=BAD.keys())
def test_refusals_are_located(text, line, column):
    with pytest.raises(SourceError) as caught:
        parse_text(text)
    assert (caught.value.line, caught.value.column) == (line, column)


def test_billion_laughs_is_bounded():
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(SourceError, match="expands"):
        parse_text("\n".join(lines) + "\n")


def test_value_count_limit_is_located(monkeypatch):
    import shapecalc.reading.document as document

    monkeypatch.setattr(document, "MAX_NODES", 100)
    with pytest.raises(SourceError, match="more than 100 values") as caught:
        parse_text("input: [" + "1, " * 200 + "1]\nlayers: [Flatten]\n")
    assert caught.value.code == "SC008" and caught.value.line == 1


def test_layer_count_limit(monkeypatch):
    import shapecalc.validate as validate

    monkeypatch.setattr(validate, "MAX_LAYERS", 10)
    with pytest.raises(validate.InvalidModel) as caught:
        validate.load_model(parse_text("input: [4]\nlayers:\n" + "  - Activation: relu\n" * 11))
    (problem,) = caught.value.diagnostics
    assert (problem.code, problem.line) == ("SC008", 2) and "11 layers" in problem.message


def _typed(value):
    """A value with the type of every part, so that 1 and 1.0 and True differ."""
    if isinstance(value, dict):
        return ("dict", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    return (type(value).__name__, repr(value))


def _mutations(text: str, seed: int, count: int) -> list[str]:
    import random

    rng = random.Random(seed)
    alphabet = list(" \n:-[]{},&*!'\"#?0123456789abynot~.eE+") + ["\t", "é", "<<", "yes", "null"]
    alphabet += ["卷", "积", "：", "，", "\u3000", "\xa0", "\x85", "\u2028", "\ufeff", "٣", "\u0301", "😀"]
    out = []
    for _ in range(count):
        chars = list(text)
        for _ in range(rng.randint(1, 3)):
            if not chars:
                break
            at = rng.randrange(len(chars))
            choice = rng.random()
            if choice < 0.4:
                chars[at] = rng.choice(alphabet)
            elif choice < 0.7:
                chars.insert(at, rng.choice(alphabet))
            else:
                del chars[at]
        out.append("".join(chars))
    return out


def _repository_texts() -> list[str]:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    folders = [root / "specs", root / "tests" / "differential" / "cases", root / "tests" / "diagnostics" / "cases"]
    return [p.read_text(encoding="utf-8") for folder in folders for p in sorted(folder.rglob("*.yaml"))]


def test_subset_reader_gives_what_the_event_builder_gives():
    """The fast subset reader must agree with the event builder wherever it accepts a text."""
    from shapecalc.reading.events import EventBuilder
    from shapecalc.reading.subset import SubsetReader

    texts = _repository_texts()
    texts += [m for text in texts[:40] for m in _mutations(text, seed=len(text), count=25)]
    accepted = 0
    for text in texts:
        simple = SubsetReader(text).document("<t>")
        if simple is None:
            continue
        accepted += 1
        import yaml

        builder = EventBuilder("<t>")
        builder.run(text, yaml.CSafeLoader)
        built = builder.document()
        assert _typed(simple.data) == _typed(built.data), text[:200]
        assert simple.positions == built.positions, text[:200]
    assert accepted > len(texts) // 4  # the fast path is really taken


def test_written_out_initials_are_pyyaml_resolvers():
    """The subset reader decides without yaml which scalars stay text; PyYAML's resolver must agree."""
    import yaml

    from shapecalc.reading.scalars import RESOLVED_INITIALS, WORD_INITIALS

    implicit = yaml.resolver.Resolver.yaml_implicit_resolvers
    assert frozenset(implicit) == RESOLVED_INITIALS
    only_words = {initial for initial, resolvers in implicit.items() if initial and initial.isalpha()
                  and all(tag in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:null") for tag, _ in resolvers)}
    assert only_words == WORD_INITIALS


@pytest.mark.parametrize("text", ["-1", "+7", "-0", "+0", "-01", "-010", "+017", "-1_000", "1.001e-5", "1.0e5", "1.", "0.5", "-2.5E+3",
                                  "1e-5", ".5", "-.5", "1.0e", "1.0e+", "+1.5", "0x1F", "1:30", "0o17", "-12345678901234567"])
def test_subset_numbers_read_as_the_event_builder_reads_them(text):
    from shapecalc.reading.events import EventBuilder
    from shapecalc.reading.subset import SubsetReader

    source = f"input: [4]\nlayers:\n  - Dropout: {{rate: {text}}}\n"
    simple = SubsetReader(source).document("<t>")
    builder = EventBuilder("<t>")
    builder.run(source)
    wanted = builder.document().data["layers"][0]["Dropout"]["rate"]
    if simple is not None:
        got = simple.data["layers"][0]["Dropout"]["rate"]
        assert (type(got), got) == (type(wanted), wanted)


@pytest.mark.parametrize("text", ["0_conv", "1_bn", "2d", "3x3", "1e5x", "0x1Fg", "1_000", "0x1F", "1:30", "1.5e+3",
                                  "2001-12-14t21:59:43.10-05:00", "2001-12-14", "1e5", "12ab", "7_relu", "0b101",
                                  "1.0.0", "1:2:3", "190:20:30.15", "0o17", "9Z", "3t"])
def test_digit_initial_words_read_as_the_event_builder_reads_them(text):
    """Words starting with a digit that the subset reader answers without yaml (`0_conv`) must be what
    the event builder (PyYAML's resolver) makes of them; the others still go through it."""
    from shapecalc.reading.events import EventBuilder
    from shapecalc.reading.subset import SubsetReader

    builder = EventBuilder("<t>")
    builder.run(f"v: {text}\n")
    assert SubsetReader("").scalar(text) == builder.document().data["v"]


@pytest.mark.parametrize(("text", "read"), [
    ("input: [4]\nlayers:\n  - Dense: {units: 2, name: 输出}  # 中文注释：输出层\n", True),
    ("input: [4]\nlayers:\n  - Dense: {units: 2, name: \"全连接 层\"}\n", True),
    ("inputs:\n  图像: [4]\nlayers:\n  - Dense: {units: 2, inputs: [图像]}\n", True),
    ("input: [4]\nlayers:\n  - Dense: {units: 2, name: a\u2028b}\n", False),  # LS: a line break to YAML
    ("input: [4]\nlayers:\n  - Dense: {units: 2, name: a\x85b}\n", False),  # NEL: a line break to YAML
    ("input: [4]\nlayers:\n  - Dense: {units: 2, name: a\ufeffb}\n", False),  # a byte-order mark
    ("input: [4]\nlayers:\n  - Dense: {units: 2, name: 1٣}\n", True),  # text: YAML's digits are ASCII
    ("input: [4]\nlayers:\n  - Dense: {units: 2, name: e\u0301}\n", False),  # a combining mark is no \\w
])
def test_subset_reader_takes_other_scripts_and_leaves_line_breaks_to_the_builder(text: str, read: bool) -> None:
    """Names and comments in any script are plain YAML; what YAML reads as a line break, a byte-order mark
    or a character no word holds is left to the event builder. Where read, both readers agree."""
    import yaml

    from shapecalc.reading.events import EventBuilder
    from shapecalc.reading.subset import SubsetReader

    simple = SubsetReader(text).document("<t>")
    assert (simple is not None) is read
    if simple is not None:
        builder = EventBuilder("<t>")
        builder.run(text, yaml.CSafeLoader)
        assert _typed(simple.data) == _typed(builder.document().data)
        assert simple.positions == builder.document().positions
