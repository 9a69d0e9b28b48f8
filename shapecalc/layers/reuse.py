"""`Reuse`: call a layer defined earlier in the file again, on other inputs (a shared layer).

    - Dense: {units: 64, name: encoder, inputs: [left]}
    - Reuse: {layer: encoder, inputs: [right], name: right_code}

is Keras's `encoder(right)`: the same layer and the same weights, so its
parameters count once, and Keras's summary shows one `encoder` row whose
"Connected to" lists both calls (`left[0][0], right[0][0]`). The `name:` of
a Reuse entry names that call's output for later `inputs:` (it is not a
layer, so it gets no row); without one, the next entry still receives it as
the previous layer. Later layers reach the second call's output as
`encoder[1][0]` in Keras's notation. The engine does the work: this class
only carries the argument.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.layers.base import Layer, Why
from shapecalc.shapes import Shape


class Reuse(Layer):
    """Calls the layer named `layer` again; shapes and parameters are that layer's own rule."""

    primary: ClassVar[str | None] = "layer"
    min_inputs: ClassVar[int] = 0
    max_inputs: ClassVar[int | None] = None

    layer: str

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:  # pragma: no cover - the engine calls the target
        raise NotImplementedError("the engine evaluates a Reuse entry through the layer it names")
