"""Broken and malicious Keras files, made on demand: JSON configs and `.keras` zip archives.

Each case writes its input under a folder and says which diagnostic it must
give: the code, a fragment of the message, and where it points (the column of
a marker in the one-line JSON, as Keras writes it; 1:1 for an archive
refused as a whole).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.hostile.generated import _bytes

TENSOR = "__keras_tensor__"


def tensor(layer: str, call: int = 0, output: int = 0, shape: list[Any] | None = None) -> dict[str, Any]:
    return {"class_name": TENSOR, "config": {"shape": shape or [None, 4], "dtype": "float32",
                                             "keras_history": [layer, call, output]}}


def dense(name: str, units: int, source: str) -> dict[str, Any]:
    return {"module": "keras.layers", "class_name": "Dense",
            "config": {"name": name, "trainable": True,
                       "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                                 "registered_name": None},
                       "units": units, "activation": "linear", "use_bias": True,
                       "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                              "config": {"seed": None}, "registered_name": None},
                       "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                                            "registered_name": None},
                       "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None,
                       "bias_constraint": None, "quantization_config": None},
            "registered_name": None, "build_config": {"input_shape": [None, 4]}, "name": name,
            "inbound_nodes": [{"args": [tensor(source)], "kwargs": {}}]}


def functional() -> dict[str, Any]:
    """A valid Keras 3 Functional config, as `model.to_json()` writes it: input (4) -> hidden (3) -> out (2)."""
    return {"module": "keras.src.models.functional", "class_name": "Functional",
            "config": {"name": "tiny", "trainable": True, "layers": [
                {"module": "keras.layers", "class_name": "InputLayer",
                 "config": {"batch_shape": [None, 4], "dtype": "float32", "sparse": False, "ragged": False,
                            "name": "input_layer", "optional": False},
                 "registered_name": None, "name": "input_layer", "inbound_nodes": []},
                dense("hidden", 3, "input_layer"), dense("out", 2, "hidden")],
                "input_layers": ["input_layer", 0, 0], "output_layers": ["out", 0, 0]},
            "registered_name": "Functional", "build_config": {"input_shape": None}, "compile_config": {}}


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[Path], Path]
    code: str
    fragment: str
    # The diagnostic's column is where this text starts in the one-line JSON (or its n-th occurrence, from 0).
    marker: str | tuple[str, int] | None = None
    summarized: list[str] | None = None  # layers still summarized (a partial read), else no summary
    position: tuple[int, int] | None = None  # where it points, when there is no marker (an archive: 1:1)


def _json(name: str, change: Callable[[dict[str, Any]], Any]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        data = functional()
        change(data)
        path = folder / f"{name}.json"
        path.write_text(json.dumps(data))
        return path

    return make


def _layers(data: dict[str, Any]) -> list[Any]:
    return data["config"]["layers"]


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _custom_middle(data: dict[str, Any]) -> None:
    """hidden is a user's class; a second branch from the input does not depend on it."""
    _layers(data)[1]["module"] = "my_project.layers"
    _layers(data)[1]["class_name"] = "FancyDense"
    _layers(data).append(dense("side", 5, "input_layer"))
    data["config"]["output_layers"] = [["out", 0, 0], ["side", 0, 0]]


def _user_scale_layer(data: dict[str, Any]) -> None:
    """A user's own class named like Keras's CustomScaleLayer: its module, not its name, says whose it is."""
    _layers(data)[1]["module"] = "my_project.layers"
    _layers(data)[1]["class_name"] = "CustomScaleLayer"
    _layers(data)[1]["config"] = {"name": "hidden", "scale": 0.5}


def _emoji_then_unknown_key(data: dict[str, Any]) -> None:
    """Names with characters beyond U+FFFF (json.dumps writes each as a surrogate pair, 12 characters), then a
    mistake further along the same line: located where the text has it."""
    data["config"]["name"] = "tiny_\U0001F600\U0001F680"
    _layers(data)[0]["config"]["name"] = _layers(data)[0]["name"] = "input_\U0001F600"
    data["config"]["input_layers"] = ["input_\U0001F600", 0, 0]
    _layers(data)[1]["inbound_nodes"][0]["args"] = [tensor("input_\U0001F600")]
    _layers(data)[2]["config"]["frobnicate"] = 4


def _cycle(data: dict[str, Any]) -> None:
    _layers(data)[1]["inbound_nodes"][0]["args"] = [tensor("out")]


def _archive(name: str, members: list[tuple[str, bytes]], method: int = zipfile.ZIP_STORED) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"{name}.keras"
        with zipfile.ZipFile(path, "w", compression=method) as archive:
            for member, content in members:
                archive.writestr(member, content)
        return path

    return make


def _config() -> bytes:
    return json.dumps(functional()).encode()


def _patched(name: str, members: list[tuple[str, bytes]], patch: Callable[[bytes], bytes],
             method: int = zipfile.ZIP_STORED) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=method) as archive:
            for member, content in members:
                archive.writestr(member, content)
        path = folder / f"{name}.keras"
        path.write_bytes(patch(buffer.getvalue()))
        return path

    return make


def _set_flag(raw: bytes, flag: int) -> bytes:
    """Set a general-purpose flag in every local and central header (encryption: bit 0)."""
    data = bytearray(raw)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            (flags,) = struct.unpack_from("<H", data, at + offset)
            struct.pack_into("<H", data, at + offset, flags | flag)
            at = data.find(signature, at + 4)
    return bytes(data)


def _declared_small(raw: bytes) -> bytes:
    """A zip bomb that lies: its headers declare 100 bytes for a member that inflates to megabytes."""
    data = bytearray(raw)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        struct.pack_into("<L", data, at + offset, 100)
    return bytes(data)


def _many_members(folder: Path) -> Path:
    path = folder / "many_members.keras"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(10_001):
            archive.writestr(f"m{i}", b"")
        archive.writestr("config.json", _config())
    return path


def _truncated(folder: Path) -> Path:
    path = folder / "truncated.keras"
    _archive("whole", [("config.json", _config()), ("model.weights.h5", b"\x00" * 4096)])(folder)
    path.write_bytes((folder / "whole.keras").read_bytes()[:3000])
    return path


def _directory(folder: Path) -> Path:
    path = folder / "folder.keras"
    path.mkdir()
    return path


BOMB = b"{" + b" " * (64 * 1024 * 1024) + b"}"  # 64 MiB of spaces: deflates to about 64 KiB
LAUGHS = ('a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
          + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
                    f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
                    for i in range(8))).encode()

CASES = [
    # JSON configs
    Case("subclassed_model", _json("subclassed", _set(("class_name",), "MyModel")), "SC002",
         "not a Sequential or Functional model", '"class_name": "MyModel"'),
    Case("config_not_mapping", _json("config_list", _set(("config",), [1, 2])), "SC009",
         "holds `config: {layers: [...]}`", '"config": [1'),
    Case("keras2_inbound_lists", _json("keras2", _set(("config", "layers", 1, "inbound_nodes"),
                                                      [[["input_layer", 0, 0, {}]]])),
         "SC009", "Keras 2's format", '[["input_layer"'),
    Case("keras2_version", _json("keras2_version", _set(("keras_version",), "2.15.0")), "SC009",
         "written by Keras 2.15.0", '"keras_version"'),
    Case("unknown_producer", _json("unknown_producer", _set(("config", "layers", 2, "inbound_nodes", 0, "args"),
                                                            [tensor("hiden")])),
         "SC005", "'hiden', which is not a layer of the model", '{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], '
                  '"dtype": "float32", "keras_history": ["hiden"'),
    Case("call_cycle", _json("cycle", _cycle), "SC007", "hidden -> out -> hidden", '{"args": [{"class_name": "__keras_tensor__", '
                                                                 '"config": {"shape": [null, 4], "dtype": "float32", '
                                                                 '"keras_history": ["out"'),
    Case("duplicate_names", _json("duplicate", _set(("config", "layers", 2, "name"), "hidden")), "SC006",
         "two layers are named 'hidden'", ('"name": "hidden", "inbound_nodes"', 1)),
    Case("input_not_a_layer", _json("missing_input", _set(("config", "input_layers"), ["image", 0, 0])), "SC005",
         "input 'image'", '"image"'),
    Case("batch_shape_text", _json("batch_text", _set(("config", "layers", 0, "config", "batch_shape"), "224x224")),
         "SC009", "an input shape is a list", '"batch_shape"'),
    Case("history_not_triple", _json("history", _set(("config", "layers", 2, "inbound_nodes", 0, "args", 0, "config",
                                                      "keras_history"), ["hidden", "0"])),
         "SC009", "keras_history: [layer, call, output]", '"keras_history": ["hidden", "0"]'),
    Case("constant_to_a_layer", _json("constant", _set(("config", "layers", 2, "inbound_nodes", 0, "args"), [3.0])),
         "SC004", "call argument 3.0", "3.0]"),
    Case("unknown_call_keyword", _json("keyword", _set(("config", "layers", 2, "inbound_nodes", 0, "kwargs"),
                                                       {"return_attention_scores": True})),
         "SC004", "`return_attention_scores: True` is not modelled", '"return_attention_scores"'),
    Case("quantized_layer", _json("quantized", _set(("config", "layers", 2, "config", "quantization_config"),
                                                    {"mode": "int8"})),
         "SC004", "`quantization_config: {'mode': 'int8'}` is not modelled", '"quantization_config": {"mode"',
         summarized=["input_layer", "hidden"]),
    Case("unknown_config_key", _json("lora", _set(("config", "layers", 2, "config", "frobnicate"), 4)), "SC003",
         "Dense: unknown argument `frobnicate`", '"frobnicate"'),
    Case("bad_units", _json("bad_units", _set(("config", "layers", 2, "config", "units"), -2)), "SC004",
         "Dense: `units`", '"units": -2'),
    Case("custom_layer_partial", _json("custom", _custom_middle), "SC002",
         "custom layer (class FancyDense from module 'my_project.layers')", '"class_name": "FancyDense"',
         summarized=["input_layer", "side"]),
    Case("user_class_named_like_keras", _json("user_scale", _user_scale_layer), "SC002",
         "custom layer (class CustomScaleLayer from module 'my_project.layers')", '"class_name": "CustomScaleLayer"',
         summarized=["input_layer"]),
    Case("pairs_before_an_error", _json("emoji_then_key", _emoji_then_unknown_key), "SC003",
         "Dense: unknown argument `frobnicate`", '"frobnicate"'),
    Case("lone_surrogate_in_a_name", _json("lone", _set(("config", "layers", 1, "config", "name"), "hidden\ud800")),
         "SC001", "lone high surrogate (U+D800)", "\\ud800"),
    Case("not_utf8", _bytes("latin1.json", b'{"class_name": "Functional", "config": {"name": "caf\xe9"}}'), "SC001",
         "not UTF-8", position=(1, 53)),
    Case("hdf5_model", _bytes("model.h5", b"\x89HDF\r\n\x1a\n" + b"\x00" * 100), "SC001", "HDF5 file"),
    # .keras archives
    Case("archive_valid_control", _archive("valid", [("metadata.json", b"{}"), ("config.json", _config())]), "",
         "", summarized=["input_layer", "hidden", "out"]),
    Case("zip_bomb", _archive("bomb", [("config.json", BOMB)], zipfile.ZIP_DEFLATED), "SC008", "zip bomb"),
    Case("zip_bomb_lying_sizes", _patched("liar", [("config.json", BOMB)], _declared_small, zipfile.ZIP_DEFLATED),
         "SC001", "config.json is damaged"),
    Case("path_trick_parent", _archive("parent", [("../config.json", _config()), ("config.json", _config())]),
         "SC001", "a path outside the archive"),
    Case("path_trick_absolute", _archive("absolute", [("/etc/config.json", b"{}"), ("config.json", _config())]),
         "SC001", "a path outside the archive"),
    Case("two_configs", _archive("two", [("config.json", _config()), ("config.json", b"{}")]), "SC001",
         "2 members named config.json"),
    Case("no_config", _archive("no_config", [("metadata.json", b"{}"), ("model.weights.h5", b"")]), "SC001",
         "without config.json (it holds metadata.json, model.weights.h5)"),
    Case("encrypted", _patched("encrypted", [("config.json", _config())], lambda raw: _set_flag(raw, 1)), "SC001",
         "encrypted"),
    Case("bzip2_member", _archive("bzip2", [("config.json", _config())], zipfile.ZIP_BZIP2), "SC001",
         "zip method 12"),
    Case("truncated_archive", _truncated, "SC001", "not a complete zip archive"),
    Case("zip_magic_garbage", _bytes("garbage.keras", b"PK\x03\x04" + bytes(range(256)) * 8), "SC001",
         "not a complete zip archive"),
    Case("corrupt_deflate", _patched("corrupt", [("config.json", _config())],
                                     lambda raw: raw.replace(zlib.compress(b"")[2:-4] or b"\x03\x00", b"\x03\x00")
                                     [:40] + b"\xff" * 30 + raw[70:], zipfile.ZIP_DEFLATED), "SC001", "config.json"),
    Case("too_many_members", _many_members, "SC008", "10,002 members"),
    Case("config_not_utf8", _archive("latin1", [("config.json", b'{"a": "caf\xe9"}')]), "SC001", "not UTF-8",
         position=(1, 11)),
    Case("config_yaml_laughs", _archive("laughs", [("config.json", LAUGHS)]), "SC008", "values",
         position=(7, 8)),
    Case("config_python_tag", _archive("tag", [("config.json", b'{"class_name": !!python/name:os.system "x"}')]),
         "SC001", "tag", position=(1, 16)),
    Case("config_not_keras", _archive("ours", [("config.json", b'{"input": [4], "layers": ["Flatten"]}')]),
         "SC001", "not a Keras model config"),
    Case("archive_is_directory", _directory, "SC001", "is a directory"),
]
