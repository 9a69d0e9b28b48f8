"""The pre-commit hook, for real: `pre-commit try-repo` and the README's `.pre-commit-config.yaml`
pinned to a commit, on a snapshot of this checkout, a good and a bad model.

pre-commit installs the hook's Python environment from a git commit, so the
test copies the working tree's package files into a temporary repository and
commits them there: it tests the code as it is now, committed or not. pip
installs from the local wheel mirror; installing takes about half a minute
per run, so these runs are marked slow (still in the default run).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ROOT / ".pre-commit-hooks.yaml"
CASES = ROOT / "tests" / "diagnostics" / "cases"
PACKAGE_FILES = ["shapecalc", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml"]
GIT_ENV = {"GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com"}


def hook() -> dict:
    (entry,) = [h for h in yaml.safe_load(HOOKS.read_text()) if h["id"] == "shapecalc-check"]
    return entry


def test_hook_definition() -> None:
    entry = hook()
    assert entry["entry"] == "shapecalc check"
    assert entry["language"] == "python"


@pytest.mark.parametrize(("path", "matched"), [
    ("models/unet.yaml", True),
    ("specs/denoiser_24.yaml", True),
    ("ml/model/resnet.json", True),
    ("configs/encoder.model.yml", True),
    (".github/workflows/ci.yaml", False),
    ("docker-compose.yml", False),
    ("models/weights.h5", False),
])
def test_default_files_pattern(path: str, matched: bool) -> None:
    assert bool(re.search(hook()["files"], path)) is matched


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def snapshot(target: Path) -> Path:
    """A git repository holding this checkout's package files as they are on disk, committed."""
    target.mkdir()
    for name in PACKAGE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot")
    return target


@pytest.fixture(scope="module")
def repos(tmp_path_factory) -> tuple[Path, Path]:
    if shutil.which("git") is None:
        pytest.skip("git is needed")  # not a test extra; CI (tests/conftest.py) fails on this skip
    base = tmp_path_factory.mktemp("precommit")
    source = snapshot(base / "shapecalc")
    work = base / "project"
    (work / "models").mkdir(parents=True)
    shutil.copy(CASES / "clean_denoiser_28.yaml", work / "models" / "good.yaml")
    shutil.copy(CASES / "SC102_wrong_rank.yaml", work / "models" / "bad.yaml")
    git(work, "init", "-q")
    git(work, "add", "-A")
    return source, work


def try_repo(source: Path, work: Path, *files: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(work.parent / "pre-commit-home")}
    # pre-commit through this interpreter: it is a test extra, found whether or not the venv is activated
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(source), "shapecalc-check", "--files", *files],
                          cwd=work, capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
def test_hook_passes_a_good_model(repos) -> None:
    done = try_repo(*repos, "models/good.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"shapecalc check\.+Passed", done.stdout)


@pytest.mark.slow
def test_hook_fails_a_bad_model_with_its_location(repos) -> None:
    done = try_repo(*repos, "models/good.yaml", "models/bad.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"shapecalc check\.+Failed", done.stdout)
    assert "models/bad.yaml:6:5: error[SC102]" in done.stdout
    assert "models/good.yaml" not in done.stdout.split("Failed", 1)[1]


README = ROOT / "README.md"


def readme_config() -> str:
    """The `.pre-commit-config.yaml` the README shows, as text (comments and all)."""
    blocks = re.findall(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "the README shows one .pre-commit-config.yaml"
    return blocks[0]


def pinned(config: str, repo: Path, rev: str) -> str:
    """The README's config with its placeholder `repo:` URL and `rev:` replaced, nothing else changed."""
    config, repos = re.subn(r"(?m)^(\s*- repo: )\S+", lambda m: m[1] + str(repo), config)
    config, revs = re.subn(r"(?m)^(\s*rev: )\S+", lambda m: m[1] + rev, config)
    assert (repos, revs) == (1, 1), config
    return config


def test_readme_config_names_the_hook_and_a_commit() -> None:
    (entry,) = yaml.safe_load(readme_config())["repos"]
    assert [hook["id"] for hook in entry["hooks"]] == [hook()["id"]]
    assert re.fullmatch(r"[0-9a-f]{40}", str(entry["rev"])), "rev: pins a commit (no release is tagged)"


def pre_commit_run(work: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"],
                          cwd=work, capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
def test_readme_config_pinned_to_a_commit(repos, tmp_path: Path) -> None:
    """`pre-commit run --all-files` with the README's config, `repo:` a local clone and `rev:` its HEAD sha:
    the hook fails on the bad model, at its place, and passes once only the good one is left."""
    source, _ = repos
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True, check=True).stdout.strip()
    work = tmp_path / "project"
    (work / "models").mkdir(parents=True)
    shutil.copy(CASES / "clean_denoiser_28.yaml", work / "models" / "good.yaml")
    shutil.copy(CASES / "SC102_wrong_rank.yaml", work / "models" / "bad.yaml")
    (work / ".pre-commit-config.yaml").write_text(pinned(readme_config(), source, rev), encoding="utf-8")
    git(work, "init", "-q")
    git(work, "add", "-A")
    home = tmp_path / "pre-commit-home"

    failed = pre_commit_run(work, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"shapecalc check\.+Failed", failed.stdout)
    assert "models/bad.yaml:6:5: error[SC102]" in failed.stdout
    assert "models/good.yaml" not in failed.stdout.split("Failed", 1)[1]

    git(work, "rm", "-q", "--cached", "models/bad.yaml")
    (work / "models" / "bad.yaml").unlink()
    passed = pre_commit_run(work, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"shapecalc check\.+Passed", passed.stdout)
