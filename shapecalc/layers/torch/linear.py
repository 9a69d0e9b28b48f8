"""torch.nn Linear, Bilinear and Embedding: layers that act on the last axis (or add one).

    Linear:    (*, in_features) -> (*, out_features); in*out + out params
    Bilinear:  (*, in1), (*, in2) -> (*, out_features); in1*in2*out + out params
    Embedding: (*) integer indices -> (*, embedding_dim); num_embeddings*embedding_dim params
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc.arguments.types import AnyInt, ArgumentError, PositiveInt
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Params, Why
from shapecalc.layers.torch.common import TorchLayer, disagree, torch_size
from shapecalc.shapes import Shape, ShapeError


def need_features(name: str, shape: Shape, expected: int, argument: str) -> None:
    """The last axis must hold `expected` features (PyTorch's 'cannot be multiplied' error)."""
    if not shape:
        raise ShapeError(f"{name} needs an input of rank >= 1", code="SC102")
    got = shape[-1]
    if got is not None and got != expected:
        raise ShapeError(
            f"{name}({argument}={expected}) received an input whose last axis has {got} features: "
            f"shapes cannot be multiplied (input {torch_size(shape)}, weight expects {expected})",
            code="SC102",
        )


class Linear(TorchLayer):
    """(*, in_features) -> (*, out_features); params in_features*out_features + out_features."""

    rearranges_axes: ClassVar[bool] = True

    in_features: PositiveInt
    out_features: PositiveInt
    bias: bool = True
    device: str | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        if self.in_features is None:  # LazyLinear
            if not shape or shape[-1] is None:
                raise ShapeError(f"{self.type_name()} infers in_features from the last axis of its input, "
                                 f"which is unknown ({torch_size(shape)})", code="SC102")
        else:
            need_features("Linear", shape, self.in_features, "in_features")
        why.step(f"last axis: {shape[-1]} -> out_features = {self.out_features}")
        return (*shape[:-1], self.out_features)

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """Input elements * out_features: every position of a sequence counts."""
        return costs.linear(inputs[0], self.out_features)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        fan_in = self.in_features if self.in_features is not None else inputs[0][-1] or 0
        bias = self.out_features if self.bias else 0
        total = fan_in * self.out_features + bias
        why.step(f"params: {fan_in}*{self.out_features}" + (f" + {bias}" if bias else "") + f" = {total}")
        return Params(total)


class LazyLinear(Linear):
    """Linear whose in_features is the last axis of its input: (*, n) -> (*, out_features); n*out + out params."""

    primary: ClassVar[str | None] = "out_features"

    in_features: ClassVar[None] = None


class Bilinear(TorchLayer):
    """(*, in1_features), (*, in2_features) -> (*, out_features); params in1*in2*out + out."""

    rearranges_axes: ClassVar[bool] = True

    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 2

    in1_features: PositiveInt
    in2_features: PositiveInt
    out_features: PositiveInt
    bias: bool = True
    device: str | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        first, second = inputs
        need_features("Bilinear", first, self.in1_features, "in1_features")
        need_features("Bilinear", second, self.in2_features, "in2_features")
        lead1, lead2 = first[:-1], second[:-1]
        if disagree(lead1, lead2):
            raise ShapeError(f"Bilinear: input1 and input2 must have the same shape except the last axis, "
                             f"received {torch_size(first)} and {torch_size(second)}", code="SC102")
        return (*lead1, self.out_features)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        weights = self.in1_features * self.in2_features * self.out_features
        bias = self.out_features if self.bias else 0
        why.step(f"params: {self.in1_features}*{self.in2_features}*{self.out_features}"
                 + (f" + {bias}" if bias else "") + f" = {weights + bias}")
        return Params(weights + bias)


class Embedding(TorchLayer):
    """(*) integer indices -> (*, embedding_dim); params num_embeddings*embedding_dim."""

    num_embeddings: PositiveInt
    embedding_dim: PositiveInt
    padding_idx: AnyInt | None = None
    max_norm: float | None = None
    norm_type: float = 2.0
    scale_grad_by_freq: bool = False
    sparse: bool = False
    device: str | None = None

    def check(self) -> None:
        if self.padding_idx is not None and not -self.num_embeddings <= self.padding_idx < self.num_embeddings:
            raise ArgumentError("padding_idx", f"Padding_idx must be within num_embeddings "
                                f"(padding_idx={self.padding_idx}, num_embeddings={self.num_embeddings})")

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        why.step(f"adds an axis of embedding_dim = {self.embedding_dim}")
        return (*inputs[0], self.embedding_dim)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        total = self.num_embeddings * self.embedding_dim
        why.step(f"params: {self.num_embeddings}*{self.embedding_dim} = {total}")
        return Params(total)
