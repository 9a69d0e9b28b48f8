"""Block uses replaced by the layers they stand for: plain layer entries, named, wired and substituted.

A use is written like a layer entry whose type is a block:

    - bottleneck: {filters: 128, name: "conv3_block{i + 1}", repeat: 4, inputs: [pool1_pool]}

Each repetition is an *instance*: its name (`name:` with `{i}` filled in;
`<name>_<i>` when the name does not mention `i` and the block repeats;
Keras's style of auto name otherwise) prefixes the names of the layers it
holds (`conv3_block1_1_conv`). Repetitions are chained: each takes the
previous one's output. Inside a block, `inputs:` name the block's inputs or
its own layers and instances; an entry without `inputs:` takes the previous
entry of the block, as in a model.

Wiring is kept implicit wherever the expanded entry already follows what it
takes, so a block of plain layers in a Sequential model keeps it
sequential. Where an explicit reference to an unnamed layer is needed, a
placeholder stands for it until the engine's naming (see stage.py).

The work is linear in the size of the expanded model: each entry is copied
once with its parameters substituted, and each expression is parsed once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shapecalc.blocks.definitions import (
    MODEL_INPUT,
    PLACEHOLDER,
    REPEAT_INDEX,
    USE_KEYS,
    Block,
    entry_type,
)
from shapecalc.blocks.entries import (
    MODEL_TYPES,
    Instance,
    Origin,
    args_path,
    arguments,
    base_name,
    copied,
    inputs_of,
    is_model_entry,
    split_reference,
    with_key,
    written_name,
)
from shapecalc.blocks.model_entry import ModelBody, NotReadable, described
from shapecalc.blocks.substitute import Substituter, SubstitutionError
from shapecalc.reading.document import DocPath

Report = Callable[[str, str, DocPath, int], None]  # (code, message, where written, top-level entry being expanded)


class TooLarge(Exception):
    """The expansion passed the layer limit: stop at once rather than build the rest."""


class Expander:
    """Walks `layers:` once, copying plain entries and expanding block uses."""

    def __init__(self, blocks: dict[str, Block], framework: str, report: Report, max_layers: int):
        from shapecalc.layers.registry import lookup

        self.blocks = blocks
        self.framework = framework
        self.lookup = lookup
        self.report = report
        self.max_layers = max_layers
        self.substituter = Substituter()
        self.entries: list[Any] = []
        self.origins: list[int | Origin] = []  # per expanded entry: its index in `layers:` when written there
        self.names: list[str | None] = []  # per expanded entry: its name when written
        self.instance_outputs: dict[str, str] = {}  # top-level instance name -> the reference to its output
        self.auto_instances: dict[str, int] = {}
        self.problems = 0
        self.instances = 0
        self.use_index = 0  # the top-level entry being expanded, for locating problems
        self.chain: tuple[str, ...] = ()

    # -- the model's own entries -------------------------------------------------------------

    def expand_layers(self, layers: list[Any]) -> list[Any]:
        previous = MODEL_INPUT
        for index, entry in enumerate(layers):
            self.use_index = index
            type_name = entry_type(entry)
            if type_name in self.blocks:
                args = self.usearguments(entry, ("layers", index), type_name)
                if args is None:
                    continue
                previous = self.use(self.blocks[type_name], args, {}, self.instance_outputs, previous, None, (), ())
            elif type_name in MODEL_TYPES and is_model_entry(entry, type_name):
                previous = self.nested_model(type_name, entry, ("layers", index), {}, self.instance_outputs,
                                             previous, None, ())
            else:
                entry = self.top_level_entry(entry, previous)
                previous = self.append(entry, index, written_name(entry))
        return self.entries

    def top_level_entry(self, entry: Any, previous: str) -> Any:
        """A layer written in `layers:`: references to instances become their outputs; after a block
        whose output is not its last layer, the entry is given that output explicitly."""
        inputs = inputs_of(entry)
        if inputs is not None:
            if any(base_name(ref) in self.instance_outputs for ref in inputs):
                return self.with_inputs(entry, [self.instance_ref(ref) for ref in inputs])
            return entry
        if previous != self.last_reference():
            return self.with_inputs(entry, [previous])
        return entry

    def instance_ref(self, reference: str) -> str:
        base, suffix = split_reference(reference)
        return self.instance_outputs.get(base, base) + suffix if base in self.instance_outputs else reference

    def outputs(self, outputs: Any) -> Any:
        """The model's `outputs:` with instance names replaced by their outputs."""
        if isinstance(outputs, str):
            return self.instance_ref(outputs)
        if isinstance(outputs, list):
            return [self.instance_ref(name) if isinstance(name, str) else name for name in outputs]
        return outputs

    # -- uses and instances ------------------------------------------------------------------

    def usearguments(self, entry: Any, path: DocPath, block: str) -> tuple[dict[str, Any], DocPath] | None:
        """A use's written arguments and where they are, from any of the three entry forms."""
        if isinstance(entry, str):
            return {}, path
        if "type" in entry:
            return {k: v for k, v in entry.items() if k != "type"}, path
        value = entry[block]
        if value is None:
            return {}, path + (block,)
        if isinstance(value, dict):
            return dict(value), path + (block,)
        self.problem("SC004", f"block {block!r} takes its parameters by name: `{block}: {{param: value, ...}}`", path + (block,))
        return None

    def use(self, block: Block, written: tuple[dict[str, Any], DocPath], scope: dict[str, Any], local: dict[str, str],
            previous: str, prefix: str | None, chain: tuple[str, ...], instances: tuple[Instance, ...]) -> str:
        """Expand one use (all its repetitions) and return the reference to its output."""
        args, path = written
        saved, self.chain = self.chain, chain + (block.name,)
        try:
            return self._use(block, args, path, scope, local, previous, prefix, instances)
        except SubstitutionError as error:
            self.problem("SC004", f"{block.name}: {error.message}", path + error.where)
            return previous
        finally:
            self.chain = saved

    def _use(self, block: Block, args: dict[str, Any], path: DocPath, scope: dict[str, Any], local: dict[str, str],
             previous: str, prefix: str | None, instances: tuple[Instance, ...]) -> str:
        unknown = [key for key in args if key not in block.params and key not in USE_KEYS]
        for key in unknown:
            known = ", ".join([*block.params, *USE_KEYS])
            self.problem("SC003", f"block {block.name!r} has no parameter `{key}` (it takes {known})", path + (key,))
        if unknown:
            return previous
        repeat = self.repeat_count(block, args, scope, path)
        if repeat is None:
            return previous
        sources = self.use_inputs(block, args, scope, local, previous, path, prefix)
        if sources is None:
            return previous
        name = args.get("name")
        if type(name) is int:  # `name: 0`, as nn.Sequential names its children
            name = str(name)
        output = previous
        if repeat > 1 and isinstance(name, str) and "{" not in name:  # `name: layer1` holds layer1_0, layer1_1, ...
            container = Instance(f"{prefix}_{name}" if prefix else name, "Sequential")
            instances = instances + (container,)
        else:
            container = None
        for index in range(repeat):
            self.count_instance()
            problems = self.problems
            inner = {**scope, REPEAT_INDEX: index}
            values = dict(block.params)
            for key, value in args.items():
                if key not in USE_KEYS:
                    values[key] = self.substituter.argument(value, inner, (key,))
            own = self.instance_name(block, name, inner, repeat, index, prefix)
            instance = Instance(f"{prefix}_{own}" if prefix else own, block.name)
            output = instance.output = self.instance(block, values, instance.name, sources, instances + (instance,))
            local[own] = output
            sources = [output]
            if self.problems > problems:
                break  # the other repetitions would only repeat the problem
        if isinstance(name, str) and "{" not in name:
            local[name] = output  # a repeated use's name stands for the whole chain
        if container is not None:
            container.output = output
        return output

    def repeat_count(self, block: Block, args: dict[str, Any], scope: dict[str, Any], path: DocPath) -> int | None:
        repeat = self.substituter.value(args.get("repeat", 1), scope, where=("repeat",))
        if type(repeat) is not int or repeat < 1:
            self.problem("SC004", f"block {block.name!r}: `repeat:` is a whole number of at least 1, not {repeat!r}",
                         path + ("repeat",))
            return None
        if repeat > 1 and len(block.inputs) > 1:
            self.problem("SC004", f"block {block.name!r} takes {len(block.inputs)} inputs, so it cannot repeat "
                         "(each repetition takes the previous one's single output)", path + ("repeat",))
            return None
        return repeat

    def use_inputs(self, block: Block, args: dict[str, Any], scope: dict[str, Any], local: dict[str, str],
                   previous: str, path: DocPath, prefix: str | None) -> list[str] | None:
        written = args.get("inputs")
        if written is None:
            sources = [previous]
        else:
            written = [written] if isinstance(written, str) else written
            if not isinstance(written, list) or not all(isinstance(ref, str) for ref in written):
                self.problem("SC004", f"{described(block)}: `inputs:` is a list of layer names", path + ("inputs",))
                return None
            written = self.substituter.value(written, scope, names_only=True, where=("inputs",))
            sources = [self.reference(ref, local, path + ("inputs", i), strict=prefix is not None)
                       for i, ref in enumerate(written)]
            if None in sources:
                return None
        if len(sources) != len(block.inputs):
            self.problem("SC004", f"{described(block)} takes {len(block.inputs)} input(s) "
                         f"({', '.join(block.inputs)}), received {len(sources)}", path + ("inputs",))
            return None
        return sources  # type: ignore[return-value]

    def instance_name(self, block: Block, name: Any, scope: dict[str, Any], repeat: int, index: int,
                      prefix: str | None) -> str:
        """The instance's own name (its full name is `<prefix>_<own>` inside another instance)."""
        if isinstance(name, str):
            own = str(self.substituter.value(name, scope, names_only=True, where=("name",)))
            return f"{own}_{index}" if repeat > 1 and "{" not in name else own
        key = (prefix or "") + "\x00" + block.name
        count = self.auto_instances.get(key, 0)
        self.auto_instances[key] = count + 1
        return block.name if count == 0 else f"{block.name}_{count}"

    def instance(self, block: Block, values: dict[str, Any], instance: str, sources: list[str],
                 instances: tuple[Instance, ...]) -> str:
        """The layers of one instance, appended; returns the reference to its output."""
        local = dict(zip(block.inputs, sources, strict=True))
        previous = sources[0]
        chain = self.chain
        for index, entry in enumerate(block.layers):
            path = block.path + ("layers", index)
            type_name = entry_type(entry)
            prefix = None if block.kind == "keras_model" else instance  # Keras names are the model's own
            if type_name in self.blocks:
                written = self.usearguments(entry, path, type_name)
                if written is not None:
                    previous = self.use(self.blocks[type_name], written, values, local, previous, prefix, chain, instances)
                continue
            if type_name in MODEL_TYPES and is_model_entry(entry, type_name):
                child = str(index) if block.kind == "torch_sequential" else None  # nn.Sequential's child name
                previous = self.nested_model(type_name, entry, path, values, local, previous, prefix, instances, child)
                continue
            try:
                previous = self.block_layer(entry, path, values, local, previous, instance, instances, block.kind, index)
            except SubstitutionError as error:
                self.problem("SC004", f"{block.name}: {error.message}", error.where)
        if block.output is None:
            return previous
        if block.output not in local:
            key, what = ("outputs", "model") if block.kind == "keras_model" else ("output", "block")  # Functional's
            self.problem("SC005", f"{described(block)}: `{key}: {block.output}` is not a layer or input of the {what}",
                         block.path + (key,))
            return previous
        return local[block.output]

    def block_layer(self, entry: Any, path: DocPath, values: dict[str, Any], local: dict[str, str], previous: str,
                    instance: str, instances: tuple[Instance, ...], kind: str = "block", index: int = 0) -> str:
        if self.chain:
            if not isinstance(entry, str):
                entry = self.substituter.entry(entry, values, path)
        else:  # a nested model's layer outside any block: as written, no parameters
            entry = copied(entry)
        if kind == "torch_sequential" and written_name(entry) is None:
            entry = self.with_name(entry, str(index))  # nn.Sequential names its children 0, 1, ...
        args = arguments(entry)
        own = name = None
        inputs = None
        if args is not None:
            own = args.get("name")
            if type(own) is str:
                name = args["name"] = own if kind == "keras_model" else f"{instance}_{own}"
            else:
                own = None
            inputs = args.get("inputs")
            if isinstance(inputs, str):
                inputs = [inputs]
        if inputs is not None:
            where = args_path(entry, path) + ("inputs",)
            resolved = [self.reference(ref, local, where + (i,)) if isinstance(ref, str) else None
                        for i, ref in enumerate(inputs)]
            entry = self.with_inputs(entry, [ref if ref is not None else "" for ref in resolved])
        elif previous != self.last_reference():
            entry = self.with_inputs(entry, [previous])
        reference = self.append(entry, Origin(self.use_index, path, self.chain, instances, not self.chain), name)
        if own is not None:
            local[own] = reference
        return reference

    def nested_model(self, type_name: str, entry: Any, path: DocPath, scope: dict[str, Any], local: dict[str, str],
                     previous: str, prefix: str | None, instances: tuple[Instance, ...], child: str | None = None) -> str:
        """A model used as a layer (`Sequential: {name: head, layers: [...]}`): its layers written out in
        place, as one instance that Keras's summary shows as one row."""
        written = self.usearguments(entry, path, type_name)
        if written is None:
            return previous
        args, args_path = written
        try:
            body = ModelBody.read(type_name, args, args_path, self.framework)
        except NotReadable as refusal:
            self.problem(refusal.code, refusal.message, refusal.path)
            return previous
        sources = self.use_inputs(body.signature(args.get("name")), args, scope, local, previous, args_path, prefix)
        if sources is None:
            return previous
        name = args.get("name")
        if type(name) is int:
            name = str(name)
        if not isinstance(name, str) and child is not None:
            name = child
        if not isinstance(name, str):
            key = (prefix or "") + "\x00" + type_name
            count = self.auto_instances.get(key, 0)
            self.auto_instances[key] = count + 1
            name = type_name.lower() if count == 0 else f"{type_name.lower()}_{count}"
        full = f"{prefix}_{name}" if prefix and self.framework == "pytorch" else name
        kind = "keras_model" if self.framework == "keras" else "torch_sequential"
        instance = Instance(full, type_name, model=True)
        instance.output = self.instance(body.block(full, args_path, kind, self.with_key), scope, full, sources,
                                        instances + (instance,))
        local[name] = instance.output
        return instance.output

    # -- references and entries --------------------------------------------------------------

    def reference(self, written: str, local: dict[str, str], path: DocPath, strict: bool = True) -> str | None:
        """What a name written in `inputs:` refers to; in the model's own entries (not strict), a name
        that is not an instance is left for the engine to resolve."""
        base, suffix = split_reference(written)
        if base in local:
            return local[base] + suffix
        if not strict:
            return written
        known = ", ".join(local) or "none"
        self.problem("SC005", f"{written!r} is not an input, layer or block of this block (it has: {known})", path)
        return None

    def append(self, entry: Any, origin: int | Origin, name: str | None) -> str:
        if len(self.entries) >= self.max_layers:
            raise TooLarge
        self.entries.append(entry)
        self.origins.append(origin)
        self.names.append(name)
        return name if name is not None else f"{PLACEHOLDER}{len(self.entries) - 1}"

    def last_reference(self) -> str:
        if not self.entries:
            return MODEL_INPUT
        name = self.names[-1]
        return name if name is not None else f"{PLACEHOLDER}{len(self.entries) - 1}"

    def with_name(self, entry: Any, name: str) -> Any:
        return with_key(entry, "name", name, self.primary)

    def with_inputs(self, entry: Any, inputs: list[str]) -> Any:
        return with_key(entry, "inputs", inputs, self.primary)

    def with_key(self, entry: Any, key: str, value: Any) -> Any:
        return with_key(entry, key, value, self.primary)

    def primary(self, type_name: str, written: Any) -> str | None:
        """The argument a scalar form's value is (`Dense: 64`), or `args` for positional ones (`Conv2d: [3, 16, 3]`)."""
        from shapecalc.layers.positional import scalar_argument
        from shapecalc.layers.spelling import plain_type_name

        type_name = plain_type_name(type_name)
        cls = self.lookup(self.framework, type_name)
        return scalar_argument(cls, self.framework, type_name, written) if cls is not None else None

    def problem(self, code: str, message: str, path: DocPath) -> None:
        """Reported where it is written; the stage adds the top-level use it was met in."""
        self.problems += 1
        self.report(code, message, path, self.use_index)

    def count_instance(self) -> None:
        """Instances count toward the limit too: a use whose every repetition fails makes no layers."""
        self.instances += 1
        if self.instances > self.max_layers:
            raise TooLarge
