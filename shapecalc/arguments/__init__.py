"""Layer and file arguments: how they are declared, quickly accepted, and fully validated.

    declarative.py  `Declared`: argument classes written like pydantic models, validated lazily
    types.py        the shared argument types (PositiveInt, Padding, ...), `as_tuple`, ArgumentError
    bounds.py       numeric bounds (Gt, Ge, Lt, Le) that cost nothing to import
    quickcheck.py   the yes/maybe check from the annotations; `validated()` falls back to pydantic

Nothing here knows a layer type or a model file: layers, records and the
validator all build on it.
"""
