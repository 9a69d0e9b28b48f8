"""What a model file may say: the top-level keys, the three layer-entry forms, and each layer's arguments.

`load_model()` turns a parsed Document into a ModelSpec whose layers are
validated Layer objects, or reports every problem it finds as a located SC0xx
diagnostic (exit 2). Shapes are not computed here; that is the engine's job.
"""

from __future__ import annotations

from typing import Any, Literal

from shapecalc.arguments.declarative import Declared, validation_error
from shapecalc.arguments.quickcheck import validated
from shapecalc.arguments.types import ArgumentError, PositiveInt
from shapecalc.codes import ERROR, Code
from shapecalc.diagnostics import Diagnostic
from shapecalc.gcpause import paused_gc
from shapecalc.layers.base import Layer
from shapecalc.layers.spelling import plain_type_name
from shapecalc.model import (
    DimSpec,
    InvalidModel,
    LayerKeys,
    LayerSpec,
    ModelSpec,
    ShapeSpec,
)
from shapecalc.reading import DocPath, Document
from shapecalc.validate.entry_forms import EntryForms
from shapecalc.validate.reports import ValidationReports

SC002 = Code("SC002", ERROR, "unknown layer type",
             "unknown layer type (the closest known name is suggested)")
SC003 = Code("SC003", ERROR, "unknown argument or key",
             "unknown argument or key (the closest argument is suggested)")
SC004 = Code("SC004", ERROR, "invalid argument value, or a combination the framework refuses",
             "invalid argument value, or a combination the framework refuses at construction")
SC009 = Code("SC009", ERROR, "invalid model structure (missing input, wrong top-level type)",
             "invalid model structure (missing input, wrong top-level type); a layer no output depends on is SC210, a warning")

MAX_LAYERS = 200_000  # generated models of 100,000 layers must summarize (the scale budget); past this, refused
MAX_NAME = 200
MAX_PROBLEMS = 100  # the rest of a file this broken would only repeat what these say, slowly
MAX_WRAPPING = 8  # wrappers within wrappers (TimeDistributed of Bidirectional of ...)

COMMON_KEYS = ("name", "inputs", "trainable", "expect", "input_shape", "batch_size", "dtype")
_COMMON_KEY_SET = frozenset(COMMON_KEYS)


class TopLevel(Declared):
    """The keys a model file may have at the top (SPEC §1)."""

    model: str | None = None
    framework: Literal["keras", "pytorch"] = "keras"
    input: ShapeSpec | None = None
    inputs: dict[str, ShapeSpec] | None = None
    batch: PositiveInt | None = None
    layers: list[Any]
    outputs: str | list[str] | None = None  # one name may be written without the list
    expect: dict[Literal["output"], list[DimSpec] | list[list[DimSpec]]] | None = None
    custom_layers: dict[str, Any] | None = None  # classes of the user's own (layers/custom.py)


INPUT_TYPES = ("Input", "InputLayer")


class InputEntry(Declared):
    """A first layer entry that declares the input, as `keras.Input(shape=...)` does in code."""

    shape: ShapeSpec
    name: str | None = None
    batch_size: PositiveInt | None = None


def load_model(document: Document) -> ModelSpec:
    """Validate a parsed document into a ModelSpec, or raise InvalidModel listing every problem."""
    validator = _Validator(document)
    try:
        with paused_gc():  # reading keeps ~10 new objects per layer
            spec = validator.read()
    except _TooManyProblems:
        last = validator.problems[-1]
        validator.problems.append(Diagnostic("SC008", f"{MAX_PROBLEMS} problems found: reading stopped here; fix these first",
                                             None, last.line, last.column, document.path))
        spec = None
    if validator.problems:
        raise InvalidModel(sorted(validator.problems, key=Diagnostic.sort_key))
    assert spec is not None
    return spec


class _TooManyProblems(Exception):
    """Raised once MAX_PROBLEMS are found: a file of thousands of broken layers is reported up to there."""


class _Validator(EntryForms, ValidationReports):
    def __init__(self, document: Document):
        from shapecalc.layers.registry import lookup

        self.doc = document
        self.positions = document.positions
        self.problems: list[Diagnostic] = []
        self.auto_names: dict[str, int] = {}  # auto-name counters, so a layer refused here is named
        self.names_uncertain = False  # set after a Keras wrapper: the engine alone names what follows
        self.lookup = lookup  # imported here, not per layer entry (the registry is imported lazily)
        self.doc_framework = _framework_written(document.data)
        self.no_common_keys: LayerKeys | None = None  # the one LayerKeys of every entry writing none (it is frozen)
        self.undeclared: set[str] = set()  # custom layers whose declaration was refused: their entries stay quiet
        self.bound_paths: dict[DocPath, DocPath] = {}  # an argument given positionally -> where its value is written

    def problem(self, code: str, message: str, path: DocPath, layer: str | None = None) -> None:
        path = self.where_written(path) if self.bound_paths else path
        line, column = self.doc.locate(path)
        note = self.doc.note(path)
        if note:
            from shapecalc.blocks.stage import with_origin

            message = with_origin(message, None, note)  # the same in every instance: reported once
        self.problems.append(Diagnostic(code, message, layer, line, column, self.doc.path))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooManyProblems

    def read(self) -> ModelSpec | None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.problem("SC009", f"a model file is a mapping with `input:` and `layers:`, not {_kind(data)}", ())
            return None
        try:
            top = validated(TopLevel, data)
        except validation_error() as error:
            self.report_validation(error, (), "model file", None)
            return None
        if len(top.layers) > MAX_LAYERS:
            self.problem("SC008", f"{len(top.layers):,} layers is more than the {MAX_LAYERS:,} allowed", ("layers",))
            return None
        self.check_names(top)
        if top.custom_layers:
            self.declare_custom_layers(top.custom_layers, top.framework)
        leading = self.leading_input(top)
        skip = 1 if leading is not None else 0
        layers = [spec for i, entry in enumerate(top.layers) if i >= skip
                  and (spec := self.read_layer(i, entry, top.framework))]
        inputs, positions = self.read_inputs(top, layers, leading)
        batch = top.batch if top.batch is not None or leading is None else leading[0].batch_size
        self.check_input_sizes(inputs, batch)
        functional = top.inputs is not None or any(spec.keys.inputs is not None or spec.layer.graph_only
                                                   for spec in layers)
        if top.outputs is not None:
            functional = True
        expect_output = top.expect.get("output") if top.expect else None
        return ModelSpec(
            path=self.doc.path,
            framework=top.framework,
            name=top.model,
            inputs=inputs,
            input_positions=positions,
            batch=batch,
            layers=layers,
            outputs=[top.outputs] if isinstance(top.outputs, str) else top.outputs,
            expect_output=expect_output,
            functional=functional,
            document=self.doc,
            expect_position=self.doc.locate(("expect", "output")),
        )

    def declare_custom_layers(self, declarations: dict[str, Any], framework: str) -> None:
        """The classes `custom_layers:` declares, looked up before the registry's (layers/custom.py)."""
        from shapecalc.layers.custom import DeclarationError, declare

        declared = {}
        for name, declaration in declarations.items():
            try:
                declared[name] = declare(name, declaration, framework)
            except DeclarationError as error:
                self.undeclared.add(name)
                self.problem(error.code, error.message, ("custom_layers", name, *error.where))
        registry_lookup = self.lookup
        refused = self.undeclared  # a refused declaration hides a built-in of its name too (LayerScale): quiet entries
        self.lookup = lambda framework, type_name: declared.get(type_name) or (
            None if type_name in refused else registry_lookup(framework, type_name))

    def check_names(self, top: TopLevel) -> None:
        """The model's name is printed as written: plain one-line text only (input names are keys,
        which the reader already holds to printable text)."""
        if top.model is not None and not _printable_name(top.model):
            self.problem("SC004", f"`model:` must be 1 to {MAX_NAME} printable characters on one line", ("model",))
        elif top.model is not None and top.framework == "keras" and "/" in top.model:
            self.problem("SC004", _slash_message("model", top.model), ("model",))
        if top.framework == "keras":
            for name in top.inputs or {}:
                if "/" in name:
                    self.problem("SC004", _slash_message("input", name), ("inputs", name))

    def check_input_sizes(self, inputs: dict[str, tuple], batch: int | None) -> None:
        from shapecalc.shapes import ShapeError
        from shapecalc.tensor_limits import check_tensor

        for name, shape in inputs.items():
            try:
                check_tensor((batch, *shape), f"input {name!r}")
            except ShapeError as error:
                path = ("inputs", name) if ("inputs", name) in self.doc.positions else ("input",)
                self.problem(error.code, error.message, path)

    def leading_input(self, top: TopLevel) -> tuple[InputEntry, tuple[int, int]] | None:
        """A first entry `Input: {shape: [...]}` (or `InputLayer`), as Keras code starts a model.

        Only when the file gives no `input:`/`inputs:`; `Input: [28, 28, 1]` is the scalar form.
        """
        if top.input is not None or top.inputs is not None or not top.layers:
            return None
        first = top.layers[0]
        if not isinstance(first, dict):
            return None
        if "type" in first:
            type_name, args, args_path = first.get("type"), {k: v for k, v in first.items() if k != "type"}, ("layers", 0)
        elif len(first) == 1:
            ((type_name, args),) = first.items()
            args_path = ("layers", 0, type_name)
            args = {"shape": args} if isinstance(args, list) else args
        else:
            return None
        if type_name not in INPUT_TYPES or not isinstance(args, dict):
            return None
        try:
            entry = validated(InputEntry, args)
        except validation_error() as error:
            self.report_validation(error, args_path, type_name, None)
            return None
        if entry.name is not None and "/" in entry.name:  # only Keras files start with an Input entry
            self.problem("SC004", _slash_message("input", entry.name), args_path + ("name",))
        return entry, self.doc.locate(("layers", 0))

    def read_inputs(self, top: TopLevel, layers: list[LayerSpec],
                    leading: tuple[InputEntry, tuple[int, int]] | None = None,
                    ) -> tuple[dict[str, tuple], dict[str, tuple[int, int]]]:
        if leading is not None:
            entry, where = leading
            name = entry.name or "input_layer"
            return {name: tuple(entry.shape)}, {name: where}
        if top.input is not None and top.inputs is not None:
            self.problem("SC009", "give either `input:` (one input) or `inputs:` (named inputs), not both", ("inputs",))
        if top.inputs is not None:
            shapes = {name: tuple(shape) for name, shape in top.inputs.items()}
            return shapes, {name: self.doc.locate(("inputs", name)) for name in shapes}
        if top.input is not None:
            return {"input_layer": tuple(top.input)}, {"input_layer": self.doc.locate(("input",))}
        if layers and layers[0].keys.input_shape is not None:
            first = layers[0]
            return {"input_layer": tuple(first.keys.input_shape)}, {"input_layer": (first.line, first.column)}
        self.problem("SC009", "the model has no input shape: add `input: [...]` (without the batch axis)", ())
        return {}, {}

    def read_layer(self, index: int, entry: Any, framework: str, path: DocPath | None = None) -> LayerSpec | None:
        """One layer entry; `path` is given for an entry nested in a wrapper's `layer:`."""
        nested = path is not None
        path = path if path is not None else ("layers", index)
        form = self.entry_form(entry, path)
        if form is None:
            return None
        type_name, raw_args, args_path = form
        type_name = plain_type_name(type_name)  # `nn.Conv2d` as pasted from code
        cls = self.lookup(framework, type_name)
        if cls is None:
            written = raw_args.get("name") if isinstance(raw_args, dict) else None
            self.unknown_type(type_name, framework, path, written if isinstance(written, str) else None)
            return None
        keys = self.read_keys(raw_args, args_path, type_name)
        if keys is None:
            return None
        who = keys.name or (None if nested else self.auto_name(cls, framework))
        if nested and (keys.inputs is not None or keys.expect is not None):
            where = args_path + ("inputs" if keys.inputs is not None else "expect",)
            self.problem("SC004", f"{type_name}: a wrapped layer takes `inputs:`/`expect:` on its wrapper", where)
            return None
        if cls.nested_entries and not self.read_nested(cls, index, raw_args, args_path, framework):
            return None
        try:
            layer = cls.build(raw_args)
        except validation_error() as error:
            self.report_validation(error, args_path, type_name, who)
            return None
        except ArgumentError as error:
            where = args_path + ((error.argument,) if error.argument else ())
            self.problem("SC004", f"{type_name}: {error.message}", where, who)
            return None
        line, column = self.positions.get(path) or self.doc.locate(path)  # an entry's own position, when written
        return LayerSpec(index, type_name, layer, keys, path, args_path, line, column)

    def read_keys(self, raw_args: dict[str, Any], args_path: DocPath, type_name: str) -> LayerKeys | None:
        """Take the common keys (name, inputs, ...) out of `raw_args` and validate them."""
        if raw_args.keys().isdisjoint(_COMMON_KEY_SET):  # most entries of a sequential model write none
            if self.no_common_keys is None:
                self.no_common_keys = validated(LayerKeys, {})
            return self.no_common_keys
        common = {key: raw_args.pop(key) for key in COMMON_KEYS if key in raw_args}
        if isinstance(common.get("inputs"), str):
            common["inputs"] = [common["inputs"]]
        try:
            keys = validated(LayerKeys, common)
        except validation_error() as error:
            self.report_validation(error, args_path, type_name, None)
            return None
        if keys.name is not None and not _printable_name(keys.name):
            self.problem("SC004", f"a layer name must be 1 to {MAX_NAME} printable characters on one line",
                         args_path + ("name",))
            return None
        if keys.name is not None and "/" in keys.name and self.doc_framework == "keras":
            self.problem("SC004", _slash_message("layer", keys.name), args_path + ("name",))
            return None
        return keys

    def read_nested(self, cls: type[Layer], index: int, raw_args: dict[str, Any], args_path: DocPath, framework: str) -> bool:
        """Replace a wrapper's layer entries (`layer:`, `backward_layer:`) by validated LayerSpecs."""
        ok = True
        for key in cls.nested_entries:
            entry = raw_args.get(key)
            if entry is None:
                continue
            if sum(part in ("layer", "backward_layer") for part in args_path) >= MAX_WRAPPING:
                self.problem("SC008", f"wrappers nested more than {MAX_WRAPPING} deep", args_path + (key,))
                return False
            if isinstance(entry, list):  # a list of entries (RNN's stacked cells)
                inners = [self.read_layer(index, item, framework, args_path + (key, i)) for i, item in enumerate(entry)]
                ok = ok and None not in inners
                raw_args[key] = inners
                continue
            inner = self.read_layer(index, entry, framework, args_path + (key,))
            if inner is None:
                ok = False
            else:
                raw_args[key] = inner
        return ok

    def auto_name(self, cls: type[Layer], framework: str) -> str | None:
        """The name the engine will give an unnamed layer, for the diagnostics of one refused here.

        Keras's counters, in file order. In a Keras file, wrappers and layers that
        build unnamed sublayers take names of their own, which only the engine
        works out; after the first of those, None (no name rather than a wrong one).
        """
        if cls.framework != framework or self.names_uncertain:
            return None
        if framework == "keras" and (cls.nested_entries or cls.built_sublayers):
            self.names_uncertain = True
            return None
        prefix = cls.name_prefix()
        count = self.auto_names.get(prefix, 0)
        self.auto_names[prefix] = count + 1
        return prefix if count == 0 else f"{prefix}_{count}"

    def unknown_key_message(self, what: str, argument: str | None) -> str:
        import difflib

        if what == "model file":
            known = list(TopLevel.model_fields)
        else:
            cls = self.lookup(self.doc_framework, what)
            written = [info.alias or name for name, info in cls.model_fields.items()] if cls else []
            known = written + list(COMMON_KEYS)  # an alias is how the file writes an argument
        close = difflib.get_close_matches(str(argument), known, n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        return f"{what}: unknown argument `{argument}`{hint}"


def _framework_written(data: Any) -> str:
    """The framework a file names (keras unless it names pytorch), for reading entries before validation."""
    framework = data.get("framework", "keras") if isinstance(data, dict) else "keras"
    return framework if framework in ("keras", "pytorch") else "keras"


def _slash_message(what: str, name: str) -> str:
    """Keras refuses `/` in any name (model, input, layer): it separates scopes in weight paths."""
    return (f"a Keras {what} name cannot contain `/` (Keras: \"Argument `name` must be a string and cannot "
            f"contain character `/`\"), received {name!r}")


def _printable_name(name: str) -> bool:
    """Names are printed as written, in tables and in `path:line:col:` lines: no tabs, breaks or controls."""
    return 0 < len(name) <= MAX_NAME and name.isprintable()


def _kind(data: Any) -> str:
    """What a person would call the value a file holds at the top."""
    if data is None:
        return "empty (null)"
    names = {list: "a list", str: "text", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(data), f"a {type(data).__name__}")


__all__ = ["load_model"]
