"""The input of a functional model used as a layer: `keras.Input(shape)` inside a nested `Functional:` entry.

A nested functional model (blocks/expand.py) is written out in place, so
each of its Inputs becomes this layer, called on the tensor the model is
called on. It passes that tensor on after the check Keras makes when a
functional model is called (`Functional.input_spec`, then
`_adjust_input_rank`):

- both shapes lose a trailing axis of size 1, then every size the Input
  declares must equal the tensor's where both are known (the batch axis is
  never checked);
- the tensor's rank must equal the Input's, or be one more with a last axis
  of 1 (squeezed), or one less where the Input's last axis is 1 (expanded).

Its row is Keras's `input_layer (InputLayer)`, 0 parameters, shown under its
model by `--expand`. Anywhere else the entry is refused: a file's own input
is `input:`/`inputs:` or a first `Input:` entry (validate.py).
"""

from __future__ import annotations

from typing import Any, ClassVar

from shapecalc.arguments.types import ArgumentError, PositiveInt
from shapecalc.layers.base import Layer, Why
from shapecalc.model import INPUT_TYPE, ShapeSpec
from shapecalc.shapes import Shape, ShapeError, format_shape


class InputLayer(Layer):
    """A nested functional model's input (`keras.Input(shape)`): the tensor it is called on, checked against
    `(None, *shape)` as Keras checks it (trailing 1s aside, known sizes equal; rank equal, or off by a last
    axis of 1, which is squeezed or added). Params: 0."""

    primary: ClassVar[str | None] = "shape"
    auto_name: ClassVar[str] = "input_layer"

    shape: ShapeSpec
    batch_size: PositiveInt | None = None
    model_input_of: str | None = None  # the nested model it starts; written by the reader, not in files

    def check(self) -> None:
        if self.model_input_of is None:
            raise ArgumentError(
                "shape",
                "an `Input` entry declares a model's input: it stands first in the file's layers, or first in "
                "the `layers:` of a nested `Functional` model; here it would be called on the previous layer",
            )

    @classmethod
    def type_name(cls) -> str:
        return INPUT_TYPE

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        received = inputs[0]
        expected: Shape = (None, *self.shape)
        self.check_sizes(received, expected)
        adjusted = self.adjusted_rank(received, expected)
        why.step(f"input of {self.model_input_of}: {format_shape(received)} fits {format_shape(expected)}")
        return adjusted

    def check_sizes(self, received: Shape, expected: Shape) -> None:
        """Keras's InputSpec check with allow_last_axis_squeeze: sizes compared pairwise, after trailing 1s."""
        ours = received[:-1] if received and received[-1] == 1 else received
        theirs = expected[:-1] if expected and expected[-1] == 1 else expected
        for axis, (want, got) in enumerate(zip(theirs[1:], ours[1:], strict=False), start=1):
            if want is not None and got is not None and want != got:
                raise ShapeError(self.refusal(received, expected, f"axis {axis} is {got}, not {want}"), code="SC102")

    def adjusted_rank(self, received: Shape, expected: Shape) -> Shape:
        """Functional._adjust_input_rank: equal ranks pass; a last axis of 1 is squeezed or added."""
        if len(received) == len(expected):
            return received
        if len(received) == len(expected) + 1 and received[-1] == 1:
            return received[:-1]
        if len(received) == len(expected) - 1 and expected[-1] == 1:
            return (*received, 1)
        raise ShapeError(self.refusal(received, expected, f"rank {len(received)}, not {len(expected)}"), code="SC102")

    def refusal(self, received: Shape, expected: Shape, detail: Any) -> str:
        return (f"model {self.model_input_of!r} is called on {format_shape(received)}, but its Input expects "
                f"{format_shape(expected)} ({detail})")

    def receptive_field(self, fields: list, inputs: list[Shape]) -> Any:
        """The tensor passes unchanged (a squeezed or added last axis of 1 is not spatial)."""
        return fields[0]
