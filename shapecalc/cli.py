"""The command line: typer commands that parse options, call a command module, and map to exit codes.

Each command imports its own module inside the function, so `shapecalc check`
never pays for Rich tables and `shapecalc calc` never builds a schema.
Exit codes (SPEC §3): 0 ok or warnings only, 1 shape errors or failed
`expect`, 2 unreadable or invalid file, or a usage error.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Annotated

import typer

from shapecalc import __version__

app = typer.Typer(
    name="shapecalc",
    help="What shape comes out of this layer, and why? Keras-style summaries of model files.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class SummaryFormat(str, Enum):
    table = "table"
    json = "json"


class CheckFormat(str, Enum):
    text = "text"
    github = "github"


def _version(value: bool) -> None:
    if value:
        print(f"shapecalc {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """What shape comes out of this layer, and why?"""


@app.command()
def summarize(
    file: Annotated[str, typer.Argument(help="Model file (YAML or JSON).")],
    output_format: Annotated[
        SummaryFormat, typer.Option("--format", "-f", help="table (Keras-style) or json (SPEC §3).")
    ] = SummaryFormat.table,
) -> None:
    """Print the Keras-style summary: output shapes, parameter counts, diagnostics."""
    from shapecalc.commands.summarize import run

    raise typer.Exit(run(file, output_format.value))


@app.command()
def check(
    files: Annotated[list[str], typer.Argument(help="Model files to check.")],
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="text (path:line:col) or github (Actions annotations).")
    ] = CheckFormat.text,
) -> None:
    """One line per problem, `path:line:col: severity[CODE] message`: for pre-commit and CI."""
    from shapecalc.commands.check import run

    raise typer.Exit(run(files, strict, output_format.value))


@app.command()
def resample(
    matrix: Annotated[str, typer.Argument(help="A 1-D or 2-D array such as [[100,200],[6,8]], or a YAML/JSON file.")],
    size: Annotated[int | None, typer.Option("--size", help="Whole factor per axis, like UpSampling2D(size=N). Default 2.")] = None,
    scale: Annotated[float | None, typer.Option("--scale", help="Float factor; output = floor(in * F), as torch.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Explicit output size HxW (W for 1-D).")] = None,
    mode: Annotated[str | None, typer.Option("--mode", "-m", help="nearest, bilinear (linear), bicubic or area. Default bilinear.")] = None,
    convention: Annotated[
        str, typer.Option("--convention", "-c", help="keras, pytorch, pytorch-align-corners, tf-legacy, repeat or zeros.")
    ] = "keras",
    explain: Annotated[bool, typer.Option("--explain", help="Show source coordinates, neighbours and weights.")] = False,
    cell: Annotated[str | None, typer.Option("--cell", help="Output cell to explain, ROW,COL (COL for 1-D).")] = None,
    compare: Annotated[bool, typer.Option("--compare", help="Every convention side by side.")] = False,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    indices: Annotated[
        str | None, typer.Option("--indices", help="zeros: MaxUnpool2d flat indices into the output plane.")
    ] = None,
) -> None:
    """The values an upsampling layer computes, per framework convention, and why."""
    from shapecalc.commands.resample import run

    raise typer.Exit(
        run(matrix, size, scale, to, mode, convention, explain, cell, compare, output_format, indices)
    )


def main() -> None:
    """Console entry point: a last guard so that no input ever ends in a Python traceback."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("shapecalc: interrupted\n")
        sys.exit(130)
    except SystemExit:
        raise
    except BrokenPipeError:
        sys.exit(0)
    except Exception as error:  # a bug in shapecalc, reported without a traceback
        if os.environ.get("SHAPECALC_DEBUG"):
            raise
        sys.stderr.write(
            f"shapecalc: internal error: {type(error).__name__}: {error}\n"
            "This is a bug in shapecalc; set SHAPECALC_DEBUG=1 for the traceback.\n"
        )
        sys.exit(2)
