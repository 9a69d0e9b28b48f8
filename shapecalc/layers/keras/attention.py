"""Keras attention layers: MultiHeadAttention, GroupQueryAttention, Attention (dot-product), AdditiveAttention.

All are called on [query, value] or [query, value, key] (SPEC §1: `inputs:`
in that order; the key defaults to the value).

MultiHeadAttention, with h heads, key_dim k, value_dim v (default k), query
width q, key width kw, value width vw and output width o (`output_shape`, or
q): projections query q->h*k, key kw->h*k, value vw->h*v (plus a gate q->h*v
with use_gate), and the output h*v->o. Each projection has a bias over its
outputs when use_bias:

    params = q*h*k + kw*h*k + vw*h*v + h*v*o (+ q*h*v gate) + biases h*k + h*k + h*v + o (+ h*v)

The output is the query's shape with the last axis replaced by `output_shape`.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from shapecalc.arguments.declarative import Aliased
from shapecalc.arguments.types import ArgumentError, PositiveInt, WeightSettings
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Layer, Params, Why
from shapecalc.shapes import Shape, ShapeError, format_shape, product


def _query_value_key(inputs: list[Shape]) -> tuple[Shape, Shape, Shape]:
    query, value = inputs[0], inputs[1]
    return query, value, inputs[2] if len(inputs) > 2 else value


def _known_last(shape: Shape, role: str, layer: str) -> int:
    if shape[-1] is None:
        raise ShapeError(f"{layer} needs the last axis of the {role} to be known, received {format_shape(shape)}",
                         code="SC102")
    return shape[-1]


class _Projected(WeightSettings, Layer):
    """What MultiHeadAttention and GroupQueryAttention share: the call (query, value[, key]),
    the projections' settings, and the Softmax and Dropout they make, unnamed, when first called."""

    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 3
    built_sublayers: ClassVar[tuple[str, ...]] = ("softmax", "dropout")

    dropout: float = 0.0
    use_bias: bool = True
    sliding_window: PositiveInt | None = None
    flash_attention: bool | None = None
    use_gate: bool = False
    seed: int | None = None


def _projection_params(projections: list[tuple[str, int, int]], use_bias: bool, why: Why) -> Params:
    """Sum of dense projections (role, fan_in, fan_out), each with fan_out biases when use_bias."""
    total = 0
    for role, fan_in, fan_out in projections:
        count = fan_in * fan_out + (fan_out if use_bias else 0)
        bias_text = f" + {fan_out}" if use_bias else ""
        why.step(f"{role}: {fan_in}*{fan_out}{bias_text} = {count}")
        total += count
    why.step(f"params: {' + '.join(role for role, _, _ in projections)} = {total}")
    return Params(total)


class MultiHeadAttention(_Projected):
    """Multi-head attention: the query's shape with its last axis set to `output_shape` (default: the query's).

    Params: see the module docstring (four einsum projections, each h*k or h*v wide).
    """

    num_heads: PositiveInt
    key_dim: PositiveInt
    value_dim: PositiveInt | None = None
    # Keras's `output_shape` argument; renamed here because `output_shape` is the shape rule's name.
    projection_shape: PositiveInt | list[PositiveInt] | None = Aliased("output_shape", None)
    attention_axes: int | list[int] | None = None

    def output_width(self) -> tuple[int, ...] | None:
        if not self.projection_shape:
            return None
        shape = self.projection_shape
        return (shape,) if isinstance(shape, int) else tuple(shape)

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        query, value, key = _query_value_key(inputs)
        if value[1:-1] != key[1:-1]:
            raise ShapeError(
                f"{self.type_name()}: all dimensions of `value` and `key`, except the last one, must be equal, "
                f"received value {format_shape(value)} and key {format_shape(key)}",
                code="SC103",
            )
        self.check_attention_axes(query)
        width = self.output_width()
        output = query if width is None else (*query[:-1], *width)
        why.step(f"shape: the query's {format_shape(query)}, last axis -> {format_shape(output[len(query) - 1:])[1:-1]}")
        return output

    def check_attention_axes(self, query: Shape) -> None:
        """Keras indexes the projected query (batch, ..., heads, key_dim) with these axes (negatives from its end - 1)."""
        axes = self.attention_axes
        rank = len(query) + 1
        for axis in [axes] if isinstance(axes, int) else axes or []:
            position = axis if axis >= 0 else (rank - 1) + axis
            if not -rank <= position < rank:
                raise ShapeError(
                    f"{self.type_name()}: attention_axes={axes} is out of range for a query of rank {len(query)} "
                    f"{format_shape(query)}",
                    code="SC102",
                )

    def params(self, inputs: list[Shape], why: Why) -> Params:
        query, value, key = _query_value_key(inputs)
        name = self.type_name()
        q = _known_last(query, "query", name)
        v_in = _known_last(value, "value", name)
        k_in = _known_last(key, "key", name)
        heads, kd = self.num_heads, self.key_dim
        vd = self.value_dim or kd
        width = self.output_width()
        out = product(width) if width else q
        projections = [("query", q, heads * kd), ("key", k_in, heads * kd), ("value", v_in, heads * vd)]
        if self.use_gate:
            projections.append(("gate", q, heads * vd))
        projections.append(("output projection", heads * vd, out or 0))
        return _projection_params(projections, self.use_bias, why)

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """As torch's MultiheadAttention: each projection a linear map at every position, then per head
        the two products queries*keys*key_dim and queries*keys*value_dim."""
        query, value, key = _query_value_key(inputs)
        heads, kd = self.num_heads, self.key_dim
        vd = self.value_dim or kd
        width = self.output_width()
        queries = costs.positions(query)
        counts = [costs.linear(query, heads * kd), costs.linear(key, heads * kd), costs.linear(value, heads * vd),
                  costs.attention(costs.times(heads, queries), costs.positions(key), kd, vd),
                  costs.times(queries, heads * vd, costs.area(width) if width else query[-1])]
        if self.use_gate:
            counts.append(costs.linear(query, heads * vd))
        return costs.total(counts)



class GroupedQueryAttention(_Projected):
    """Grouped-query attention (Keras's GroupQueryAttention): the output has the query's shape.

    Query heads share key/value heads in groups. With h head_dim, u query
    heads, v key/value heads and query width m: query m->u*h, key and value
    (their own widths) -> v*h, a gate m->u*h with use_gate, output u*h->m;
    each with a bias over its outputs when use_bias.
    """

    head_dim: PositiveInt
    num_query_heads: PositiveInt
    num_key_value_heads: PositiveInt

    def check(self) -> None:
        if self.num_query_heads % self.num_key_value_heads:
            raise ArgumentError(
                "num_key_value_heads",
                f"`num_query_heads` must be divisible by `num_key_value_heads`, "
                f"received {self.num_query_heads} and {self.num_key_value_heads}",
            )

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        query, value, key = _query_value_key(inputs)
        if query[-1] != value[-1]:
            raise ShapeError(
                f"{self.type_name()}: the last dimension of the query and the value must be equal, "
                f"received query {format_shape(query)} and value {format_shape(value)}",
                code="SC103",
            )
        if value[1:-1] != key[1:-1]:
            raise ShapeError(
                f"{self.type_name()}: all dimensions of `value` and `key`, except the last one, must be equal, "
                f"received value {format_shape(value)} and key {format_shape(key)}",
                code="SC103",
            )
        why.step(f"shape: the query's {format_shape(query)}")
        return query

    def params(self, inputs: list[Shape], why: Why) -> Params:
        query, value, key = _query_value_key(inputs)
        name = self.type_name()
        m = _known_last(query, "query", name)
        query_width = self.num_query_heads * self.head_dim
        shared_width = self.num_key_value_heads * self.head_dim
        projections = [("query", m, query_width), ("key", _known_last(key, "key", name), shared_width),
                       ("value", _known_last(value, "value", name), shared_width)]
        if self.use_gate:
            projections.append(("gate", m, query_width))
        projections.append(("output projection", query_width, m))
        return _projection_params(projections, self.use_bias, why)

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """Projections as linear maps, then every query head's two products with its shared key/value head."""
        query, value, key = _query_value_key(inputs)
        query_width = self.num_query_heads * self.head_dim
        shared_width = self.num_key_value_heads * self.head_dim
        queries = costs.positions(query)
        counts = [costs.linear(query, query_width), costs.linear(key, shared_width), costs.linear(value, shared_width),
                  costs.attention(costs.times(self.num_query_heads, queries), costs.positions(key),
                                  self.head_dim, self.head_dim),
                  costs.times(queries, query_width, query[-1])]
        if self.use_gate:
            counts.append(costs.linear(query, query_width))
        return costs.total(counts)


class _ScoreAttention(Layer):
    """[query, value(, key)] -> (batch, Tq, value's last axis)."""

    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 3

    dropout: float = 0.0
    seed: int | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        query, value, _ = _query_value_key(inputs)
        output = (*query[:-1], value[-1])
        why.step(f"shape: the query's {format_shape(query)} with the value's last axis {value[-1]}")
        return output


class Attention(_ScoreAttention):
    """Dot-product attention: (batch, Tq, dim) -> (batch, Tq, value dim).

    Params: 1 scale with use_scale, 1 more weight with score_mode='concat'.
    """

    use_scale: bool = False
    score_mode: Literal["dot", "concat"] = "dot"

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """Scores query @ key^T (Tq*Tv*dim; none with score_mode='concat', a sum of tanh), then
        weights @ value (Tq*Tv*value dim)."""
        query, value, key = _query_value_key(inputs)
        queries, keys = costs.positions(query), costs.positions(key)
        scores = costs.times(queries, keys, query[-1]) if self.score_mode == "dot" else 0
        return costs.total([scores, costs.times(queries, keys, value[-1])])

    def params(self, inputs: list[Shape], why: Why) -> Params:
        count = int(self.use_scale) + int(self.score_mode == "concat")
        why.step(f"params: scale {int(self.use_scale)} + concat weight {int(self.score_mode == 'concat')} = {count}")
        return Params(count)


class AdditiveAttention(_ScoreAttention):
    """Bahdanau attention: (batch, Tq, dim) -> (batch, Tq, value dim); params: `dim` scales with use_scale."""

    use_scale: bool = True

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """Scores are a sum of tanh (no product counted); then weights @ value: Tq*Tv*value dim."""
        query, value, key = _query_value_key(inputs)
        return costs.times(costs.positions(query), costs.positions(key), value[-1])

    def params(self, inputs: list[Shape], why: Why) -> Params:
        if not self.use_scale:
            return Params()
        dim = _known_last(inputs[0], "query", self.type_name())
        why.step(f"params: scale vector of the query's last axis = {dim}")
        return Params(dim)
