"""The command line: the typer app, built from the table of commands (commands/table.py).

Typer owns the documented interface: help, usage errors, and every form the
fast path (fastpath.py) leaves to it. Each command's module is imported only
when it runs, so `shapecalc check` never pays for Rich tables and
`shapecalc calc` never builds a validator. Exit codes (SPEC §3): 0 ok or
warnings only, 1 shape errors or failed `expect`, 2 unreadable or invalid
file, or a usage error.
"""

from __future__ import annotations

import inspect
from enum import StrEnum
from typing import Annotated, Any

import typer

from shapecalc import __version__
from shapecalc.commands.table import COMMANDS, REQUIRED, Command, Param, target_function
from shapecalc.guard import guarded

app = typer.Typer(
    name="shapecalc",
    help="What shape comes out of this layer, and why? Keras-style summaries of model files.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        import os

        import shapecalc

        print(f"shapecalc {__version__} from {os.path.dirname(os.path.abspath(shapecalc.__file__))}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and where shapecalc is installed, and exit.")
    ] = False,
) -> None:
    """What shape comes out of this layer, and why?"""


_TYPES: dict[str, Any] = {"str": str, "int": int, "float": float, "flag": bool}


def _parameter(command: Command, param: Param) -> inspect.Parameter:
    """One table entry as the annotated parameter typer reads."""
    if param.kind == "choice":
        kind: Any = StrEnum(f"{command.name}_{param.name}", {choice: choice for choice in param.choices})
    else:
        kind = _TYPES[param.kind]
    if param.many:
        kind = list[kind]
    elif not param.is_option and param.default is not REQUIRED or param.default is None:
        kind = kind | None
    bounds = {"min": param.minimum} if param.minimum is not None else {}
    info = typer.Option(*param.flags, help=param.help, **bounds) if param.is_option else typer.Argument(help=param.help)
    default = inspect.Parameter.empty if param.default is REQUIRED else param.default
    return inspect.Parameter(param.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=Annotated[kind, info])


def _add(command: Command) -> None:
    def run(**values: Any) -> None:
        function = target_function(command)
        arguments = [values[param.name] for param in command.params]
        raise typer.Exit(function(*(getattr(value, "value", value) for value in arguments)))

    run.__signature__ = inspect.Signature([_parameter(command, param) for param in command.params])  # type: ignore[attr-defined]
    run.__annotations__ = {}
    run.__doc__ = command.help
    app.command(command.name)(run)


for _command in COMMANDS.values():
    _add(_command)


def main() -> None:
    """Console entry point for the typer app, behind the same last guard as the fast path."""
    guarded(app)
