"""Blocks: named, parameterised sub-graphs written once in `blocks:` and used like layers.

definitions.py reads the `blocks:` section, expression.py evaluates the small
integer arithmetic arguments may hold, substitute.py puts parameters into
arguments, expand.py writes the uses out as plain layer entries, and
stage.py is the pipeline's step between reading and validation (and the
step after it that gives layers their block paths).
"""


def needs_expansion(data: object) -> bool:
    """Whether a file uses blocks or nests a model: only then is the blocks stage imported (start-up time)."""
    if type(data) is not dict:
        return False
    return "blocks" in data or has_nested_model(data.get("layers"))


NESTED_MODEL_TYPES = ("Sequential", "Functional")


def has_nested_model(layers: object) -> bool:
    """Whether `layers:` holds a model used as a layer (`Sequential: {layers: [...]}`, `Functional: ...`)."""
    if type(layers) is not list:
        return False
    for entry in layers:
        if type(entry) is dict:
            if "type" in entry:
                args = entry if entry["type"] in NESTED_MODEL_TYPES else None
            else:
                args = next((entry[key] for key in NESTED_MODEL_TYPES if key in entry), None)
            if type(args) is dict and "layers" in args:
                return True
    return False
