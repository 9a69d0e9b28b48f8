"""ConvNeXt's `LayerScale`: a Keras class from outside keras.layers, written into every saved ConvNeXt.

`keras.applications.ConvNeXt*` scales each block's residual branch by a
learned per-channel vector, with a layer its own module defines
(`keras.src.applications.convnext.LayerScale`, so a saved model names that
module):

    LayerScale(init_values, projection_dim)(x)  ->  x * gamma,  gamma of shape (projection_dim,)

Params: projection_dim (gamma, trainable). The output is the NumPy broadcast
of x and gamma's shape, as `x * gamma` computes it: x's own shape when its
last axis is projection_dim (or when projection_dim is 1); a last axis of 1
becomes projection_dim; any other last axis is refused (SC103). As Keras's
own class it needs no `custom_layers:` declaration; a declaration of the
same name still takes precedence, as for any type.
"""

from __future__ import annotations

from shapecalc.arguments.types import PositiveInt
from shapecalc.broadcast import broadcast_shapes
from shapecalc.costs import receptive
from shapecalc.layers.base import Layer, Params, Why
from shapecalc.shapes import Shape, format_shape


class LayerScale(receptive.KeepsField, Layer):
    """x * gamma with gamma of shape (projection_dim,) (ConvNeXt): the broadcast of x and (projection_dim,);
    params = projection_dim."""

    init_values: float
    projection_dim: PositiveInt

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        result = broadcast_shapes([inputs[0], (self.projection_dim,)], "LayerScale")
        why.step(f"x * gamma: {format_shape(inputs[0])} and ({self.projection_dim},) broadcast to {format_shape(result)}")
        return result

    def params(self, inputs: list[Shape], why: Why) -> Params:
        why.step(f"gamma: projection_dim = {self.projection_dim}")
        return Params(self.projection_dim)
