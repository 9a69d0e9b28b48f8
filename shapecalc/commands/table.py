"""Every command and its arguments and options, declared once: cli.py builds the typer app from this table,
fastpath.py parses the hot forms from it.

A command's `target` ("module:function") is called with its parameters'
values in the order they are listed here. Plain classes, no imports: the
fast path reads this table on every run of a pre-commit hook.

To add a command: one `Command` in COMMANDS, a function taking its
parameters in this order and returning the exit code, and an example in
tests/unit/test_commands.py (which runs every command through both paths).
"""

from __future__ import annotations

REQUIRED = ...  # a parameter the user must give


class Param:
    """One argument (no flags) or option (flags) of a command, as the user writes it.

    `kind` is "str", "int", "float", "flag" (a boolean switch) or "choice" (one of `choices`);
    `many` takes one or more values (an argument: every positional; an option: given again, each value kept);
    `minimum` bounds an int option.
    """

    __slots__ = ("name", "kind", "help", "flags", "default", "choices", "many", "minimum")

    def __init__(self, name: str, kind: str, help: str, flags: tuple[str, ...] = (), default: object = REQUIRED,
                 choices: tuple[str, ...] = (), many: bool = False, minimum: int | None = None):
        self.name = name
        self.kind = kind
        self.help = help
        self.flags = flags
        self.default = default
        self.choices = choices
        self.many = many
        self.minimum = minimum

    @property
    def is_option(self) -> bool:
        return bool(self.flags)


class Command:
    """One subcommand: its help line, its parameters, the function that runs it, and whether the fast path takes it.

    `fast` commands are parsed by fastpath.py without typer when every option given is a flag, a choice,
    or a plain decimal int within its minimum.
    """

    __slots__ = ("name", "help", "target", "params", "fast")

    def __init__(self, name: str, help: str, target: str, params: tuple[Param, ...], fast: bool = False):
        self.name = name
        self.help = help
        self.target = target
        self.params = params
        self.fast = fast


MODEL_FILE = "Model file (YAML or JSON)."
IGNORE = Param("ignore", "str", "Leave out these codes or prefixes (SC302, SC2); repeatable, comma-separated.",
               ("--ignore",), None, many=True)
SELECT = Param("select", "str", "Report only these codes or prefixes (SC1, SC201); repeatable, comma-separated.",
               ("--select",), None, many=True)

COMMANDS: dict[str, Command] = {command.name: command for command in (
    Command(
        "summarize", "Print the Keras-style summary: output shapes, parameter counts, diagnostics.",
        "shapecalc.commands.summarize:run",
        (
            Param("file", "str", MODEL_FILE),
            Param("output_format", "choice", "table (Keras-style) or json (one document: layers, totals, diagnostics).", ("--format", "-f"),
                  "table", ("table", "json")),
            Param("depth", "int", "Fold layers deeper than N into one row per block instance.", ("--depth",), None,
                  minimum=1),
            IGNORE,
            SELECT,
            Param("expand", "flag", "Show the rows of nested Keras models under them (expand_nested).", ("--expand",),
                  False),
            Param("columns", "str", "The table's columns after Layer (type), in order, e.g. output_shape,params,macs "
                  "(names: see README); repeatable, comma-separated. JSON always has every figure.",
                  ("--columns",), None, many=True),
        ),
        fast=True,
    ),
    Command(
        "check", "One line per problem, `path:line:col: severity[CODE] message`: for pre-commit and CI.",
        "shapecalc.commands.check:run",
        (
            Param("files", "str", "Model files to check, or folders to search for them (- reads stdin).", many=True),
            Param("strict", "flag", "Warnings fail too (exit 1).", ("--strict",), False),
            Param("output_format", "choice", "text (path:line:col) or github (Actions annotations).",
                  ("--format", "-f"), "text", ("text", "github")),
            IGNORE,
            SELECT,
            Param("exclude", "str", "Leave out paths matching this glob (repeatable, comma-separated).",
                  ("--exclude",), None, many=True),
        ),
        fast=True,
    ),
    Command(
        "resample", "The values an upsampling layer computes, per framework convention, and why.",
        "shapecalc.commands.resample:run",
        (
            Param("matrix", "str", "A 1-D or 2-D array such as [[100,200],[6,8]], or a YAML/JSON file."),
            Param("size", "int", "Whole factor per axis, like UpSampling2D(size=N). Default 2.", ("--size",), None),
            Param("scale", "float", "Float factor; output = floor(in * F), as torch.", ("--scale",), None),
            Param("to", "str", "Explicit output size HxW (W for 1-D).", ("--to",), None),
            Param("mode", "str", "nearest, bilinear (linear), bicubic or area. Default bilinear.",
                  ("--mode", "-m"), None),
            Param("convention", "str", "keras, pytorch, pytorch-align-corners, tf-legacy, repeat or zeros.",
                  ("--convention", "-c"), "keras"),
            Param("explain", "flag", "Show source coordinates, neighbours and weights.", ("--explain",), False),
            Param("cell", "str", "Output cell to explain, ROW,COL (COL for 1-D).", ("--cell",), None),
            Param("compare", "flag", "Every convention side by side.", ("--compare",), False),
            Param("output_format", "str", "table or json.", ("--format", "-f"), "table"),
            Param("indices", "str", "zeros: MaxUnpool2d flat indices into the output plane.", ("--indices",), None),
        ),
    ),
    Command(
        "explain", "The arithmetic behind every layer's output shape and parameter count, with the numbers.",
        "shapecalc.commands.explain:run",
        (
            Param("file", "str", MODEL_FILE),
            Param("layer", "str", "Explain only this layer (by name).", ("--layer", "-l"), None),
        ),
    ),
    Command(
        "convert", "Write a Keras file as a shapecalc YAML model file that summarizes identically.",
        "shapecalc.commands.convert:run",
        (
            Param("file", "str", "A Keras 3 file: model.to_json() output or a .keras archive."),
            Param("output", "str", "Write the YAML here (default: stdout).", ("--output", "-o"), None),
        ),
    ),
    Command(
        "schema", "Print a JSON Schema (2020-12) of the model file, for editors and check-jsonschema.",
        "shapecalc.commands.schema:run",
        (
            Param("framework", "choice", "Only this framework's layer types.", ("--framework",), None,
                  ("keras", "pytorch")),
        ),
    ),
    Command(
        "export", "Write the model as a Python module whose build_model() returns it, in Keras or PyTorch.",
        "shapecalc.commands.export:run",
        (
            Param("file", "str", "Model file (YAML, JSON, or a Keras file)."),
            Param("to", "choice", "The framework to write code for.", ("--to",), REQUIRED, ("keras", "pytorch")),
            Param("output", "str", "Write the module here (default: stdout).", ("--output", "-o"), None),
        ),
    ),
    Command(
        "fit", "The input sizes at which no layer floors (and the output keeps its ratio), per axis, as a rule.",
        "shapecalc.commands.fit:run",
        (
            Param("file", "str", MODEL_FILE),
            Param("output_format", "choice", "text (aligned, per axis) or json (one document).", ("--format", "-f"),
                  "text", ("text", "json")),
            Param("ratio", "str", "The output/input size ratio to keep, e.g. 1, 2, 1/2 (default: what the model keeps).",
                  ("--ratio",), None),
            Param("min_size", "int", "Smallest size tried per axis (default 1).", ("--min-size",), None, minimum=1),
            Param("max_size", "int", "Largest size tried per axis (default: 1024, or twice the declared size).",
                  ("--max-size",), None, minimum=1),
        ),
    ),
    Command(
        "calc", "One layer's output size and its formula, without a model file.",
        "shapecalc.commands.calc:from_options",
        (
            Param("operation", "str", "conv (conv1d/2d/3d), pool (maxpool, avgpool), convtranspose or upsample."),
            Param("sizes", "int", "Input size per spatial axis (one to three), e.g. 28 or 28 28.", many=True),
            Param("kernel", "str", "Kernel size: 3, or one per axis: 3,5.", ("--kernel", "-k"), None, many=True),
            Param("pool", "str", "Pool size (same as --kernel, for pooling).", ("--pool",), None, many=True),
            Param("stride", "str", "Stride, or one per axis (pooling: defaults to the pool size).", ("--stride", "-s"),
                  None, many=True),
            Param("padding", "str", "Keras: valid, same, causal (1-D). PyTorch: an integer (or one per axis: 1,2), "
                  "same, valid.", ("--padding", "-p"), None, many=True),
            Param("dilation", "str", "Dilation, or one per axis.", ("--dilation", "-d"), None, many=True),
            Param("ceil_mode", "flag", "PyTorch pooling: round up.", ("--ceil-mode",), False),
            Param("output_padding", "int", "Transposed convolution output padding.", ("--output-padding",), None),
            Param("size", "int", "Upsampling factor.", ("--size",), None),
            Param("scale", "float", "PyTorch Upsample scale_factor (may be fractional).", ("--scale",), None),
            Param("framework", "choice", "Whose conventions.", ("--framework",), "keras", ("keras", "pytorch")),
        ),
    ),
)}


def target_function(command: Command) -> object:
    """The function that runs `command`, imported now (each command's module only when it runs)."""
    import importlib

    module, _, function = command.target.partition(":")
    return getattr(importlib.import_module(module), function)
