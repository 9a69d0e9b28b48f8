"""Keras Embedding: integer indices of any rank in, one `output_dim` vector per index out.

    (batch, ...) -> (batch, ..., output_dim); params input_dim * output_dim

With `lora_rank` r the table is frozen (non-trainable) and two trainable
factors of input_dim*r and r*output_dim are added.
"""

from __future__ import annotations

from shapecalc.layers.args import PositiveInt, Setting
from shapecalc.layers.base import ArgumentError, Layer, Params, Why
from shapecalc.shapes import Shape


def lora_params(fan_in: int, fan_out: int, rank: int | None, why: Why) -> tuple[int, int]:
    """(trainable, frozen) counts of a fan_in x fan_out matrix, with LoRA factors of `rank` when set."""
    full = fan_in * fan_out
    if rank is None:
        return full, 0
    factors = fan_in * rank + rank * fan_out
    why.step(f"lora: {fan_in}*{rank} + {rank}*{fan_out} = {factors} trainable; {fan_in}*{fan_out} = {full} frozen")
    return factors, full


class Embedding(Layer):
    """(batch, ...) -> (batch, ..., output_dim); params input_dim * output_dim."""

    input_dim: PositiveInt
    output_dim: PositiveInt
    embeddings_initializer: Setting = "uniform"
    embeddings_regularizer: Setting = None
    embeddings_constraint: Setting = None
    mask_zero: bool = False
    input_length: PositiveInt | None = None  # deprecated in Keras 3: accepted and ignored
    lora_rank: PositiveInt | None = None
    lora_alpha: float | None = None

    def check(self) -> None:
        if self.lora_rank is not None and self.embeddings_constraint is not None:
            raise ArgumentError("lora_rank", "LoRA is incompatible with embedding constraints: remove `embeddings_constraint`")

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        why.step(f"one vector of {self.output_dim} per index: append output_dim = {self.output_dim}")
        return (*inputs[0], self.output_dim)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        why.step(f"params: input_dim*output_dim = {self.input_dim}*{self.output_dim} = {self.input_dim * self.output_dim}")
        trainable, frozen = lora_params(self.input_dim, self.output_dim, self.lora_rank, why)
        return Params(trainable, frozen)
