"""`shapecalc check FILE...`: one line per problem in every file, for pre-commit and CI."""

from __future__ import annotations

import os
import sys

from shapecalc.commands.pipeline import accepted, analyze_path, report_internal_error
from shapecalc.diagnostics import Diagnostic
from shapecalc.render.github import github_line
from shapecalc.render.lines import diagnostic_line


def run(paths: list[str], strict: bool, output_format: str, ignore: list[str] | None = None,
        select: list[str] | None = None, exclude: list[str] | None = None) -> int:
    """Check every file (a broken one does not stop the rest), a folder's model files too; the worst exit code wins."""
    from shapecalc.commands.options import codes_option

    accepting = (codes_option(ignore, "--ignore"), codes_option(select, "--select"))
    if None in accepting:
        return 2
    if exclude or any(os.path.isdir(path) for path in paths):
        from shapecalc.commands.discover import expand

        paths = expand(paths, exclude)
    found, worst = check_all(paths, strict, accepting)
    found.sort(key=Diagnostic.sort_key)
    render = github_line if output_format == "github" else diagnostic_line
    sys.stdout.write("".join(render(d) + "\n" for d in found))
    return worst


Accepting = tuple[tuple[str, ...], tuple[str, ...]]  # (--ignore, --select) codes


def check_files(paths: list[str], strict: bool, accepting: Accepting = ((), ())) -> tuple[list[Diagnostic], int]:
    """The diagnostics of `paths`, one after the other, and the worst exit code among them."""
    from shapecalc.commands.config import ConfigError

    worst = 0
    found: list[Diagnostic] = []
    for path in paths:
        try:
            outcome, file_strict = accepted(analyze_path(path), *accepting, strict)
        except ConfigError as error:
            sys.stderr.write(f"{error}\n")
            worst = 2
            continue
        except Exception as error:  # a bug in shapecalc must not cost the other files their check
            report_internal_error(path, error)
            worst = 2
            continue
        found.extend(outcome.diagnostics)
        worst = max(worst, outcome.exit_code(file_strict))
    return found, worst


# Below this many files a second process costs more than it saves.
PARALLEL_FROM = 12


def check_all(paths: list[str], strict: bool, accepting: Accepting = ((), ())) -> tuple[list[Diagnostic], int]:
    """Like `check_files`, but on several cores when there are many files (as linters do with -j).

    The work is split by forking after start-up, so the children share the
    imported modules; each sends its diagnostics back through a pipe. A child
    that fails for any reason has its share checked again here, so the result
    never depends on whether parallelism worked.
    """
    workers = _worker_count(len(paths))
    if workers == 1:
        return check_files(paths, strict, accepting)
    found, worst = check_files(paths[:1], strict, accepting)  # warms the shared modules once, before the fork
    rest = paths[1:]
    children = [_fork_worker(rest[index::workers], strict, accepting) for index in range(1, workers)]
    mine, mine_worst = check_files(rest[0::workers], strict, accepting)
    found.extend(mine)
    worst = max(worst, mine_worst)
    for index, child in enumerate(children, start=1):
        result = _collect(child)
        if result is None:
            result = check_files(rest[index::workers], strict, accepting)
        found.extend(result[0])
        worst = max(worst, result[1])
    return found, worst


def _worker_count(files: int) -> int:
    """How many processes share the files: SHAPECALC_JOBS=N asks for exactly N (1: no fork at all);
    otherwise one per core, once there are enough files to pay for a fork."""
    import os

    if not hasattr(os, "fork"):
        return 1
    requested = os.environ.get("SHAPECALC_JOBS", "")
    if requested.isdigit() and int(requested) >= 1:
        return max(1, min(int(requested), files - 1))  # the first file is checked before any fork
    if files < PARALLEL_FROM:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, files // (PARALLEL_FROM // 2)))


def _fork_worker(paths: list[str], strict: bool, accepting: Accepting) -> tuple[int, int] | None:
    """Start a child that checks `paths`; (pid, read end of its pipe), or None if fork failed."""
    import marshal
    import os

    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid:
        os.close(write_end)
        return pid, read_end
    status = 1
    try:  # the child: never returns into the caller's code
        os.close(read_end)
        found, worst = check_files(paths, strict, accepting)
        rows = [(d.code, d.message, d.layer, d.line, d.column, d.path) for d in found]
        payload = marshal.dumps((rows, worst))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        status = 0
    finally:
        os._exit(status)


def _collect(child: tuple[int, int] | None) -> tuple[list[Diagnostic], int] | None:
    """A child's diagnostics, or None if it did not finish cleanly."""
    import marshal
    import os

    if child is None:
        return None
    pid, read_end = child
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    try:
        rows, worst = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return [Diagnostic(*row) for row in rows], worst
