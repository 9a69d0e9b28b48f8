"""What a torch module holds, for comparing a spec with it: each leaf module's path, output shape and parameters."""

from __future__ import annotations

from typing import Any


def leaf_modules(model: Any, example: Any) -> dict[str, tuple[list[int], int]]:
    """{`layer1_0_conv1`: (output shape of its first call, parameter count)} for every module without children."""
    import torch

    shapes: dict[str, list[int]] = {}

    def record(name: str) -> Any:  # a hook returning a value would replace the module's output
        def hook(module: Any, inputs: object, output: Any) -> None:
            shapes.setdefault(name, list(output.shape))
        return hook

    leaves = {name: module for name, module in model.named_modules() if name and not list(module.children())}
    for name, module in leaves.items():
        module.register_forward_hook(record(name))
    with torch.no_grad():
        model.eval()(example)
    return {name.replace(".", "_"): (shapes[name], sum(p.numel() for p in module.parameters()))
            for name, module in leaves.items()}


def torchinfo_rows(model: Any, input_size: tuple[int, ...], depth: int) -> dict[str, tuple[int, list[int]]]:
    """torchinfo's rows at `depth` (and the shallower leaves), by module path: (parameters, output shape)."""
    import torchinfo

    listed = torchinfo.summary(model, input_size=input_size, depth=depth, verbose=0).summary_list
    rows: dict[str, tuple[int, list[int]]] = {}
    for info in listed:
        if not 1 <= info.depth <= depth:
            continue
        path, parent = [info.var_name], info.parent_info
        while parent is not None and parent.depth >= 1:
            path.insert(0, parent.var_name)
            parent = parent.parent_info
        if info.depth == depth or not list(info.module.children()):
            rows.setdefault("_".join(path), (info.num_params, list(info.output_size)))
    return rows
