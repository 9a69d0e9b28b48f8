"""torch.nn.MultiheadAttention, called as in PyTorch: (query, key, value).

`inputs: [query, key, value]` in the file (torch's order, not Keras's
`[query, value, key]`); `[query, key]` uses key as value and `[x]` is
self-attention. With `batch_first=False` (the default) tensors are
(L, N, E); with `batch_first=True` (N, L, E); unbatched (L, E) works too.
The row shows `attn_output`, shaped like the query: (..., embed_dim).

Parameters: an in-projection of 3*E*E (or E*E + E*kdim + E*vdim when kdim or
vdim differs from E) plus 3*E biases, the out-projection E*E + E, and
2*E more with `add_bias_kv`.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import ArgumentError, PositiveInt, Probability
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Params, Why
from shapecalc.layers.torch.common import TorchLayer, disagree, need_ranks, torch_size
from shapecalc.shapes import Shape, ShapeError


class MultiheadAttention(TorchLayer):
    __doc__ = __doc__

    min_inputs: ClassVar[int] = 1
    max_inputs: ClassVar[int | None] = 3

    embed_dim: PositiveInt
    num_heads: PositiveInt
    dropout: Probability = 0.0
    bias: bool = True
    add_bias_kv: bool = False
    add_zero_attn: bool = False
    kdim: PositiveInt | None = None
    vdim: PositiveInt | None = None
    batch_first: bool = False
    device: str | None = None

    def check(self) -> None:
        if self.embed_dim % self.num_heads:
            raise ArgumentError("num_heads", f"embed_dim must be divisible by num_heads "
                                f"(embed_dim={self.embed_dim}, num_heads={self.num_heads})")

    def key_dim(self) -> int:
        return self.kdim or self.embed_dim

    def value_dim(self) -> int:
        return self.vdim or self.embed_dim

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        query = inputs[0]
        key = inputs[1] if len(inputs) > 1 else query
        value = inputs[2] if len(inputs) > 2 else key
        for role, shape, width in (("query", query, self.embed_dim), ("key", key, self.key_dim()),
                                   ("value", value, self.value_dim())):
            need_ranks(shape, (2, 3), f"MultiheadAttention {role}")
            if shape[-1] is not None and shape[-1] != width:
                raise ShapeError(f"MultiheadAttention: {role} has {shape[-1]} features but {width} were "
                                 f"expected (input {torch_size(shape)})", code="SC102")
        if not len(query) == len(key) == len(value):
            raise ShapeError("MultiheadAttention: query, key and value must all be batched (3D) or all "
                             f"unbatched (2D), received {torch_size(query)}, {torch_size(key)}, "
                             f"{torch_size(value)}", code="SC102")
        self.check_agree(key, value, query)
        return query

    def check_agree(self, key: Shape, value: Shape, query: Shape) -> None:
        """Key and value share everything but features; query shares the batch axis."""
        if disagree(key[:-1], value[:-1]):
            raise ShapeError(f"MultiheadAttention: key shape {torch_size(key)} does not match value shape "
                             f"{torch_size(value)}", code="SC102")
        if len(query) == 3:
            batch_axis = 0 if self.batch_first else 1
            if disagree(query[batch_axis:batch_axis + 1], key[batch_axis:batch_axis + 1]):
                raise ShapeError(f"MultiheadAttention: query {torch_size(query)} and key {torch_size(key)} "
                                 f"have different batch sizes", code="SC102")

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """Projections as linear maps (L*E*E for the query, S*kdim*E and S*vdim*E for key and value,
        L*E*E out) and the two batched products L*S*E each, as fvcore counts the call with weights."""
        query = inputs[0]
        key = inputs[1] if len(inputs) > 1 else query
        value = inputs[2] if len(inputs) > 2 else key
        e = self.embed_dim
        queries, keys = self.length(query), self.length(key)
        extra = int(self.add_bias_kv) + int(self.add_zero_attn)  # key/value rows appended before the products
        attended = None if keys is None else keys + extra
        return costs.total([
            costs.times(queries, e, e), costs.times(keys, self.key_dim(), e), costs.times(self.length(value), self.value_dim(), e),
            costs.attention(queries, attended, e, e), costs.times(queries, e, e),
        ])

    def length(self, shape: Shape) -> int | None:
        """Sequence length of one sample: axis 1 with batch_first, else axis 0 (unbatched: axis 0)."""
        return shape[1] if len(shape) == 3 and self.batch_first else shape[0]

    def params(self, inputs: list[Shape], why: Why) -> Params:
        e = self.embed_dim
        projections = e * (e + self.key_dim() + self.value_dim())
        in_bias = 3 * e if self.bias else 0
        out = e * e + (e if self.bias else 0)
        bias_kv = 2 * e if self.add_bias_kv else 0
        total = projections + in_bias + out + bias_kv
        why.step(f"params: in-projection {projections} + {in_bias}, out-projection {out}"
                 + (f", bias_k/bias_v {bias_kv}" if bias_kv else "") + f" = {total}")
        return Params(total)
