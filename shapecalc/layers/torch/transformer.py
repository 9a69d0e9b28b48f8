"""torch.nn Transformer layers: TransformerEncoderLayer, TransformerDecoderLayer and Transformer.

The output has the shape of the sequence being transformed (src for an
encoder layer, tgt for a decoder layer and for Transformer), whose last axis
must be d_model. With d = d_model, f = dim_feedforward and bias (b = 1):

    attention block:  4*d*d + 4*d*b             (in- and out-projections)
    feed-forward:     d*f + f*b + f*d + d*b     (linear1, linear2)
    LayerNorm:        d + d*b each

    encoder layer = attention + feed-forward + 2 LayerNorms
    decoder layer = 2 attentions + feed-forward + 3 LayerNorms
    Transformer   = num_encoder_layers encoder layers + LayerNorm
                  + num_decoder_layers decoder layers + LayerNorm

Inputs are passed in torch's order: `inputs: [tgt, memory]` for a decoder
layer, `inputs: [src, tgt]` for Transformer.

TransformerEncoder and TransformerDecoder stack `num_layers` copies of the
layer entry given as `encoder_layer:` / `decoder_layer:` (torch deep-copies
it), plus the optional `norm:` entry:
num_layers * layer parameters + norm parameters.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from shapecalc.arguments.types import ArgumentError, PositiveInt, Probability
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Params, Why
from shapecalc.layers.torch.common import TorchLayer, disagree, need_ranks, torch_size
from shapecalc.shapes import Shape, ShapeError


class _TransformerBase(TorchLayer):
    """Arguments and parameter arithmetic shared by the Transformer modules."""

    d_model: PositiveInt
    nhead: PositiveInt
    dim_feedforward: PositiveInt = 2048
    dropout: Probability = 0.1
    activation: Literal["relu", "gelu"] = "relu"
    layer_norm_eps: float = 1e-5
    batch_first: bool = False
    norm_first: bool = False
    bias: bool = True
    device: str | None = None

    def check(self) -> None:
        if self.d_model % self.nhead:
            raise ArgumentError("nhead", f"embed_dim must be divisible by num_heads "
                                f"(d_model={self.d_model}, nhead={self.nhead})")

    def need_model_width(self, role: str, shape: Shape) -> None:
        need_ranks(shape, (2, 3), f"{self.type_name()} {role}")
        if shape[-1] is not None and shape[-1] != self.d_model:
            raise ShapeError(f"{self.type_name()}: the feature number of {role} ({shape[-1]}) must be equal to "
                             f"d_model ({self.d_model}), input {torch_size(shape)}", code="SC102")

    def need_same_batch(self, first: Shape, second: Shape, names: str) -> None:
        if len(first) != len(second):
            raise ShapeError(f"{self.type_name()}: {names} must both be batched (3D) or both unbatched (2D), "
                             f"received {torch_size(first)} and {torch_size(second)}", code="SC102")
        if len(first) == 3:
            axis = 0 if self.batch_first else 1
            if disagree(first[axis:axis + 1], second[axis:axis + 1]):
                raise ShapeError(f"{self.type_name()}: the batch number of {names} must be equal, received "
                                 f"{torch_size(first)} and {torch_size(second)}", code="SC102")

    def attention(self) -> int:
        d, b = self.d_model, int(self.bias)
        return 4 * d * d + 4 * d * b

    def feed_forward(self) -> int:
        d, f, b = self.d_model, self.dim_feedforward, int(self.bias)
        return 2 * d * f + (f + d) * b

    def norm(self) -> int:
        return self.d_model * (1 + int(self.bias))

    def encoder_layer(self) -> int:
        return self.attention() + self.feed_forward() + 2 * self.norm()

    def decoder_layer(self) -> int:
        return 2 * self.attention() + self.feed_forward() + 3 * self.norm()


    def length(self, shape: Shape) -> int | None:
        """Sequence length of one sample: axis 1 with batch_first, else axis 0 (unbatched: axis 0)."""
        return shape[1] if len(shape) == 3 and self.batch_first else shape[0]

    def attention_macs(self, queries: int | None, keys: int | None) -> int | None:
        """Projections (3 in, 1 out: 4 linear maps of d*d per position) and scaled_dot_product_attention's
        two products, 2*queries*keys*d; fvcore misses the latter, shapecalc counts it."""
        d = self.d_model
        return costs.total([costs.times(queries, 2 * d * d), costs.times(keys, 2 * d * d),
                            costs.attention(queries, keys, d, d)])

    def feed_forward_macs(self, length: int | None) -> int | None:
        """linear1 and linear2 at every position, plus the LayerNorms' 5 per element (`norms` of them)."""
        return costs.times(length, 2 * self.d_model * self.dim_feedforward)

    def norm_macs(self, length: int | None, norms: int) -> int | None:
        return costs.times(length, norms * 5 * self.d_model)

    def encoder_macs(self, length: int | None) -> int | None:
        return costs.total([self.attention_macs(length, length), self.feed_forward_macs(length),
                            self.norm_macs(length, 2)])

    def decoder_macs(self, length: int | None, memory: int | None) -> int | None:
        return costs.total([self.attention_macs(length, length), self.attention_macs(length, memory),
                            self.feed_forward_macs(length), self.norm_macs(length, 3)])


class TransformerEncoderLayer(_TransformerBase):
    """Self-attention and feed-forward over src: shape unchanged; params 4d^2+4d + 2df+f+d + 2*2d."""

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        self.need_model_width("src", inputs[0])
        return inputs[0]

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        return self.encoder_macs(self.length(inputs[0]))

    def params(self, inputs: list[Shape], why: Why) -> Params:
        total = self.encoder_layer()
        why.step(f"params: attention {self.attention()} + feed-forward {self.feed_forward()} "
                 f"+ 2 LayerNorms of {self.norm()} = {total}")
        return Params(total)


class TransformerDecoderLayer(_TransformerBase):
    """Called on [tgt, memory]: shape of tgt; params 2*(4d^2+4d) + 2df+f+d + 3*2d."""

    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 2

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        tgt, memory = inputs
        self.need_model_width("tgt", tgt)
        self.need_model_width("memory", memory)
        self.need_same_batch(tgt, memory, "tgt and memory")
        return tgt

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        return self.decoder_macs(self.length(inputs[0]), self.length(inputs[1]))

    def params(self, inputs: list[Shape], why: Why) -> Params:
        total = self.decoder_layer()
        why.step(f"params: 2 attentions of {self.attention()} + feed-forward {self.feed_forward()} "
                 f"+ 3 LayerNorms of {self.norm()} = {total}")
        return Params(total)


class Transformer(_TransformerBase):
    """Called on [src, tgt]: shape of tgt; params N_enc encoder layers + N_dec decoder layers + 2 LayerNorms."""

    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 2

    d_model: PositiveInt = 512
    nhead: PositiveInt = 8
    num_encoder_layers: PositiveInt = 6
    num_decoder_layers: PositiveInt = 6

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        src, tgt = inputs
        self.need_model_width("src", src)
        self.need_model_width("tgt", tgt)
        self.need_same_batch(src, tgt, "src and tgt")
        return tgt

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        source, target = self.length(inputs[0]), self.length(inputs[1])
        encoder = costs.total([costs.times(self.num_encoder_layers, self.encoder_macs(source)),
                               self.norm_macs(source, 1)])
        decoder = costs.total([costs.times(self.num_decoder_layers, self.decoder_macs(target, source)),
                               self.norm_macs(target, 1)])
        return costs.total([encoder, decoder])

    def params(self, inputs: list[Shape], why: Why) -> Params:
        encoder = self.num_encoder_layers * self.encoder_layer() + self.norm()
        decoder = self.num_decoder_layers * self.decoder_layer() + self.norm()
        why.step(f"params: encoder {self.num_encoder_layers}*{self.encoder_layer()} + {self.norm()}, "
                 f"decoder {self.num_decoder_layers}*{self.decoder_layer()} + {self.norm()} = {encoder + decoder}")
        return Params(encoder + decoder)


class _Stack(TorchLayer):
    """num_layers copies of one layer entry, then an optional norm entry (both written as layer entries)."""

    nested_entries: ClassVar[tuple[str, ...]] = ("norm",)
    role: ClassVar[str] = "encoder_layer"

    num_layers: PositiveInt
    norm: Any = None
    enable_nested_tensor: bool = True
    mask_check: bool = True

    def repeated(self) -> Any:
        return getattr(self, self.role)

    def check(self) -> None:
        wanted = "TransformerEncoderLayer" if self.role == "encoder_layer" else "TransformerDecoderLayer"
        found = type(getattr(self.repeated(), "layer", self.repeated())).__name__
        if found != wanted:
            raise ArgumentError(self.role, f"`{self.role}` must be one {wanted} entry, received {found}")
        if self.norm is not None and not hasattr(self.norm, "layer"):
            raise ArgumentError("norm", f"`norm` must be one layer entry (LayerNorm: ...), "
                                f"received {type(self.norm).__name__}")

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        inner = self.repeated().layer
        shape = inputs[0]
        for _ in range(self.num_layers):  # each copy keeps the shape, so this stops after one or two
            before, shape = shape, inner.output_shape([shape, *inputs[1:]], why)
            if shape == before:
                break
        if self.norm is not None:
            shape = self.norm.layer.output_shape([shape], why)
        return shape

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        each = self.repeated().layer.macs(inputs, inputs[0])
        norm = self.norm.layer.macs([inputs[0]], inputs[0]) if self.norm is not None else 0
        return costs.total([costs.times(self.num_layers, each), norm])

    def params(self, inputs: list[Shape], why: Why) -> Params:
        each = self.repeated().layer.params(inputs, Why()).total
        norm = self.norm.layer.params([inputs[0]], Why()).total if self.norm is not None else 0
        total = self.num_layers * each + norm
        why.step(f"params: {self.num_layers}*{each}" + (f" + norm {norm}" if self.norm is not None else "")
                 + f" = {total}")
        return Params(total)


class TransformerEncoder(_Stack):
    """num_layers copies of `encoder_layer` over src (shape unchanged), then `norm`; params add up."""

    nested_entries: ClassVar[tuple[str, ...]] = ("encoder_layer", "norm")

    encoder_layer: Any


class TransformerDecoder(_Stack):
    """Called on [tgt, memory]: num_layers copies of `decoder_layer`, then `norm`; the shape of tgt."""

    nested_entries: ClassVar[tuple[str, ...]] = ("decoder_layer", "norm")
    role: ClassVar[str] = "decoder_layer"
    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 2

    decoder_layer: Any
    enable_nested_tensor: ClassVar[None] = None
    mask_check: ClassVar[None] = None
