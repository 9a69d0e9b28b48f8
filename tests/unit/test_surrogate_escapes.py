"""JSON's surrogate-pair escapes read as json.loads reads them, every position where the text has it.

The truth for JSON text is `json.loads`; for YAML contexts where a backslash
is no escape (single-quoted, plain, block scalars, comments) it is the text as
written, which PyYAML's pure-Python loader keeps. Positions are checked
against the offsets of the keys in the raw text.
"""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from shapecalc.reading import SourceError, parse_text
from shapecalc.reading.document import offset_to_position

JSON_TEXTS = {
    "pair-in-value": '{"name": "\\ud83d\\ude00"}',
    "pair-uppercase": '{"name": "\\uD83D\\uDE00 x"}',
    "pair-in-key": '{"k\\ud83d\\ude80": 1, "after": 2}',
    "two-pairs-and-bmp": '{"a": "\\ud834\\udd1e\\u00e9\\ud83d\\ude00", "b": [1, "\\ud83c\\udf89"]}',
    "escaped-backslash-is-text": '{"a": "\\\\ud83d\\\\ude00", "b": "\\\\\\ud83d\\ude00"}',
    "pair-after-escaped-quote": '{"a": "\\"\\ud83d\\ude00\\"", "b": 1}',
    "nested-after-pairs": '{"x": {"y": ["\\ud83d\\ude00", {"z": "\\ud83d\\ude00\\ud83d\\ude00"}]}, "w": 3}',
}


@pytest.mark.parametrize("text", JSON_TEXTS.values(), ids=JSON_TEXTS.keys())
def test_json_reads_as_json_loads(text: str) -> None:
    assert parse_text(text).data == json.loads(text)


def test_positions_after_a_pair_are_where_the_text_has_them() -> None:
    text = '{"name": "\\ud83d\\ude00\\ud83d\\ude00", "input": [4], "layers": ["Flatten"]}'
    document = parse_text(text)
    assert document.data["name"] == "\U0001F600\U0001F600"
    for key in ("input", "layers"):
        assert document.positions[(key,)] == offset_to_position(text, text.index(f'"{key}"'))
    assert document.positions[("layers", 0)] == offset_to_position(text, text.index('"Flatten"'))


YAML_TEXTS = {
    # contexts where a backslash is no escape keep the text as written
    "single-quoted": "a: '\\ud83d\\ude00'\nb: 1\n",
    "plain": "a: x\\ud83d\\ude00\nb: 1\n",
    "block-literal": "a: |\n  \\ud83d \\ude00\nb: \"\\ud83d\\ude00\"\n",
    "comment": "# \\ud83d\na: \"\\ud83d\\ude00\"\n",
    "double-quoted-folded": 'a: "\\ud83d\\ude00\n  next"\n',
}


@pytest.mark.parametrize("text", YAML_TEXTS.values(), ids=YAML_TEXTS.keys())
def test_yaml_contexts_keep_their_meaning(text: str) -> None:
    expected = yaml.load(text, Loader=yaml.SafeLoader)  # decodes each half alone: join them as JSON does
    joined = {key: value.encode("utf-16-le", "surrogatepass").decode("utf-16-le") if isinstance(value, str) else value
              for key, value in expected.items()}
    assert parse_text(text).data == joined


def test_a_file_holding_the_placeholder_range_itself_is_still_read_right() -> None:
    """A private-use character U+E83D of the file's own, and the text `\\ue83d`: the pure-Python path."""
    text = '{"own": "\ue83d", "escaped": "\\ue83d", "pair": "\\ud83d\\ude00", "b": 1}'
    document = parse_text(text)
    assert document.data == json.loads(text)
    assert document.positions[("b",)] == offset_to_position(text, text.index('"b"'))


LONE = {
    # id: text, the escape at fault (its first occurrence), a fragment of the message
    "lone-high": ('{"model": "\\ud800", "input": [4]}', "\\ud800", "lone high surrogate (U+D800)"),
    "lone-low": ('{"model": "x\\udc00y"}', "\\udc00", "lone low surrogate (U+DC00)"),
    "reversed-pair": ('{"a": 1, "model": "\\ude00\\ud83d"}', "\\ude00", "lone low"),
    "high-then-letter": ('{"model": "\\ud83d\\u0041"}', "\\ud83d", "lone high"),
    "high-at-end-of-key": ('{"k\\ud83d": 1}', "\\ud83d", "lone high"),
    "second-pair-broken": ('{"m": "\\ud83d\\ude00\\ud83d"}', "\\ud83d\"", "lone high"),
    "yaml-line-two": ('input: [4]\nmodel: "ok \\udfff"\n', "\\udfff", "lone low"),
}


@pytest.mark.parametrize(("text", "escape", "fragment"), LONE.values(), ids=LONE.keys())
def test_a_lone_surrogate_is_an_error_at_its_escape(text: str, escape: str, fragment: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse_text(text)
    assert fragment in caught.value.message
    assert (caught.value.line, caught.value.column) == offset_to_position(text, text.index(escape))


# printable text (keys must be; a name is quoted in one-line messages), astral characters included
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=8).filter(
    str.isprintable)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(names, st.one_of(names, st.integers(0, 9), st.lists(names, max_size=3)), min_size=1,
                       max_size=5))
def test_any_json_dumps_output_reads_as_json_loads_with_keys_located(data: dict) -> None:
    text = json.dumps(data)  # ensure_ascii: every character beyond U+FFFF as a surrogate pair
    document = parse_text(text)
    assert document.data == json.loads(text)
    for key in data:
        written = json.dumps(key)
        assert document.positions[(key,)] == offset_to_position(text, text.index(written + ": "))
