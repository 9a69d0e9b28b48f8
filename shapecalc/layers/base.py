"""The Layer base class: a layer type's arguments, shape rule, parameter count and explanation.

A layer type is one subclass. Its annotated attributes are the framework's
own argument names and defaults; `output_shape()` and `params()` write their
arithmetic into a `Why` as they go, so `summarize` and `explain` share one
computation.

Start-up cost matters (this runs in pre-commit hooks), so a Layer is a
`Declared` class (see `arguments/declarative.py`), not a pydantic model, and is built by
`Layer.build()`: arguments that a quick check derived from the annotations
accepts are stored as they are; anything else goes through full pydantic
validation (a model built from the same annotations on first use), which
either accepts it too or produces the precise, located error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple, Self

from shapecalc.arguments.declarative import Declared
from shapecalc.arguments.quickcheck import accepts, construct
from shapecalc.codes import ERROR, Code
from shapecalc.shapes import Axis, Dim, Shape, ShapeError

SC102 = Code("SC102", ERROR, "a layer cannot take the shape it receives (wrong rank, size mismatch)")


class Params(NamedTuple):
    """Parameter counts of one layer, split the way Keras's summary splits them."""

    trainable: int = 0
    non_trainable: int = 0

    @property
    def total(self) -> int:
        return self.trainable + self.non_trainable

    def frozen(self) -> Params:
        return Params(0, self.total)


@dataclass(slots=True)
class Why:
    """How one layer's output came about: the steps of arithmetic and what they revealed.

    Slotted: the engine makes one per layer call, 100,000 of them for the
    largest models, and a per-instance dict was a visible share of that time.
    """

    steps: list[str] = field(default_factory=list)
    axes: list[Axis] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the layer feeding each input, for messages

    def step(self, text: str) -> None:
        self.steps.append(text)

    def axis(self, result: Axis) -> Dim:
        """Record one spatial axis's working and return its size."""
        self.axes.append(result)
        self.steps.append(result.formula)
        return result.size


class Layer(Declared):
    """Base of every layer type. Subclasses declare fields and override the rules."""

    primary: ClassVar[str | None] = None  # the argument a scalar entry (`Dense: 10`) fills
    min_inputs: ClassVar[int] = 1
    max_inputs: ClassVar[int | None] = 1
    auto_name: ClassVar[str] = ""  # Keras's name prefix; derived from the class name if empty
    framework: ClassVar[str] = "keras"
    nested_entries: ClassVar[tuple[str, ...]] = ()  # arguments holding a layer entry (wrappers' `layer:`)
    # Its output axes are not its input's spatial axes one to one (Permute, Reshape, Flatten, a torch
    # Linear over the last axis): comparisons of spatial sizes across it (SC202) mean nothing.
    rearranges_axes: ClassVar[bool] = False
    built_sublayers: ClassVar[tuple[str, ...]] = ()  # name prefixes of unnamed sublayers Keras makes at build
    user_declared: ClassVar[bool] = False  # declared in the file (`custom_layers:`), marked in the summary
    graph_only: ClassVar[bool] = False  # exists only in functional models (Keras operations): makes the file one

    @classmethod
    def build(cls, args: dict[str, Any]) -> Self:
        """Validate `args` into a layer; raises pydantic.ValidationError or ArgumentError."""
        if accepts(cls, args):
            layer = construct(cls, args)
        else:
            layer = cls.model_validate(args)
        layer.check()
        return layer

    @classmethod
    def type_name(cls) -> str:
        return cls.__name__

    @classmethod
    def name_prefix(cls) -> str:
        prefix = _PREFIXES.get(cls)
        if prefix is None:
            prefix = _PREFIXES[cls] = cls.auto_name or snake_case(cls.__name__)
        return prefix

    def check(self) -> None:
        """Refuse argument combinations the framework refuses at construction time."""

    def inner_layers(self) -> list[Any]:
        """The LayerSpecs this layer wraps; Keras constructs them first, so they take auto names first."""
        return []

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape | list[Shape]:
        raise NotImplementedError(f"{type(self).__name__}.output_shape")

    def params(self, inputs: list[Shape], why: Why) -> Params:
        """Parameters created for these input shapes; most layers have none."""
        return Params()

    def receptive_field(self, fields: list[Any], inputs: list[Shape]) -> Any:
        """The output's field (`shapecalc.costs.receptive`) from the inputs' fields: by default None,
        a fixed window no longer describes the output. Layers that keep or slide it say so."""
        return None

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> int | None:
        """Multiply-accumulates of one call for one sample, in fvcore's convention
        (`shapecalc.costs.macs`); None when a size it needs is unknown.

        Most layers (activations, pooling, adds, reshapes) count 0 there.
        """
        return 0


_PREFIXES: dict[type, str] = {}


def snake_case(name: str) -> str:
    """Keras's auto-name rule: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d, ReLU -> re_lu."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def single(inputs: list[Shape]) -> Shape:
    """The one input of a single-input layer."""
    return inputs[0]


def need_rank(shape: Shape, rank: int | tuple[int, ...], layer: str, what: str = "") -> None:
    """Raise the framework's 'expected ndim' error unless the input has the given rank (batch included)."""
    ranks = (rank,) if isinstance(rank, int) else rank
    if len(shape) not in ranks:
        wanted = " or ".join(str(r) for r in ranks)
        from shapecalc.shapes import format_shape

        raise ShapeError(
            f"{layer} expects an input of rank {wanted}{what} (batch axis included), "
            f"but received shape {format_shape(shape)} of rank {len(shape)}",
            code="SC102",
        )


def need_min_rank(shape: Shape, rank: int, layer: str) -> None:
    if len(shape) < rank:
        from shapecalc.shapes import format_shape

        raise ShapeError(
            f"{layer} expects an input of rank >= {rank} (batch axis included), "
            f"but received shape {format_shape(shape)} of rank {len(shape)}",
            code="SC102",
        )
