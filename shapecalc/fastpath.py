"""Console entry point: runs the hot invocations directly, everything else through the typer app.

`shapecalc summarize FILE` and `shapecalc check FILE...` run in pre-commit
hooks on every commit, so their start-up is the product. Typer builds its
whole app and a validator for every parameter on every run (tens of
milliseconds, more than the whole analysis of a ResNet-50), so the commands
marked `fast` in commands/table.py are parsed here, from the same table, when
their arguments take the simple forms: positionals, flags, choices among
the listed values and plain decimal integers, e.g.

    summarize FILE [--format|-f table|json] [--depth N] [--ignore CODES] [--select CODES]
    check FILE... [--strict] [--format|-f text|github] [--ignore CODES] [--select CODES] [--exclude GLOB]

Anything else (help, other commands, unknown options, bad values) goes to the
typer app in `cli.py`, which owns the documented interface and its errors.
"""

from __future__ import annotations

import sys

from shapecalc.commands.table import COMMANDS, Command, Param, target_function
from shapecalc.guard import guarded


def parse_options(args: list[str], params: tuple[Param, ...]) -> tuple[list[str], dict[str, object]] | None:
    """Split simple arguments into (positionals, option values by name); None when typer should decide."""
    positionals: list[str] = []
    options: dict[str, object] = {param.name: param.default for param in params if param.is_option}
    by_flag = {flag: param for param in params if param.is_option for flag in param.flags}
    index = 0
    while index < len(args):
        arg = args[index]
        flag, equals, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        param = by_flag.get(flag)
        if param is None:
            if arg.startswith("-") or not arg:
                return None
            positionals.append(arg)
        elif param.kind == "flag" and not equals:
            options[param.name] = True
        elif param.kind == "str" and param.many:
            if not equals:
                index += 1
                if index >= len(args):
                    return None
                inline = args[index]
            options[param.name] = [*(options[param.name] or ()), inline]
        elif param.kind in ("choice", "int"):
            if not equals:
                index += 1
                inline = args[index] if index < len(args) else ""
            if param.kind == "choice" and inline not in param.choices:
                return None
            if param.kind == "int":
                if not (inline.isascii() and inline.isdigit() and len(inline) < 10):
                    return None
                if param.minimum is not None and int(inline) < param.minimum:
                    return None
                options[param.name] = int(inline)
            else:
                options[param.name] = inline
        else:
            return None
        index += 1
    return positionals, options


def fast_values(command: Command, args: list[str]) -> list[object] | None:
    """The values to call `command` with, in table order; None unless every argument is of a simple form."""
    parsed = parse_options(args, command.params)
    if parsed is None:
        return None
    positionals, options = parsed
    arguments = [param for param in command.params if not param.is_option]
    if len(arguments) != 1 or not positionals:
        return None  # one argument, a file or a list of files, is all the fast path reads
    if not arguments[0].many and len(positionals) != 1:
        return None
    options[arguments[0].name] = positionals if arguments[0].many else positionals[0]
    return [options[param.name] for param in command.params]


def fast_dispatch(argv: list[str]) -> int | None:
    """The exit code of a hot invocation, or None if the typer app must handle `argv`."""
    command = COMMANDS.get(argv[0]) if argv else None
    if command is None or not command.fast:
        return None
    values = fast_values(command, argv[1:])
    if values is None:
        return None
    return target_function(command)(*values)


def main() -> None:
    # One short-lived process over plain data: the cyclic garbage collector only
    # costs time here (half the run on a 100,000-layer graph), and memory stays
    # bounded by the reader's limits.
    import gc

    gc.disable()
    printable_output()
    code = guarded(lambda: fast_dispatch(sys.argv[1:]))
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
