"""Project configuration: `[tool.shapecalc]` in the nearest pyproject.toml, or a shapecalc.toml, as ruff finds its own.

Found by walking up from each model file's folder; the nearest file that has
a shapecalc section wins (a pyproject.toml without `[tool.shapecalc]` is
passed over). Keys:

    [tool.shapecalc]
    ignore = ["SC302"]                 # codes or prefixes
    select = ["SC1", "SC2"]            # keep only these (default: all)
    strict = true                      # warnings fail, as --strict
    per-file-ignores = {"specs/legacy/*.yaml" = ["SC201"]}   # globs, relative to the config's folder
    columns = ["output_shape", "params", "macs"]             # summarize's table columns, as --columns

A shapecalc.toml holds the same keys at its top level. The command line adds
to it: `--ignore` extends `ignore`, `--select` replaces `select`, `--strict`
turns strict on, `--columns` replaces `columns`.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from shapecalc.checks.suppress import Policy, invalid_codes, split_codes

KEYS = {"ignore", "select", "strict", "per-file-ignores", "columns"}


class ConfigError(Exception):
    """A configuration file shapecalc cannot use: the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    """One configuration file's settings, and the folder its globs are relative to."""

    folder: Path | None = None
    ignore: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    strict: bool = False
    per_file: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    columns: tuple[str, ...] = ()  # summarize's table columns (shapecalc.render.columns); () for Keras's

    def policy_for(self, path: str, ignore: tuple[str, ...], select: tuple[str, ...], strict: bool) -> Policy:
        extra: tuple[str, ...] = ()
        if self.folder is not None and self.per_file:
            relative = _relative(path, self.folder)
            extra = tuple(code for pattern, codes in self.per_file if fnmatch.fnmatch(relative, pattern)
                          for code in codes)
        return Policy(self.ignore + extra + ignore, select or self.select, strict or self.strict)


_FOUND: dict[Path, Config] = {}


def config_for(path: str) -> Config:
    """The configuration that governs the model file at `path` (an empty one when there is none)."""
    folder = Path(os.path.abspath(path)).parent
    visited = []
    found = Config()
    for candidate in (folder, *folder.parents):
        if candidate in _FOUND:
            found = _FOUND[candidate]
            break
        visited.append(candidate)
        loaded = _load_folder(candidate)
        if loaded is not None:
            found = loaded
            break
    for seen in visited:
        _FOUND[seen] = found
    return found


def _load_folder(folder: Path) -> Config | None:
    for name, table_path in (("shapecalc.toml", ()), ("pyproject.toml", ("tool", "shapecalc"))):
        file = folder / name
        if not file.is_file():
            continue
        table = _read_table(file, table_path)
        if table is not None:
            return _config(file, table)
    return None


_TOOL_SHAPECALC = re.compile(rb"tool[ \t]*\.[ \t]*[\"']?shapecalc[\"']?[ \t]*[\].=]")  # [tool.shapecalc], tool.shapecalc.x =
_TOOL_TABLE = re.compile(rb"(?m)^[ \t]*\[[ \t]*tool[ \t]*\]")  # [tool], then `shapecalc = {...}` or `shapecalc.x =`
_SHAPECALC_KEY = re.compile(rb"(?m)^[ \t]*[\"']?shapecalc[\"']?[ \t]*[.=]")


def _may_hold_table(raw: bytes) -> bool:
    """Whether a pyproject.toml may hold [tool.shapecalc]: never False when it does (a yes is then parsed)."""
    if _TOOL_SHAPECALC.search(raw):
        return True
    tool = _TOOL_TABLE.search(raw)
    return tool is not None and _SHAPECALC_KEY.search(raw, tool.end()) is not None


def _read_table(file: Path, table_path: tuple[str, ...]) -> dict | None:
    """The settings table of `file`. A pyproject.toml that cannot hold `[tool.shapecalc]` (no
    `tool.shapecalc` in any TOML spelling, no `shapecalc` key after a `[tool]` table) is not parsed:
    importing tomllib costs a pre-commit hook several ms on every run."""
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise ConfigError(f"{file}: cannot read it: {error}") from None
    if table_path and not _may_hold_table(raw):
        return None
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{file}: cannot read it: {error}") from None
    for key in table_path:
        data = data.get(key) if isinstance(data, dict) else None
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: [{'.'.join(table_path) or 'top level'}] must be a table")
    return data


def _config(file: Path, table: dict) -> Config:
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise ConfigError(f"{file}: unknown shapecalc setting {unknown[0]!r} (known: {', '.join(sorted(KEYS))})")
    strict = table.get("strict", False)
    if not isinstance(strict, bool):
        raise ConfigError(f"{file}: `strict` must be true or false")
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{file}: `per-file-ignores` must be a table of glob = [codes]")
    return Config(file.parent, _codes(file, "ignore", table.get("ignore", [])),
                  _codes(file, "select", table.get("select", [])), strict,
                  tuple((pattern, _codes(file, f"per-file-ignores.{pattern}", codes))
                        for pattern, codes in per_file.items()),
                  _columns(file, table["columns"]) if "columns" in table else ())


def _codes(file: Path, key: str, value: object) -> tuple[str, ...]:
    codes = split_codes(_strings(file, key, value, 'codes such as ["SC201", "SC3"]'))
    bad = invalid_codes(codes)
    if bad:
        raise ConfigError(f"{file}: `{key}`: {bad[0]!r} is not a code or code prefix (SC201, SC2)")
    return codes


def _columns(file: Path, value: object) -> tuple[str, ...]:
    """`columns = ["output_shape", "macs"]` (or one comma-separated string): names of the table's columns."""
    from shapecalc.render.columns import refusal, split_columns, unknown_column

    names = split_columns(_strings(file, "columns", value, 'column names such as ["output_shape", "macs"]'))
    bad = unknown_column(names)
    if bad is not None:
        raise ConfigError(f"{file}: {refusal(bad, '`columns`:')}")
    return names


def _strings(file: Path, key: str, value: object, what: str) -> list[str]:
    """A setting that is a list of strings (one string is a list of one)."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{file}: `{key}` must be a list of {what}")
    return value


def _relative(path: str, folder: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(folder).as_posix()
    except ValueError:
        return Path(path).as_posix()
