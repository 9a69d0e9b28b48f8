"""Our nesting bound (64 levels) refuses a file before the YAML parser's own limit, whatever PyYAML's version.

PyYAML 6.0.4's C scanner stops at 1,000 levels while reading ahead of the
events, so a line of `[` got libyaml's message at column 1001 instead of ours.
Here every scanner PyYAML has (C and Python) is given a limit of 129 levels,
the lowest the loader choice promises to stay under, and each file must still
be refused by our bound at the place an unlimited parser would give.
"""

from __future__ import annotations

import pytest
import yaml

from shapecalc.reading import SourceError, parse_text
from shapecalc.reading.document import MAX_DEPTH

PARSER_LIMIT = 2 * MAX_DEPTH + 1

# text -> (line, column) of the opener of level 65, counted by hand
DEEP = {
    "one line of 100,000 [": ("[" * 100_000, (1, 65)),
    "one line of '[ '": ("[ " * 2_000, (1, 129)),  # the 65th opener is the 65th pair of characters
    "one line of {a: ": ("{a: " * 2_000, (1, 257)),
    "lines of 60 [ each": ("\n".join(["[" * 60] * 40), (2, 5)),  # 60 on line 1, the 5th of line 2
    # two block mappings hold levels 1 and 2; the 63rd [ opens level 65, at column 6 + 62
    "flow under two block levels": ("a:\n  b: " + "[" * 1_000, (2, 68)),
    "block sequences on one line": ("- " * 2_000 + "x\n", (1, 129)),
}


def _limited_fetch(original):
    def fetch_flow_collection_start(self, token_class):
        if self.flow_level >= PARSER_LIMIT:
            raise yaml.scanner.ScannerError(
                "while increasing flow level", self.get_mark(), "exceeded maximum nesting depth", self.get_mark()
            )
        original(self, token_class)

    return fetch_flow_collection_start


@pytest.fixture
def parser_with_a_low_limit(monkeypatch):
    """PyYAML as a version with a nesting limit of PARSER_LIMIT would be, in C and in Python."""
    original = yaml.scanner.Scanner.fetch_flow_collection_start
    monkeypatch.setattr(yaml.scanner.Scanner, "fetch_flow_collection_start", _limited_fetch(original))
    monkeypatch.setattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.mark.parametrize("text, where", DEEP.values(), ids=DEEP.keys())
def test_our_bound_acts_before_a_parser_limit(parser_with_a_low_limit, text, where):
    with pytest.raises(SourceError) as caught:
        parse_text(text)
    assert (caught.value.code, caught.value.line, caught.value.column) == ("SC008", *where)
    assert caught.value.message == f"the file nests deeper than {MAX_DEPTH} levels"


@pytest.mark.parametrize("text, where", DEEP.values(), ids=DEEP.keys())
def test_our_bound_acts_before_the_installed_parser(text, where):
    with pytest.raises(SourceError) as caught:
        parse_text(text)
    assert (caught.value.code, caught.value.line, caught.value.column) == ("SC008", *where)


def test_a_syntax_error_before_the_deep_line_is_still_reported_first(parser_with_a_low_limit):
    with pytest.raises(SourceError) as caught:
        parse_text("a: b: c\nd: " + "[" * 1_000)
    assert (caught.value.code, caught.value.line, caught.value.column) == ("SC001", 1, 5)


def test_a_wide_line_within_the_bound_reads_as_usual(parser_with_a_low_limit):
    text = "input: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1) + "\nlayers: [" + ", ".join(["[1]"] * 100) + "]\n"
    data = parse_text(text).data
    assert len(data["layers"]) == 100
