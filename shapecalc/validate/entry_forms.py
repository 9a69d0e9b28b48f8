"""The four ways a layer entry may be written, read into (type name, arguments, where the arguments are).

`TypeName`, `TypeName: {args}`, `TypeName: value` (the class's primary
argument) and `TypeName: [positional, ...]` (bound as the framework's own
call binds them, layers/positional.py), plus `{type: TypeName, ...}`. A
mixin of the validator (validate/__init__.py): it reports through its
`problem()` and remembers where a positional value was written.
"""

from __future__ import annotations

from typing import Any

from shapecalc.layers.spelling import plain_type_name
from shapecalc.model import ARGS_KEY
from shapecalc.reading import DocPath


class EntryForms:
    """Reading an entry's form; needs `lookup`, `doc_framework`, `problem` and `bound_paths` of the validator."""

    def entry_form(self, entry: Any, path: DocPath) -> tuple[str, dict[str, Any], DocPath] | None:
        """Type name, arguments and the arguments' document path of one of the three entry forms."""
        if isinstance(entry, str):
            return entry, {}, path
        if isinstance(entry, dict) and "type" in entry:
            args = dict(entry)
            type_name = args.pop("type")
            if isinstance(type_name, str):
                return self.positional_form(type_name, args, path) if ARGS_KEY in args else (type_name, args, path)
            self.problem("SC004", "`type:` must be a layer type name", path + ("type",))
            return None
        if isinstance(entry, dict) and len(entry) == 1:
            ((type_name, value),) = entry.items()
            if not isinstance(type_name, str):
                self.problem("SC004", f"a layer type name must be text, not {type_name!r}", path)
                return None
            args_path = path + (type_name,)
            if value is None:
                return type_name, {}, args_path
            if isinstance(value, dict):
                args = dict(value)
                return self.positional_form(type_name, args, args_path) if ARGS_KEY in args else (type_name, args, args_path)
            if isinstance(value, list):
                return self.positional_form(type_name, value, args_path)
            return self.scalar_form(type_name, value, args_path)
        self.problem(
            "SC009",
            "a layer entry is `TypeName`, `TypeName: {args}`, `TypeName: value` or `{type: TypeName, ...}`",
            path,
        )
        return None

    def scalar_form(self, type_name: str, value: Any, args_path: DocPath) -> tuple[str, dict[str, Any], DocPath] | None:
        cls = self.lookup(self.doc_framework, plain_type_name(type_name))
        if cls is None:
            return type_name, {}, args_path  # reported as an unknown type by the caller
        if cls.primary is None:
            self.problem(
                "SC004",
                f"{type_name} has no single primary argument: write `{type_name}: {{argument: value, ...}}`",
                args_path,
            )
            return None
        return type_name, {cls.primary: value}, args_path

    def positional_form(self, type_name: str, value: Any, args_path: DocPath) -> tuple[str, dict[str, Any], DocPath] | None:
        """`Type: [3, 16, 3]` or `Type: {args: [...], ...}` bound as the framework's call binds them
        (layers/positional.py); any other mapping as written, any other value as the scalar form."""
        from shapecalc.layers.positional import PositionalError, positional_arguments

        cls = self.lookup(self.doc_framework, plain_type_name(type_name))
        try:
            found = positional_arguments(cls, self.doc_framework, plain_type_name(type_name), value, args_path)
        except PositionalError as error:
            self.problem("SC004", error.message, error.path)
            return None
        if found is not None:
            self.bound_paths.update(found[1])
            return type_name, found[0], args_path
        return (type_name, value, args_path) if isinstance(value, dict) else self.scalar_form(type_name, value, args_path)

    def where_written(self, path: DocPath) -> DocPath:
        """`path` with an argument given positionally replaced by the place of its value in the list."""
        for end in range(len(path), 0, -1):
            found = self.bound_paths.get(path[:end])
            if found is not None:
                return found + path[end:]
        return path
