"""Which diagnostics the user has accepted: `# shapecalc: ignore[...]` comments, --ignore/--select, configuration.

Linters people like (ruff, flake8, mypy, yamllint) let a warning be accepted
where it stands, for a whole file, from the command line and from the
project's configuration; this module does the same in shapecalc's terms:

    - Conv2D: {filters: 8, kernel_size: 3}   # shapecalc: ignore[SC201,SC302]   this layer
    - MaxPooling2D: 2                        # shapecalc: ignore                 every warning/info here
    # shapecalc: ignore-file[SC302]                                             anywhere: the whole file

A code may be a prefix (`SC3` is every SC3xx). Errors are never suppressed:
a model that a framework refuses cannot be accepted by a comment. A comment
that suppresses nothing is reported as SC220, under --strict only, so that
stale suppressions do not pile up unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shapecalc.codes import ERROR, WARNING, Code
from shapecalc.diagnostics import Diagnostic

SC220 = Code("SC220", WARNING, "unused suppression",
             "a `# shapecalc: ignore` comment that suppresses nothing (reported under --strict only)")

_COMMENT = re.compile(r"(?:^|\s)#\s*shapecalc:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?")
_CODE = re.compile(r"SC\d{0,3}")


@dataclass(frozen=True)
class Policy:
    """What the command line and the configuration say to leave out; empty `select` keeps every code."""

    ignore: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    strict: bool = False

    def drops(self, code: str) -> bool:
        if self.select and not code.startswith(self.select):
            return True
        return bool(self.ignore) and code.startswith(self.ignore)


@dataclass
class Comment:
    """One suppression comment: its place, whether it covers the whole file, and its codes (None: bare)."""

    line: int
    column: int
    whole_file: bool
    codes: tuple[str, ...] | None
    used: set[str] = field(default_factory=set)

    def covers(self, diagnostic: Diagnostic, layer_lines: dict[str, int]) -> bool:
        if diagnostic.severity == ERROR:
            return False
        if not self.whole_file and diagnostic.line != self.line and layer_lines.get(diagnostic.layer or "") != self.line:
            return False
        if self.codes is None:
            self.used.add("")
            return True
        matched = [code for code in self.codes if diagnostic.code.startswith(code)]
        self.used.update(matched)
        return bool(matched)


def split_codes(values: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """`["SC201,SC3", "SC302"]` -> ("SC201", "SC3", "SC302"): repeatable and comma-separated alike."""
    return tuple(code.strip().upper() for value in values or () for code in value.split(",") if code.strip())


def invalid_codes(codes: tuple[str, ...]) -> list[str]:
    """The codes that are not a code or a code prefix (`SC2`, `SC201`)."""
    return [code for code in codes if not _CODE.fullmatch(code)]


def read_comments(text: str) -> list[Comment]:
    """Every suppression comment in a model file's text, 1-based line and column of its `#`."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "shapecalc:" not in line:
            continue
        match = _COMMENT.search(line)
        if match is None:
            continue
        codes = None if match.group(2) is None else split_codes([match.group(2)])
        column = line.index("#", match.start()) + 1
        found.append(Comment(number, column, match.group(1) == "ignore-file", codes))
    return found


def apply(diagnostics: list[Diagnostic], comments: list[Comment], policy: Policy,
          layer_lines: dict[str, int], path: str) -> list[Diagnostic]:
    """The diagnostics left once comments and policy have taken theirs; SC220 for unused comments under --strict."""
    kept = []
    for diagnostic in diagnostics:
        if diagnostic.severity != ERROR and policy.drops(diagnostic.code):
            continue
        covering = [comment for comment in comments if comment.covers(diagnostic, layer_lines)]
        if not covering:
            kept.append(diagnostic)
    if policy.strict and not policy.drops("SC220"):
        kept.extend(_unused(comments, path))
    return sorted(kept, key=Diagnostic.sort_key)


def _unused(comments: list[Comment], path: str) -> list[Diagnostic]:
    unused = []
    for comment in comments:
        wanted = ("",) if comment.codes is None else comment.codes
        idle = [code for code in wanted if code not in comment.used]
        if not idle:
            continue
        what = "this suppression" if comment.codes is None else "suppression of " + ", ".join(idle)
        unused.append(Diagnostic("SC220", f"{what} suppresses nothing here: remove it", None,
                                 comment.line, comment.column, path))
    return unused
