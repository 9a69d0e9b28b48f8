"""Unknown layer types (SC002) and pydantic's validation errors as one located message per argument, in the
file's own words.

A mixin of the validator (validate/__init__.py): it reports through its
`problem()`, and finds where an argument was written (as a key, or as a
positional value) in the document's positions.
"""

from __future__ import annotations

from typing import Any

from shapecalc.reading import DocPath


class ValidationReports:
    """Reporting unknown types and argument errors; needs `problem`, `doc`, `bound_paths`, `undeclared` and
    `unknown_key_message` of the validator."""

    def unknown_type(self, type_name: str, framework: str, path: DocPath, name: str | None = None) -> None:
        """SC002 with the nearest known name, and the other framework's when the name belongs there.

        The diagnostic names the entry by its `name:` when it has one; an unnamed
        entry of an unknown type has no name to give (no type, no auto name).
        """
        from shapecalc.layers.registry import TABLES, suggest

        if type_name in self.undeclared:
            return
        hint = suggest(framework, type_name)
        hint_text = f"; did you mean {hint}?" if hint else ""
        if framework == "keras" and isinstance(type_name, str) and type_name in TABLES["pytorch"]:
            hint_text += f" ({type_name} is a PyTorch name: is `framework: pytorch` missing?)"
        elif framework == "pytorch" and isinstance(type_name, str) and type_name in TABLES["keras"]:
            hint_text += f" ({type_name} is a Keras name; this file says `framework: pytorch`)"
        self.problem("SC002", f"unknown {framework} layer type {short_repr(type_name)}{hint_text}", path, name)

    def report_validation(self, error: Any, base: DocPath, what: str, layer: str | None) -> None:
        """One message per argument: pydantic reports every union branch, a person needs the first.

        A misspelt required argument (`kernal_size`) is one mistake: it is
        reported once, as the unknown argument with its "did you mean", and not
        again as the missing one.
        """
        items = error.errors(include_url=False)
        reported: set[Any] = set(_misspelt_required(items))
        for item in items:
            loc = tuple(item.get("loc", ()))
            argument = next((part for part in loc if isinstance(part, str)), None)
            if argument in reported:
                continue
            reported.add(argument)
            path = self.written_path(base, loc)
            kind = item.get("type", "")
            if kind == "extra_forbidden":
                self.problem("SC003", self.unknown_key_message(what, argument), path, layer)
            elif kind == "missing":
                self.problem("SC004", f"{what}: missing required argument `{argument}`", path, layer)
            else:
                subject = f"`{argument}`" if argument else "value"
                received = short_repr(item.get("input"))
                self.problem("SC004", f"{what}: {subject}: {item.get('msg', 'invalid')} (received {received})", path, layer)

    def written_path(self, base: DocPath, loc: tuple[Any, ...]) -> DocPath:
        """The longest prefix of `loc` (skipping pydantic's union-branch labels) written in the file."""
        path = base
        for part in loc:
            candidate = path + (part,)
            if candidate in self.doc.positions or candidate in self.bound_paths:
                path = candidate
        return path


def _misspelt_required(items: list[dict[str, Any]]) -> list[str]:
    """Missing arguments that an unknown argument of the same entry is probably a misspelling of."""
    import difflib

    def names(kind: str) -> list[str]:
        return [str(item["loc"][0]) for item in items if item.get("type") == kind and item.get("loc")]

    missing, unknown = names("missing"), names("extra_forbidden")
    return [name for name in missing if difflib.get_close_matches(name, unknown, n=1, cutoff=0.6)]


def short_repr(value: Any) -> str:
    """A repr that costs little whatever the value: aliases can make a list of 50,000 long strings."""
    import reprlib

    shortener = reprlib.Repr()
    shortener.maxstring = shortener.maxother = 60
    shortener.maxlist = shortener.maxdict = 6
    text = shortener.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
