"""`check DIR`: the model files under a folder, found as the pre-commit hook finds them.

A folder given to `check` is walked for files matching the hook's default
pattern (`.pre-commit-hooks.yaml`): YAML/JSON under a `models/` or `specs/`
folder, or named `*.model.yaml` / `*.model.json`. Inside a git work tree the
files git ignores (`.gitignore`, `.git/info/exclude`, the global excludes) are
left out, by asking git itself, which knows every rule of that format;
outside one, hidden folders are skipped. `--exclude GLOB` leaves out paths a
glob matches (the whole path as written, or any one of its parts).
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess

MODEL_FILES = re.compile(r"(^|/)(models?|specs?)/.+\.(ya?ml|json)$|\.model\.(ya?ml|json)$")


def expand(paths: list[str], exclude: list[str] | None = None) -> list[str]:
    """Files as given, folders replaced by the model files under them (sorted), minus the excluded.

    A folder holding no model file stays in the list, so that `check` says so (SC001, "is a directory")
    instead of passing in silence on a layout the default pattern does not fit."""
    globs = [glob for value in exclude or () for glob in value.split(",") if glob]
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            matched = sorted(candidate for candidate in _files_under(path) if MODEL_FILES.search(candidate))
            found.extend(matched or [path])  # none: the folder itself is reported ("is a directory")
        else:
            found.append(path)
    return [path for path in found if not _excluded(path, globs)]


def _excluded(path: str, globs: list[str]) -> bool:
    parts = path.replace(os.sep, "/").split("/")
    return any(fnmatch.fnmatch(path, glob) or any(fnmatch.fnmatch(part, glob) for part in parts) for glob in globs)


def _files_under(folder: str) -> list[str]:
    listed = _git_files(folder)
    if listed is not None:
        return listed
    files = []
    for root, folders, names in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        files.extend(os.path.join(root, name) for name in names)
    return [path.replace(os.sep, "/") for path in files]


def _git_files(folder: str) -> list[str] | None:
    """The files under `folder` that git does not ignore (tracked or not), or None outside a work tree."""
    try:
        done = subprocess.run(["git", "-C", folder, "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                               "--deduplicate", "."], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    names = [name for name in done.stdout.decode("utf-8", "surrogateescape").split("\0") if name]
    base = folder.rstrip("/") or "/"
    return [f"{base}/{name}" for name in names if os.path.isfile(os.path.join(folder, name))]
