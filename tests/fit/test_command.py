"""`shapecalc fit` as a command: its JSON document, its text, its refusals and exit codes (SPEC §3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shapecalc.commands import summarize
from shapecalc.commands.fit import parse_ratio, run

ROOT = Path(__file__).resolve().parents[2]
UNET = str(ROOT / "specs/unet.yaml")


def test_json_document_shape(capsys) -> None:
    assert run(UNET, "json") == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"path", "model", "framework", "input", "range", "unknown_sizes", "axes", "proposal",
                             "proposal_checked", "proposal_problems", "diagnostics"}
    assert document["input"] == {"name": "image", "declared": [572, 572, 1]}
    assert document["range"] == [1, 1144] and document["unknown_sizes"] is False
    height = document["axes"][0]
    assert set(height) == {"axis", "position", "declared", "declared_works", "why_not", "why_none", "others", "rule",
                           "output", "nearest", "valid_sizes"}
    assert (height["axis"], height["position"], height["declared"], height["declared_works"]) == ("H", 0, 572, True)
    assert height["rule"] == {"text": "H = 188 + 16k (k ≥ 0)", "modulus": 16, "residues": [12], "minimum": 188}
    assert height["output"] == {"text": "out = H - 184", "ratio": "1", "offset": -184, "required": False}
    assert height["nearest"] == {"below": 556, "above": 588}
    assert height["valid_sizes"][:3] == [188, 204, 220]
    assert document["proposal"] == [572, 572, 1] and document["proposal_checked"] is True


def test_text_is_aligned_and_plain_when_piped(capsys) -> None:
    assert run(str(ROOT / "specs/denoiser_24.yaml"), "text") == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("axis"))
    rows = [line for line in lines if line[:2] in ("H ", "W ")]
    assert [row.index("H ≡" if row.startswith("H") else "W ≡") for row in rows] == [header.index("sizes")] * 2
    assert rows[0].split()[-2:] == ["24,", "32"]
    assert "28 does not work: max_pooling2d_2 floors" in out
    assert "the nearest input that works: [32, 32, 1]" in out


def test_stated_ratio() -> None:
    """The original U-Net keeps no ratio: asked for out = in, no size works (exit 1)."""
    assert run(UNET, "text", "1", None, 400) == 1


@pytest.mark.parametrize(("args", "message"), [
    (("specs/text_classifier.yaml",), "no spatial axis"),  # [250] tokens
    (("specs/seq2seq_lstm.yaml",), "one input; this one has 2"),
    (("tests/fit/no_layers.yaml",), "no layers"),
    (("specs/resnet50.yaml", "text", "1"), "no spatial axes to keep a ratio"),  # global pooling, Dense head
    (("specs/unet.yaml", "text", "x"), "is not a positive number"),
    (("specs/unet.yaml", "text", "0"), "is not a positive number"),
    (("specs/unet.yaml", "text", None, 50, 20), "is empty"),
    (("specs/unet.yaml", "text", None, 1, 100_000), "at most"),
])
def test_refusals_exit_2_with_the_reason(args: tuple, message: str, capsys) -> None:
    path, *rest = args
    assert run(str(ROOT / path), *rest) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


@pytest.mark.parametrize("text", ["nope: [", "layers:\n  - Conv2E: {filters: 1}\ninput: [8, 8, 1]\n"],
                         ids=["yaml-syntax", "unknown-layer"])
def test_invalid_files_give_what_summarize_gives(text: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    for output_format, summarize_format in (("text", "table"), ("json", "json")):
        code = run(str(path), output_format)
        fitted = capsys.readouterr()
        assert code == summarize.run(str(path), summarize_format) == 2
        summarized = capsys.readouterr()
        assert (fitted.out, fitted.err) == (summarized.out, summarized.err)


def test_shape_errors_at_the_declared_size_do_not_stop_it(tmp_path: Path, capsys) -> None:
    """unet_same at 250 fails its first Concatenate (summarize exits 1); fit answers the question it raises."""
    path = tmp_path / "unet_250.yaml"
    path.write_text((ROOT / "specs/unet_same.yaml").read_text().replace("image: [256, 256, 3]", "image: [250, 250, 3]"))
    assert summarize.run(str(path), "json") == 1
    capsys.readouterr()
    assert run(str(path), "json") == 0
    document = json.loads(capsys.readouterr().out)
    assert [a["nearest"] for a in document["axes"]] == [{"below": 240, "above": 256}] * 2
    assert document["proposal"] == [256, 256, 3]  # 256 is 6 away, 240 is 10


@pytest.mark.parametrize(("text", "value"), [("2", 2), ("1/2", 0.5), ("0.5", 0.5), (" 3 ", 3), ("-1", None),
                                              ("1/0", None), ("two", None)])
def test_parse_ratio(text: str, value) -> None:
    parsed = parse_ratio(text)
    assert (None if parsed is None else float(parsed)) == value


def test_readme_examples_are_what_fit_prints(capsys) -> None:
    """Every `$ shapecalc fit ...` in the README's fit section, with the output printed under it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Which input sizes work: shapecalc fit", 1)[1].split("\n## ", 1)[0]
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    examples = [part for part in block.split("$ shapecalc fit ") if part]
    assert len(examples) == 2
    for example in examples:
        path, _, shown = example.partition("\n")
        assert run(path, "text") == 0
        assert capsys.readouterr().out == shown
