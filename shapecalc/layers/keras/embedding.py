"""Keras Embedding: integer indices of any rank in, one `output_dim` vector per index out.

    (batch, ...) -> (batch, ..., output_dim); params input_dim * output_dim

With `lora_rank` r the table is frozen (non-trainable) and two trainable
factors of input_dim*r and r*output_dim are added.
"""

from __future__ import annotations

from typing import Literal

from shapecalc.arguments.types import ArgumentError, PositiveInt, Setting
from shapecalc.layers.base import Layer, Params, Why
from shapecalc.shapes import Shape


def lora_params(fan_in: int, fan_out: int, rank: int | None) -> tuple[int, int, str]:
    """(trainable, frozen, working) of a fan_in x fan_out matrix, with LoRA factors of `rank` when set:
    the matrix itself is then frozen and only the two factors train.
    """
    full = fan_in * fan_out
    if rank is None:
        return full, 0, f"{fan_in}*{fan_out}"
    factors = fan_in * rank + rank * fan_out
    return factors, full, f"{fan_in}*{fan_out} (frozen) + {fan_in}*{rank} + {rank}*{fan_out} (LoRA)"


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
    quantization_config: Literal[None] = None  # in every Keras config; a quantized layer's weights are not counted here

    def check(self) -> None:
        if self.lora_rank is not None and self.embeddings_constraint is not None:
            raise ArgumentError("lora_rank", "LoRA is incompatible with embedding constraints: remove `embeddings_constraint`")

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        why.step(f"one vector of {self.output_dim} per index: append output_dim = {self.output_dim}")
        return (*inputs[0], self.output_dim)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        trainable, frozen, working = lora_params(self.input_dim, self.output_dim, self.lora_rank)
        why.step(f"params: {working} = {trainable + frozen}")
        return Params(trainable, frozen)
