"""InceptionResNetV2's scaled residual sum, `CustomScaleLayer`: a Keras class from outside keras.layers.

`keras.applications.InceptionResNetV2` joins each residual branch to its
shortcut with a layer its own module defines
(`keras.src.applications.inception_resnet_v2.CustomScaleLayer`, so a saved
model names that module), not with `Add`:

    CustomScaleLayer(scale)([x, up])  ->  x + up * scale

It takes a list of tensors and a number and has no weights. Its call reads
the first two tensors only, so a third is taken and ignored, as in Keras; one
tensor alone is refused (SC102): Keras would index its batch axis as the list. As
Keras's own class it needs no `custom_layers:` declaration (a declaration of
the same name still takes precedence, as for any type). Its row is
`custom_scale_layer (CustomScaleLayer)`, auto-named like any layer.

The class defines no `compute_output_shape`, so Keras traces `x + up * scale`:
the two shapes broadcast as NumPy's do, batch axis included. Where a size is
unknown against a known size other than 1, the torch backend's trace (which
stands in a placeholder for unknown sizes) gives up while other backends take
the known size; shapecalc takes the known size, as a model Keras saved was
built on some backend that could.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.broadcast import broadcast_shapes
from shapecalc.costs import receptive
from shapecalc.layers.base import Layer, Why
from shapecalc.shapes import Shape, format_shape


class CustomScaleLayer(receptive.KeepsField, Layer):
    """inputs[0] + inputs[1] * scale (InceptionResNetV2): the broadcast of the two shapes, no parameters."""

    primary: ClassVar[str | None] = "scale"
    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = None  # Keras's call reads inputs[0] and inputs[1] of any list

    scale: float

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        result = broadcast_shapes(inputs[:2], "CustomScaleLayer")
        why.step(f"x + up * {self.scale}: {format_shape(inputs[0])} and {format_shape(inputs[1])} "
                 f"broadcast to {format_shape(result)}")
        return result
