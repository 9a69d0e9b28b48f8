"""Console entry point: runs the two hot invocations directly, everything else through the typer app.

`shapecalc summarize FILE` and `shapecalc check FILE...` run in pre-commit
hooks on every commit, so their start-up is the product. Typer builds a
pydantic TypeAdapter for every parameter on every run (tens of milliseconds,
more than the whole analysis of a ResNet-50), so argument lists of exactly
these simple forms are recognised here and handed straight to the command
modules:

    summarize FILE [--format|-f table|json]
    check FILE... [--strict] [--format|-f text|github]

Anything else (help, other commands, unknown options, bad values) goes to the
typer app in `cli.py`, which owns the documented interface and its errors.
"""

from __future__ import annotations

import sys

SUMMARY_FORMATS = ("table", "json")
CHECK_FORMATS = ("text", "github")


def parse_options(args: list[str], formats: tuple[str, ...], flags: tuple[str, ...]) -> tuple[list[str], dict[str, object]] | None:
    """Split simple arguments into (positionals, options); None when typer should decide."""
    positionals: list[str] = []
    options: dict[str, object] = {"format": formats[0]}
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in ("--format", "-f"):
            if index + 1 >= len(args) or args[index + 1] not in formats:
                return None
            options["format"] = args[index + 1]
            index += 2
            continue
        if arg.startswith("--format="):
            value = arg.partition("=")[2]
            if value not in formats:
                return None
            options["format"] = value
        elif arg in flags:
            options[arg.lstrip("-")] = True
        elif arg.startswith("-") or not arg:
            return None
        else:
            positionals.append(arg)
        index += 1
    return positionals, options


def fast_dispatch(argv: list[str]) -> int | None:
    """The exit code of a hot invocation, or None if the typer app must handle `argv`."""
    if not argv:
        return None
    command, rest = argv[0], argv[1:]
    if command == "summarize":
        parsed = parse_options(rest, SUMMARY_FORMATS, ())
        if parsed is None or len(parsed[0]) != 1:
            return None
        from shapecalc.commands.summarize import run

        return run(parsed[0][0], str(parsed[1]["format"]))
    if command == "check":
        parsed = parse_options(rest, CHECK_FORMATS, ("--strict",))
        if parsed is None or not parsed[0]:
            return None
        from shapecalc.commands.check import run as check

        return check(parsed[0], bool(parsed[1].get("strict")), str(parsed[1]["format"]))
    return None


def main() -> None:
    # One short-lived process over plain data: the cyclic garbage collector only
    # costs time here (half the run on a 100,000-layer graph), and memory stays
    # bounded by the reader's limits.
    import gc

    gc.disable()
    printable_output()
    try:
        code = fast_dispatch(sys.argv[1:])
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        sys.stderr.write("shapecalc: interrupted\n")
        sys.exit(130)
    except Exception as error:
        internal_error(error)
    if code is None:
        from shapecalc.cli import main as full_main

        full_main()
        return
    sys.stdout.flush()
    sys.exit(code)


def printable_output() -> None:
    """Output never ends in UnicodeEncodeError: a file name that is not UTF-8 is written back as
    its own bytes; text an encoding cannot show (`café` under PYTHONIOENCODING=ascii) as escapes."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            utf8 = (getattr(stream, "encoding", "") or "").lower().replace("-", "") == "utf8"
            reconfigure(errors="surrogateescape" if utf8 else "backslashreplace")


def internal_error(error: Exception) -> None:
    """A bug in shapecalc, reported in one line without a traceback (SHAPECALC_DEBUG=1 shows it)."""
    import os

    if os.environ.get("SHAPECALC_DEBUG"):
        raise error
    sys.stderr.write(
        f"shapecalc: internal error: {type(error).__name__}: {error}\n"
        "This is a bug in shapecalc; set SHAPECALC_DEBUG=1 for the traceback.\n"
    )
    sys.exit(2)
