"""SC101 fix hints: when a dimension becomes zero or negative, say what would make it positive.

Each fix is tried, not guessed: `padding='same'` on the layer, the largest
kernel (or pool) size that fits, and the smallest model input for which the
layer computes (found by re-running the engine with doubling, then halving,
input sizes).
"""

from __future__ import annotations

import dataclasses

from shapecalc.checks.analyzed import AnalyzedModel, reanalyze, spatial, try_layer
from shapecalc.model import LayerSpec
from shapecalc.shapes import Shape, format_shape

KERNEL_FIELDS = ("kernel_size", "pool_size")
LARGEST_INPUT = 2**20


HINTED = 20  # SC101s that get fixes: each fix is tried, and thousands of tries would take seconds


def run(model: AnalyzedModel) -> None:
    hinted = 0
    for position, diagnostic in enumerate(model.diagnostics):
        if diagnostic.code != "SC101" or diagnostic.layer is None:
            continue
        hinted += 1
        if hinted > HINTED:
            break
        layer = model.layer_spec(diagnostic.layer)
        if layer is None:
            continue
        fixes = fix_options(model, layer)
        if fixes:
            model.diagnostics[position] = dataclasses.replace(
                diagnostic, message=f"{diagnostic.message}. Fix: {'; or '.join(fixes)}")


def fix_options(model: AnalyzedModel, layer: LayerSpec) -> list[str]:
    inputs = [model.shape_of(name) for name in model.sources(layer)]
    if any(shape is None for shape in inputs):
        return []
    fixes = []
    same = same_padding(layer, inputs)
    if same:
        fixes.append(same)
    smaller = smaller_kernel(layer, inputs)
    if smaller:
        fixes.append(smaller)
    larger = larger_input(model, layer)
    if larger:
        fixes.append(larger)
    return fixes


def same_padding(layer: LayerSpec, inputs: list[Shape]) -> str | None:
    """'same' padding (Keras), or the smallest integer padding that fits (PyTorch), if it computes."""
    args = layer.layer
    padding = getattr(args, "padding", None)
    if "padding" not in type(args).model_fields:
        return None
    if padding == "valid":
        candidates = ["same"]
    elif isinstance(padding, int) and not isinstance(padding, bool):
        kernel = next((getattr(args, f) for f in KERNEL_FIELDS if f in type(args).model_fields), None)
        widest = kernel if isinstance(kernel, int) else max(kernel or [1])
        smallest = smallest_working(padding + 1, widest // 2, lambda p: computes(args, inputs, {"padding": p}))
        candidates = [] if smallest is None else [smallest]
    else:
        return None
    for candidate in candidates:
        shape = try_layer(args, inputs, update={"padding": candidate})
        if shape is not None and not isinstance(shape, list):
            return f"padding={candidate!r} (gives {format_shape(shape)})"
    return None


def computes(args, inputs: list[Shape], update: dict) -> bool:
    shape = try_layer(args, inputs, update=update)
    return shape is not None and not isinstance(shape, list)


# Sizes in a file reach 2**40, so the searches below bisect rather than count:
# more padding, or a smaller window, only ever makes an output larger.
NEAR_ONE = 64  # below this a window can be refused for other reasons (torch: padding > kernel/2)


def smallest_working(low: int, high: int, works) -> int | None:
    """The smallest n in [low, high] with works(n), for a `works` that stays true once true."""
    if low > high or not works(high):
        return None
    while low < high:
        middle = (low + high) // 2
        if works(middle):
            high = middle
        else:
            low = middle + 1
    return low


def largest_working(top: int, works) -> int | None:
    """The largest n in [1, top] with works(n): bisection, then a short count down near 1."""
    low, high = 1, top
    while low < high:
        middle = (low + high + 1) // 2
        if works(middle):
            low = middle
        else:
            high = middle - 1
    if top >= 1 and works(low):
        return low
    return next((n for n in range(min(top, NEAR_ONE), 0, -1) if works(n)), None)


def smaller_kernel(layer: LayerSpec, inputs: list[Shape]) -> str | None:
    args = layer.layer
    for field in KERNEL_FIELDS:
        value = getattr(args, field, None) if field in type(args).model_fields else None
        if value is None:
            continue
        largest = value if isinstance(value, int) else max(value)
        size = largest_working(largest - 1, lambda n, field=field: try_layer(args, inputs, update={field: n}) is not None)
        return None if size is None else f"{field}={size} or smaller"
    return None


def larger_input(model: AnalyzedModel, layer: LayerSpec) -> str | None:
    """The smallest model input (spatial sizes raised to at least n) for which this layer computes."""
    if len(model.spec.inputs) != 1:
        return None
    ((name, shape),) = model.spec.inputs.items()
    batch_first = (model.spec.batch, *shape)
    sizes = spatial(batch_first, model.layout)
    if not sizes or None in sizes:
        return None
    budget = model.budget
    if not budget.left():  # each try re-runs the whole model: thousands of SC101s must not each try once
        return None

    def works(n: int) -> bool:
        candidate = reanalyze(model.spec, inputs={name: raised(model, batch_first, n)[1:]})
        return candidate is not None and layer.name in candidate.rows

    low, high = min(sizes), min(sizes) * 2
    while not works(high):
        if high > LARGEST_INPUT or not budget.left():
            return None
        low, high = high, high * 2
    while high - low > 1 and budget.left():
        middle = (low + high) // 2
        if works(middle):
            high = middle
        else:
            low = middle
    smallest = raised(model, batch_first, high)[1:]
    return f"a model input of at least {list(smallest)}"


def raised(model: AnalyzedModel, shape: Shape, n: int) -> Shape:
    """The shape with every spatial size raised to at least n."""
    first, last = (2, len(shape)) if model.layout == "channels_first" else (1, len(shape) - 1)
    return tuple(max(d, n) if first <= i < last and d is not None else d for i, d in enumerate(shape))
