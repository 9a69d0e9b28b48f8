"""The `blocks:` section: each block's parameters, inputs, output and layers, checked before any use.

    blocks:
      bottleneck:
        params: {filters: 64, stride: 1}   # name -> default (null is a value like any other)
        inputs: [x]                        # optional; default [x]
        output: out                        # optional; default the block's last entry
        layers:
          - Conv2D: {filters: 4 * filters, kernel_size: 1, strides: stride, name: 0_conv, inputs: [x]}
          ...

A block may use other blocks; a block that uses itself, directly or through
others, is refused (SC007) where the use closing the circle is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shapecalc.reading.document import DocPath

BLOCK_KEYS = ("params", "inputs", "output", "layers")
USE_KEYS = ("name", "inputs", "repeat")  # what a use writes besides the block's parameters
REPEAT_INDEX = "i"
PLACEHOLDER = "\x00"  # starts a reference to an entry not yet named: "\x00<index>", or "\x00in" for the model input
MODEL_INPUT = PLACEHOLDER + "in"
MAX_NESTING = 32  # blocks within blocks; deeper than any real architecture
_IDENTIFIER = re.compile(r"[A-Za-z_]\w{0,63}\Z")

Report = Callable[[str, str, DocPath], None]  # (code, message, path)


@dataclass(frozen=True)
class Block:
    """One validated block definition."""

    name: str
    params: dict[str, Any]
    inputs: tuple[str, ...]
    output: str | None
    layers: list[Any]
    path: DocPath
    kind: str = "block"  # or a nested model: "keras_model" (names as written), "torch_sequential" (name_<index>)


def entry_type(entry: Any) -> str | None:
    """The type name a layer entry is written with, in any of the three forms; None if it has none."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict):
        if "type" in entry:
            written = entry["type"]
            return written if isinstance(written, str) else None
        if len(entry) == 1:
            (key,) = entry
            return key if isinstance(key, str) else None
    return None


def read_blocks(section: Any, framework: str, report: Report) -> dict[str, Block]:
    """The blocks of a `blocks:` mapping; each problem is reported and its block left out."""
    if not isinstance(section, dict):
        report("SC009", "`blocks:` is a mapping of block names to {params, inputs, output, layers}", ("blocks",))
        return {}
    from shapecalc.layers.registry import lookup

    blocks: dict[str, Block] = {}
    for name, body in section.items():
        path: DocPath = ("blocks", name)
        if lookup(framework, name) is not None:
            report("SC004", f"block name {name!r} is a {framework} layer type; give the block another name", path)
            continue
        block = _read_block(name, body, path, report)
        if block is not None:
            blocks[name] = block
    return blocks


def _read_block(name: str, body: Any, path: DocPath, report: Report) -> Block | None:
    if not isinstance(body, dict):
        report("SC009", f"block {name!r}: a block is a mapping with `layers:` (and `params:`, `inputs:`, `output:`)", path)
        return None
    ok = True
    for key in body:
        if key not in BLOCK_KEYS:
            report("SC003", f"block {name!r}: unknown key `{key}`; a block has {', '.join(BLOCK_KEYS)}", path + (key,))
            ok = False
    params = body.get("params") or {}
    if not isinstance(params, dict):
        report("SC009", f"block {name!r}: `params:` maps each parameter to its default", path + ("params",))
        return None
    for param in params:
        if not _IDENTIFIER.match(param) or param in USE_KEYS or param == REPEAT_INDEX:
            why = "is reserved" if param in (*USE_KEYS, REPEAT_INDEX) else "is not a name arithmetic can use"
            report("SC004", f"block {name!r}: parameter {param!r} {why}", path + ("params", param))
            ok = False
    inputs = body.get("inputs", ["x"])
    inputs = [inputs] if isinstance(inputs, str) else inputs
    if not isinstance(inputs, list) or not inputs or not all(isinstance(i, str) and _IDENTIFIER.match(i) for i in inputs):
        report("SC004", f"block {name!r}: `inputs:` is a list of names for the block's input tensors", path + ("inputs",))
        ok = False
    output = body.get("output")
    if output is not None and not isinstance(output, str):
        report("SC004", f"block {name!r}: `output:` names the layer whose output the block gives", path + ("output",))
        ok = False
    layers = body.get("layers")
    if not isinstance(layers, list) or not layers:
        report("SC009", f"block {name!r}: `layers:` lists the block's layer entries (at least one)", path + ("layers",))
        ok = False
    if not ok:
        return None
    return Block(name, dict(params), tuple(inputs), output, layers, path)


def refuse_recursion(blocks: dict[str, Block], report: Report) -> bool:
    """Report a block that uses itself (through any chain of blocks); True when there is none."""
    state: dict[str, int] = {}  # 1 on the current chain, 2 done

    def visit(name: str, chain: list[str]) -> bool:
        if len(chain) >= MAX_NESTING:
            report("SC008", f"blocks nested more than {MAX_NESTING} deep ({' -> '.join(chain[:3])} -> ...)", blocks[name].path)
            return False
        state[name] = 1
        for index, entry in enumerate(blocks[name].layers):
            used = entry_type(entry)
            if used not in blocks:
                continue
            if state.get(used) == 1:
                circle = chain[chain.index(used):] + [name, used] if used in chain else [name, used]
                report("SC007", f"block {name!r} uses itself: {' -> '.join(circle)}; blocks cannot be recursive",
                       blocks[name].path + ("layers", index))
                return False
            if not state.get(used) and not visit(used, chain + [name]):
                return False
        state[name] = 2
        return True

    return all(state.get(name) == 2 or visit(name, []) for name in blocks)
