"""Ways to break a model file: each takes its text and a random source and returns a damaged text.

Shared by the property tests (hypothesis supplies the random source) and the
real-process test (a seeded `random.Random`), so both see the same kinds of damage.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

HOSTILE_CHARACTERS = (
    "\t", " ", ":", "-", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "'", '"', "#", "%", "@", "`",
    "?", "\\", "\n", "\r", "\x00", "\x1b", "\x85", "\u2028", "\ufeff", "\u202e", "\ud800", "é", "0", "9",
)

SNIPPETS = (
    "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system",
    "!!set {a, b}",
    "!!binary aGVsbG8=",
    "!!omap [a: 1]",
    "!!timestamp 2024-01-01",
    "!!float nope",
    "!!int 0x" + "f" * 40,
    "&a [*a]",
    "*nowhere",
    "<<: *base",
    "&base {units: 3}",
    "? [a, b]\n  : c",
    "{a: 1, a: 2}",
    "[" * 80 + "]" * 80,
    "- " * 80 + "x",
    "on: 1",
    "~: x",
    "1.5: x",
    "---",
    "...",
    "%YAML 1.1",
    "%TAG ! tag:example.com,2000:",
    '"\\ud83d\\ude00"',
    '"\\e[31m[bold]x[/]"',
    "[bold red]x[/]",
    '{"input": [4], "layers": ["Flatten"]}',
    "name: '" + "n" * 300 + "'",
    "units: " + "9" * 5000,
    "input: [1099511627776, 1099511627776, 1099511627776]",
    "kernel_size: {a: 1}",
    "layers: null",
    "inputs: [nowhere]",
    "expect: {output: [1, 2, 3]}",
    "- Dense: 1099511627776",
    "- UpSampling2D: {size: 1048576}",
    "- {type: [x]}",
    "- Conv2D",
    "- 7",
)

REPLACEMENTS = (
    "'3'", "1.5", "-1", "0", "true", "null", "~", "[]", "{}", "[1, 2, 3, 4, 5]", ".nan", ".inf", "1e-3",
    "2024-01-01", "0x7fffffffffffffff", "1_000", "0o17", "12:30", str(2**64), str(2**40 + 1), "x" * 300,
    "!!str 3", "*nowhere", "[[[[1]]]]", '"\\t"', "yes", "same", "valid", "causal", "channels_first",
)

SCALAR = re.compile(r"(?<=[:\[,] )[^\s,\[\]{}:#][^,\[\]{}\n#]*")


def _lines(text: str) -> list[str]:
    return text.split("\n")


def delete_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def duplicate_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    at = rng.randrange(len(lines))
    lines.insert(at, lines[at])
    return "\n".join(lines)


def shuffle_lines(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    start = rng.randrange(len(lines))
    window = lines[start : start + rng.randint(2, 6)]
    rng.shuffle(window)
    lines[start : start + len(window)] = window
    return "\n".join(lines)


def flip_character(text: str, rng: random.Random) -> str:
    if not text:
        return rng.choice(HOSTILE_CHARACTERS)
    at = rng.randrange(len(text))
    return text[:at] + rng.choice(HOSTILE_CHARACTERS) + text[at + 1 :]


def insert_snippet(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    indent = " " * rng.choice((0, 2, 4, 6))
    lines.insert(rng.randrange(len(lines) + 1), indent + rng.choice(SNIPPETS))
    return "\n".join(lines)


def swap_value(text: str, rng: random.Random) -> str:
    """Replace one scalar value (a number, a name) by a value of another type or size."""
    found = list(SCALAR.finditer(text))
    if not found:
        return insert_snippet(text, rng)
    match = rng.choice(found)
    return text[: match.start()] + rng.choice(REPLACEMENTS) + text[match.end() :]


def huge_number(text: str, rng: random.Random) -> str:
    found = list(re.finditer(r"\b\d+\b", text))
    if not found:
        return text + f"\n{10 ** rng.randint(15, 60)}"
    match = rng.choice(found)
    value = rng.choice((str(2 ** rng.randint(40, 80)), "1" + "0" * rng.randint(12, 5000), f"-{10 ** rng.randint(1, 30)}"))
    return text[: match.start()] + value + text[match.end() :]


def truncate(text: str, rng: random.Random) -> str:
    return text[: rng.randrange(len(text) + 1)]


def shift_indentation(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    at = rng.randrange(len(lines))
    lines[at] = (" " * rng.randint(1, 3) + lines[at]) if rng.random() < 0.5 else lines[at].lstrip()
    return "\n".join(lines)


MUTATIONS: list[Callable[[str, random.Random], str]] = [
    delete_line, duplicate_line, shuffle_lines, flip_character, insert_snippet,
    swap_value, huge_number, truncate, shift_indentation,
]


def mutate(text: str, rng: random.Random) -> str:
    """One to four random kinds of damage, one after another."""
    for _ in range(rng.randint(1, 4)):
        text = rng.choice(MUTATIONS)(text, rng)
    return text
