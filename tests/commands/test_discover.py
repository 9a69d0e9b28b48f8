"""`check DIR` checks the model files under a folder: the hook's default pattern, .gitignore and --exclude honoured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLOORS = "input: [7, 7, 1]\nlayers:\n  - MaxPooling2D: 2\n"  # 7 -> 3: (7 - 2) mod 2 = 1 row and column dropped


def tree(top: Path) -> None:
    for relative in ("models/a.yaml", "models/build/b.yaml", "nets/c.model.yaml", "notes/d.yaml",
                     "specs/.hidden/e.yaml", "specs/old/f.yaml"):
        path = top / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(FLOORS, encoding="utf-8")


def checked(top: Path, *options: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "shapecalc", "check", *options, "."], capture_output=True,
                          text=True, cwd=top, env=env)
    assert done.returncode == 0, done.stderr
    return sorted(line.split(":", 1)[0] for line in done.stdout.splitlines())


def test_a_folder_outside_git_gives_the_hook_pattern_files_without_hidden_folders(tmp_path: Path) -> None:
    tree(tmp_path)
    assert checked(tmp_path) == ["./models/a.yaml", "./models/build/b.yaml", "./nets/c.model.yaml",
                                 "./specs/old/f.yaml"]


def test_a_git_work_tree_leaves_out_what_gitignore_ignores(tmp_path: Path) -> None:
    tree(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("build/\n", encoding="utf-8")
    assert checked(tmp_path) == ["./models/a.yaml", "./nets/c.model.yaml", "./specs/.hidden/e.yaml",
                                 "./specs/old/f.yaml"]


def test_exclude_globs_match_the_path_or_any_part(tmp_path: Path) -> None:
    tree(tmp_path)
    assert checked(tmp_path, "--exclude", "old,*.model.yaml", "--exclude=./models/build/*") == ["./models/a.yaml"]


def test_a_folder_without_model_files_is_reported_not_passed(tmp_path: Path) -> None:
    (tmp_path / "nets").mkdir()
    (tmp_path / "nets" / "a.yaml").write_text(FLOORS, encoding="utf-8")  # not under models/ or specs/
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "shapecalc", "check", "nets"], capture_output=True, text=True,
                          cwd=tmp_path, env=env)
    assert (done.returncode, done.stdout) == (2, "nets:1:1: error[SC001] nets is a directory, not a model file\n")
