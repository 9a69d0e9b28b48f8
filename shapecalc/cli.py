"""The command line: typer commands that parse options, call a command module, and map to exit codes.

Each command imports its own module inside the function, so `shapecalc check`
never pays for Rich tables and `shapecalc calc` never builds a schema.
Exit codes (SPEC §3): 0 ok or warnings only, 1 shape errors or failed
`expect`, 2 unreadable or invalid file, or a usage error.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
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


class SummaryFormat(StrEnum):
    table = "table"
    json = "json"


class CheckFormat(StrEnum):
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
    depth: Annotated[
        int | None, typer.Option("--depth", min=1, help="Fold layers deeper than N into one row per block instance.")
    ] = None,
) -> None:
    """Print the Keras-style summary: output shapes, parameter counts, diagnostics."""
    from shapecalc.commands.summarize import run

    raise typer.Exit(run(file, output_format.value, depth=depth))


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


@app.command()
def explain(
    file: Annotated[str, typer.Argument(help="Model file (YAML or JSON).")],
    layer: Annotated[str | None, typer.Option("--layer", "-l", help="Explain only this layer (by name).")] = None,
) -> None:
    """The arithmetic behind every layer's output shape and parameter count, with the numbers."""
    from shapecalc.commands.explain import run

    raise typer.Exit(run(file, layer))


@app.command()
def convert(
    file: Annotated[str, typer.Argument(help="A Keras 3 file: model.to_json() output or a .keras archive.")],
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the YAML here (default: stdout).")] = None,
) -> None:
    """Write a Keras file as a shapecalc YAML model file that summarizes identically."""
    from shapecalc.commands.convert import run

    raise typer.Exit(run(file, output))


class Framework(StrEnum):
    keras = "keras"
    pytorch = "pytorch"


@app.command()
def calc(
    operation: Annotated[str, typer.Argument(help="conv (conv1d/2d/3d), pool (maxpool, avgpool), convtranspose or upsample.")],
    sizes: Annotated[list[int], typer.Argument(help="Input size per spatial axis (one to three), e.g. 28 or 28 28.")],
    kernel: Annotated[int | None, typer.Option("--kernel", "-k", help="Kernel size.")] = None,
    pool: Annotated[int | None, typer.Option("--pool", help="Pool size (same as --kernel, for pooling).")] = None,
    stride: Annotated[int | None, typer.Option("--stride", "-s", help="Stride (pooling: defaults to the pool size).")] = None,
    padding: Annotated[str | None, typer.Option("--padding", "-p", help="Keras: valid, same, causal. PyTorch: an integer, same, valid.")] = None,
    dilation: Annotated[int, typer.Option("--dilation", "-d", help="Dilation.")] = 1,
    ceil_mode: Annotated[bool, typer.Option("--ceil-mode", help="PyTorch pooling: round up.")] = False,
    output_padding: Annotated[int | None, typer.Option("--output-padding", help="Transposed convolution output padding.")] = None,
    size: Annotated[int | None, typer.Option("--size", help="Upsampling factor.")] = None,
    scale: Annotated[float | None, typer.Option("--scale", help="PyTorch Upsample scale_factor (may be fractional).")] = None,
    framework: Annotated[Framework, typer.Option("--framework", help="Whose conventions.")] = Framework.keras,
) -> None:
    """One layer's output size and its formula, without a model file."""
    from shapecalc.commands.calc import Request, run

    if pool is not None and kernel is not None and pool != kernel:
        sys.stderr.write("shapecalc calc: give --pool or --kernel, not both\n")
        raise typer.Exit(2)
    request = Request(operation, list(sizes), kernel if kernel is not None else pool, stride, padding, dilation,
                      ceil_mode, output_padding, size, scale, framework.value)
    raise typer.Exit(run(request))


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
