"""Hostile inputs that cannot live in the repository as commented YAML files, made on demand.

Binary files, wrong encodings, JSON (which has no comments), files of
megabytes or 100,000 levels of nesting, directories and pipes: each case is a
function that writes the input under a directory and returns the path to
give shapecalc, with the one diagnostic it must produce.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MODEL = "input: [4]\nlayers:\n  - Dense: 3\n"
# JSON's surrogate pairs move nothing: an error after them is where the text has it; a lone half is refused.
PAIR_THEN_ERROR = '{"model": "\\ud83d\\ude00\\ud83d\\ude00", "input": [4], "layers": [{"Dense": {"units": -3}}]}'
LONE_KEY = '{"input": [4], "layers": [{"Dense": {"\\udc00units": 3}}]}'


@dataclass(frozen=True)
class Made:
    """A generated input and the diagnostic it must give: severity, code, line, column, a fragment."""

    id: str
    make: Callable[[Path], Path]
    expect: tuple[str, str, int, int, str] | None  # None: a valid model, no diagnostics
    count: int = 1  # diagnostics in all; `expect` is the first of them


def _many(name: str, entry: str, count: int, head: str = "input: [4]\n") -> Callable[[Path], Path]:
    """`count` copies of one layer entry line, `{i}` numbered."""
    return _text(name, head + "layers:\n" + "".join(entry.format(i=i) + "\n" for i in range(count)))


def _column(entry: str, token: str) -> int:
    return entry.index(token) + 1


def _bytes(name: str, content: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path

    return make


def _text(name: str, content: str) -> Callable[[Path], Path]:
    return _bytes(name, content.encode("utf-8"))


def _directory(folder: Path) -> Path:
    path = folder / "a_directory.yaml"
    path.mkdir()
    return path


def _missing(folder: Path) -> Path:
    return folder / "no_such_file.yaml"


def _fifo(folder: Path) -> Path:
    path = folder / "a_pipe.yaml"
    os.mkfifo(path)  # reading it would wait forever for a writer
    return path


def _unreadable(folder: Path) -> Path:
    path = folder / "locked.yaml"
    path.write_text(MODEL)
    path.chmod(0)
    return path


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00\x90\x91h6"
DEEP = 100_000
REFERENCE = "  - {{type: Activation, activation: relu, inputs: [x{i}]}}"
ZERO_SIZE = "  - {{type: Conv2D, filters: 1, kernel_size: 9, inputs: [input_layer]}}"

CASES: list[Made] = [
    # encodings and binary
    Made("empty_file", _bytes("empty.yaml", b""), ("error", "SC001", 1, 1, "empty")),
    Made("only_whitespace", _text("blank.yaml", " \n\n   \n"), ("error", "SC001", 1, 1, "empty")),
    Made("png_image", _bytes("image.yaml", PNG), ("error", "SC001", 1, 1, "binary")),
    Made("latin1_text", _bytes("latin1.yaml", b"model: caf\xe9\ninput: [4]\nlayers: [Flatten]\n"),
         ("error", "SC001", 1, 11, "not UTF-8 text (byte 0xe9)")),
    Made("utf16_text", _bytes("utf16.yaml", MODEL.encode("utf-16")), ("error", "SC001", 1, 1, "UTF-16")),
    Made("utf8_encoded_surrogate", _bytes("cesu.yaml", b"input: [4]\nmodel: \xed\xa0\x80\nlayers: [Flatten]\n"),
         ("error", "SC001", 2, 8, "not UTF-8")),
    Made("utf8_bom_is_fine", _bytes("bom.yaml", b"\xef\xbb\xbf" + MODEL.encode()), None),
    Made("raw_nul_byte", _bytes("nul.yaml", b"input: [4]\nlayers: [Flatten]\x00\n"), ("error", "SC001", 2, 18, "U+0000")),
    Made("raw_escape_byte", _bytes("esc.yaml", b"input: [4]\nmodel: a\x1b[2Jb\nlayers: [Flatten]\n"),
         ("error", "SC001", 2, 9, "U+001B")),
    Made("crlf_line_ends", _bytes("crlf.yaml", b"input: [4]\r\nlayers:\r\n  - Dense: {units: 3, units: 4}\r\n"),
         ("error", "SC001", 3, 23, "duplicate key 'units'")),
    # JSON read through the YAML parser
    Made("json_model", _text("model.json", '{"input": [4], "layers": [{"Dense": {"units": 3}}, "Flatten"]}'), None),
    # (a PyTorch file: Keras refuses `/` in a model name)
    Made("json_slash_escape_and_tabs", _text("escape.json", '{\t"framework": "pytorch", "model": "a\\/b",\t"input": [4], "layers": ["Flatten"]}'), None),
    Made("json_exponent_number", _text("exponent.json", '{"input": [4], "layers": [{"Dropout": {"rate": 5E-1}}]}'), None),
    Made("json_duplicate_key", _text("dup.json", '{"input": [4],\n "layers": [{"Dense": {"units": 3, "units": 4}}]}'),
         ("error", "SC001", 2, 36, "duplicate key 'units'")),
    Made("json_surrogate_pair", _text("emoji.json", '{"model": "\\ud83d\\ude00", "input": [4], "layers": ["Flatten"]}'),
         None),  # one character, U+1F600, as json.loads reads it
    Made("json_pair_then_error_located", _text("emoji_error.json", PAIR_THEN_ERROR),
         ("error", "SC004", 1, PAIR_THEN_ERROR.index('"units"') + 1, "units")),
    Made("json_lone_low_surrogate_in_key", _text("lone_key.json", LONE_KEY),
         ("error", "SC001", 1, LONE_KEY.index("\\udc00") + 1, "lone low surrogate")),
    Made("json_trailing_garbage", _text("garbage.json", '{"input": [4], "layers": ["Flatten"]} }'),
         ("error", "SC001", 1, 39, "YAML syntax error")),
    # nesting, checked before anything recurses
    Made("deep_flow_lists", _text("deep_flow.yaml", "[" * DEEP + "]" * DEEP), ("error", "SC008", 1, 65, "nests deeper than 64")),
    Made("deep_unclosed_lists", _text("deep_open.yaml", "[" * DEEP), ("error", "SC008", 1, 65, "nests deeper than 64")),
    Made("deep_block_lists", _text("deep_block.yaml", "- " * DEEP + "x\n"), ("error", "SC008", 1, 129, "nests deeper than 64")),
    Made("deep_flow_mappings", _text("deep_map.yaml", "{a: " * DEEP + "}" * DEEP), ("error", "SC008", 1, 257, "nests deeper than 64")),
    Made("deep_block_mappings", _text("deep_block_map.yaml", "".join(" " * i + "a:\n" for i in range(2000))),
         ("error", "SC008", 65, 65, "nests deeper than 64")),
    # sizes
    Made("file_over_8_mib", _text("big.yaml", "# " + "x" * (8 * 1024 * 1024) + "\n" + MODEL), ("error", "SC008", 1, 1, "8 MiB")),
    Made("2_mib_of_number_like_scalars", _text("numberish.yaml", "input: [4]\nlayers: [Flatten]\nmodel: ["
                                               + ", ".join(["1" + ":59" * 3330 + "x"] * 200) + "]\n"),
         ("error", "SC004", 3, 1, "`model`")),  # YAML's int, float and time patterns are tried on each
    Made("5000_layers_is_fine", _text("many_ok.yaml", "input: [4]\nlayers:\n" + "  - Dense: 4\n" * 5000), None),
    Made("alias_repr_bomb", _text("repr_bomb.yaml", "input: [4]\nlayers:\n  - Dense: {units: [&s " + "x" * 9_999 + ", "
                                  + ", ".join(["*s"] * 45_000) + "]}\n"),
         ("error", "SC004", 3, 13, "valid integer")),  # a full repr of the refused value would be 450 MB
    # thousands of broken layers: reported quickly, the schema's up to 100 problems
    Made("5000_unknown_types", _many("unknown_types.yaml", "  - Conv2{i}", 5000),
         ("error", "SC002", 3, 5, "did you mean Conv2D?"), count=101),
    Made("4900_unknown_references", _many("references.yaml", REFERENCE, 4900),
         ("error", "SC005", 3, _column(REFERENCE.format(i=0), "x0"), "'x0'"), count=4900),
    Made("4900_zero_sizes", _many("zero_sizes.yaml", ZERO_SIZE, 4900, "input: [4, 4, 1]\n"),
         ("error", "SC101", 3, 5, "Fix:"), count=4900),
    Made("long_key", _text("long_key.yaml", "input: [4]\nlayers:\n  - Dense: {units: 3, " + "k" * 20_000 + ": 1}\n"),
         ("error", "SC008", 3, 23, "20,000 characters")),
    # the file system
    Made("directory", _directory, ("error", "SC001", 1, 1, "is a directory")),
    Made("missing_file", _missing, ("error", "SC001", 1, 1, "no such file")),
    Made("named_pipe", _fifo, ("error", "SC001", 1, 1, "not a regular file")),
]

if os.geteuid() != 0:  # root reads any file
    CASES.append(Made("unreadable_file", _unreadable, ("error", "SC001", 1, 1, "permission denied")))
