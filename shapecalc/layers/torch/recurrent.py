"""torch.nn recurrent layers: RNN, LSTM, GRU and their single-step cells.

RNN/LSTM/GRU take (L, N, H_in) (or (N, L, H_in) with `batch_first`, or an
unbatched (L, H_in)) and return `(output, h_n)` (LSTM: `(output, (h_n, c_n))`),
so the row shows every one of them, nested tuples flattened (SPEC §6):

    output = (*input[:-1], D * H_out)    D = 2 if bidirectional else 1,
                                         H_out = proj_size or hidden_size
    h_n    = (D * num_layers, N, H_out)  batch second even with batch_first;
    c_n    = (D * num_layers, N, H)      no N for an unbatched input

`name` passes `output` on, `name[1]` is h_n and `name[2]` c_n.

Parameters per layer and direction, with G gate blocks (RNN 1, GRU 3, LSTM 4):

    G*H*in + G*H*H_out (+ 2*G*H biases) (+ proj_size*H for LSTM projections)

where `in` is input_size for the first layer and D*H_out for the others, so
the total is first + (num_layers - 1) * later, in closed form (a count of
10**9 layers must not be a loop of 10**9 steps).
Cells (RNNCell, LSTMCell, GRUCell) map (N, input_size) -> (N, hidden_size)
with G*H*input_size + G*H*H + 2*G*H parameters; LSTMCell's row shows h'.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from shapecalc.arguments.types import ArgumentError, NonNegativeInt, PositiveInt, Probability
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Params, Why
from shapecalc.layers.torch.common import TorchLayer, need_ranks, torch_size
from shapecalc.shapes import Shape, ShapeError


def need_input_size(name: str, shape: Shape, input_size: int) -> None:
    got = shape[-1]
    if got is not None and got != input_size:
        raise ShapeError(f"{name}(input_size={input_size}): input.size(-1) must be equal to input_size. "
                         f"Expected {input_size}, got {got} (input {torch_size(shape)})", code="SC102")


class _Recurrent(TorchLayer):
    """(L, N, H_in) -> [output (L, N, D*H_out), h_n (D*num_layers, N, H_out), LSTM's c_n (D*num_layers, N, H)]; params per layer and direction G*H*(in + H_out) + 2*G*H (G: RNN 1, GRU 3, LSTM 4)."""

    gates: ClassVar[int] = 1

    input_size: PositiveInt
    hidden_size: PositiveInt
    num_layers: PositiveInt = 1
    bias: bool = True
    batch_first: bool = False
    dropout: Probability = 0.0
    bidirectional: bool = False
    device: str | None = None

    def out_size(self) -> int:
        return self.hidden_size

    def output_shape(self, inputs: list[Shape], why: Why) -> list[Shape]:
        shape = inputs[0]
        name = self.type_name()
        need_ranks(shape, (2, 3), name)
        need_input_size(name, shape, self.input_size)
        directions = 2 if self.bidirectional else 1
        why.step(f"features: {directions} direction(s) * {self.out_size()} = {directions * self.out_size()}")
        output = (*shape[:-1], directions * self.out_size())
        batch = () if len(shape) == 2 else (shape[0] if self.batch_first else shape[1],)
        stacked = directions * self.num_layers
        states = [(stacked, *batch, size) for size in self.state_sizes()]
        why.step(f"states ({', '.join(self.state_names())}): {directions} direction(s) * {self.num_layers} layer(s) "
                 f"= {stacked} first, then the batch axis" + (" (batch_first does not move it)" if self.batch_first
                                                              and batch else ""))
        return [output, *states]

    def state_sizes(self) -> list[int]:
        """The last axis of each state returned after `output`."""
        return [self.out_size()]

    def state_names(self) -> list[str]:
        return ["h_n"]

    def params(self, inputs: list[Shape], why: Why) -> Params:
        directions = 2 if self.bidirectional else 1
        first = directions * self.layer_params(self.input_size)
        later = directions * self.layer_params(directions * self.out_size())
        total = first + (self.num_layers - 1) * later  # closed form: num_layers may be 10**9
        why.step(f"params: {self.num_layers} layer(s) * {directions} direction(s), "
                 f"{self.gates} gate block(s) of {self.hidden_size} = {total}")
        return Params(total)

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """Gate matrices per step, layer and direction: G*H*(in + H_out) (+ H*proj_size for an LSTM);
        fvcore counts nothing for aten::lstm/gru/rnn, so this is one of shapecalc's extensions."""
        shape = inputs[0]
        steps = shape[1] if len(shape) == 3 and self.batch_first else shape[0]
        directions = 2 if self.bidirectional else 1
        def layer(fan_in: int) -> int | None:
            one = costs.recurrent(steps, self.gates, self.hidden_size, fan_in, self.out_size(), self.projection())
            return costs.times(directions, one)

        later = layer(directions * self.out_size())  # closed form, as params: num_layers may be 10**9
        return costs.total([layer(self.input_size), costs.times(self.num_layers - 1, later)])

    def projection(self) -> int:
        return 0

    def layer_params(self, fan_in: int) -> int:
        rows = self.gates * self.hidden_size
        biases = 2 * rows if self.bias else 0
        return rows * fan_in + rows * self.out_size() + biases


class RNN(_Recurrent):
    __doc__ = _Recurrent.__doc__
    nonlinearity: Literal["tanh", "relu"] = "tanh"


class GRU(_Recurrent):
    __doc__ = _Recurrent.__doc__
    gates: ClassVar[int] = 3


class LSTM(_Recurrent):
    __doc__ = _Recurrent.__doc__
    gates: ClassVar[int] = 4

    proj_size: NonNegativeInt = 0

    def check(self) -> None:
        if self.proj_size >= self.hidden_size:
            raise ArgumentError("proj_size", f"proj_size has to be smaller than hidden_size "
                                f"(proj_size={self.proj_size}, hidden_size={self.hidden_size})")

    def out_size(self) -> int:
        return self.proj_size or self.hidden_size

    def state_sizes(self) -> list[int]:
        return [self.out_size(), self.hidden_size]  # h_n is projected, c_n is not

    def state_names(self) -> list[str]:
        return ["h_n", "c_n"]

    def layer_params(self, fan_in: int) -> int:
        return super().layer_params(fan_in) + self.proj_size * self.hidden_size

    def projection(self) -> int:
        return self.proj_size


class _Cell(TorchLayer):
    """One step: (N, input_size) -> (N, hidden_size); params G*H*(input_size + H) + 2*G*H (G: RNN 1, GRU 3, LSTM 4)."""

    gates: ClassVar[int] = 1

    input_size: PositiveInt
    hidden_size: PositiveInt
    bias: bool = True
    device: str | None = None

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        name = self.type_name()
        need_ranks(shape, (1, 2), name)
        need_input_size(name, shape, self.input_size)
        return (*shape[:-1], self.hidden_size)

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """One step of the layer's rule: G*H*(input_size + H); fvcore counts the cells' ops as 0."""
        return costs.recurrent(1, self.gates, self.hidden_size, self.input_size, self.hidden_size)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        rows = self.gates * self.hidden_size
        total = rows * (self.input_size + self.hidden_size) + (2 * rows if self.bias else 0)
        why.step(f"params: {rows}*({self.input_size} + {self.hidden_size})"
                 + (f" + 2*{rows}" if self.bias else "") + f" = {total}")
        return Params(total)


class RNNCell(_Cell):
    __doc__ = _Cell.__doc__
    nonlinearity: Literal["tanh", "relu"] = "tanh"


class GRUCell(_Cell):
    __doc__ = _Cell.__doc__
    gates: ClassVar[int] = 3


class LSTMCell(_Cell):
    __doc__ = _Cell.__doc__
    gates: ClassVar[int] = 4
