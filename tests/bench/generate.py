"""Writes large synthetic model files for the scale benchmark: a sequential stack and a residual graph."""

from __future__ import annotations

from pathlib import Path


def sequential(layers: int) -> str:
    """`layers` layers alternating Dense(16) and Activation, on a 16-feature input."""
    lines = ["model: big_sequential", "input: [16]", "layers:"]
    for i in range(layers):
        lines.append("  - Dense: 16" if i % 2 == 0 else "  - Activation: relu")
    return "\n".join(lines) + "\n"


def graph(layers: int) -> str:
    """A residual chain: every third layer adds the block's input back (a functional model)."""
    lines = ["model: big_graph", "inputs:", "  x: [16]", "layers:"]
    block_input = "x"
    for i in range(layers):
        if i % 3 == 2:
            lines.append(f"  - Add: {{name: add_{i}, inputs: [l{i - 1}, {block_input}]}}")
            block_input = f"add_{i}"
        else:
            source = block_input if i % 3 == 0 else f"l{i - 1}"
            lines.append(f"  - Dense: {{units: 16, name: l{i}, inputs: [{source}]}}")
    return "\n".join(lines) + "\n"


def write(folder: Path, kind: str, layers: int) -> Path:
    text = sequential(layers) if kind == "sequential" else graph(layers)
    path = folder / f"{kind}_{layers}.yaml"
    path.write_text(text)
    return path
