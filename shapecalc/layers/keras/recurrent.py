"""Keras recurrent layers: SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D, and RNN over SimpleRNNCell/LSTMCell/GRUCell.

A recurrent layer reads (batch, time, features) and gives (batch, units), or
(batch, time, units) with `return_sequences`. With `return_state` it has
several outputs: the output, then one (batch, units) state per state of the
cell (LSTM and ConvLSTM: h and c; SimpleRNN and GRU: h). Extra inputs after
the sequence are the initial states (`inputs: [x, "encoder[1]", "encoder[2]"]`).

Parameters, with n input features and u units (g gates, bias per gate):

    SimpleRNN  u*(n + u) + u
    LSTM       4*(u*(n + u) + u)
    GRU        3*(u*(n + u) + u), plus another 3*u recurrent biases with reset_after (Keras 3's default)
    ConvLSTM   4*(prod(k)*n*f + prod(k)*f*f + f)   (input and recurrent kernels, f filters)
    RNN        the sum over its cells, each cell's n being the previous cell's units
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from shapecalc.arguments.types import ArgumentError, DataFormat, PositiveInt, PositiveInts, Setting
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Layer, Params, Why, need_rank
from shapecalc.layers.keras.activations import check_activation
from shapecalc.layers.keras.conv import LowerCasedPadding, conv_sizes, join_channels, split_channels
from shapecalc.layers.nested import wrapped
from shapecalc.shapes import Shape, ShapeError, format_shape, product


class _Weights(Layer):
    """Arguments of a recurrent cell's weights: they change values, not shapes."""

    activation: Setting = "tanh"
    use_bias: bool = True
    kernel_initializer: Setting = "glorot_uniform"
    recurrent_initializer: Setting = "orthogonal"
    bias_initializer: Setting = "zeros"
    kernel_regularizer: Setting = None
    recurrent_regularizer: Setting = None
    bias_regularizer: Setting = None
    kernel_constraint: Setting = None
    recurrent_constraint: Setting = None
    bias_constraint: Setting = None
    dropout: float = 0.0
    recurrent_dropout: float = 0.0
    seed: int | None = None

    def check(self) -> None:
        check_activation(self.activation)
        check_activation(getattr(self, "recurrent_activation", None), "recurrent_activation")


class _DenseCell(_Weights):
    """One time step of SimpleRNN, LSTM or GRU: `gates` dense gates of `units` over input and state.

    Alone, a cell is not a layer (Keras refuses it in a model): it goes in
    `RNN: {cell: ...}`.
    """

    primary: ClassVar[str | None] = "units"
    gates: ClassVar[int] = 1
    states: ClassVar[int] = 1  # state tensors: also the initial-state inputs a layer of this cell takes

    units: PositiveInt

    def bias_sets(self) -> int:
        """Bias vectors per gate."""
        return 1

    def cell_macs(self, steps: int | None, features: int | None) -> int | None:
        """As torch's RNN/GRU/LSTM: gates*units*(features + units) per step."""
        return costs.recurrent(steps, self.gates, self.units, features, self.units)

    def cell_params(self, features: int, why: Why, label: str = "params") -> Params:
        n, u, g = features, self.units, self.gates
        biases = self.bias_sets() if self.use_bias else 0
        per_gate = u * (n + u) + biases * u
        bias_text = "" if not biases else f" + {biases}*{u}" if biases > 1 else f" + {u}"
        gate_text = f"{g}*" if g > 1 else ""
        why.step(f"{label}: {gate_text}({u}*({n} + {u}){bias_text}) = {g * per_gate}")
        return Params(g * per_gate)

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape | list[Shape]:
        name = self.type_name()
        raise ShapeError(
            f"{name} is a cell, called on one time step and its states, not a layer: "
            f"write `RNN: {{cell: {{{name}: ...}}}}` or use {name.removesuffix('Cell')}",
            code="SC102",
        )


class SimpleRNNCell(_DenseCell):
    """h_t = activation(W x_t + U h_(t-1) + b): u*(n + u) + u params."""


class LSTMCell(_DenseCell):
    """Four gates (input, forget, cell, output): 4*(u*(n + u) + u) params; states h and c."""

    gates: ClassVar[int] = 4
    states: ClassVar[int] = 2

    recurrent_activation: Setting = "sigmoid"
    unit_forget_bias: bool = True
    implementation: Literal[1, 2] = 2  # how the gates are computed, not what they compute


class GRUCell(_DenseCell):
    """Three gates (update, reset, candidate): 3*(u*(n + u) + u) params, plus 3*u more with reset_after."""

    gates: ClassVar[int] = 3

    recurrent_activation: Setting = "sigmoid"
    reset_after: bool = True
    implementation: Literal[1, 2] = 2

    def bias_sets(self) -> int:
        """reset_after keeps separate input and recurrent biases."""
        return 2 if self.reset_after else 1


class Recurrent(Layer):
    """What every Keras RNN layer shares: the sequence flags and the output/state rule."""

    max_inputs: ClassVar[int | None] = 2  # the sequence, then initial states

    return_sequences: bool = False
    return_state: bool = False
    go_backwards: bool = False
    stateful: bool = False

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape | list[Shape]:
        sequence = inputs[0]
        need_rank(sequence, self.sequence_rank(), self.type_name(), " (batch, time, ...)")
        if self.stateful and sequence[0] is None:
            raise ShapeError(
                f"{self.type_name()} with stateful=True needs a static batch size, "
                f"received {format_shape(sequence)}: set `batch:` in the model file",
                code="SC102",
            )
        batch, steps = sequence[0], sequence[1]
        step = self.step_output(sequence, why)
        output = (batch, steps, *step) if self.return_sequences else (batch, *step)
        why.step(f"every time step: {format_shape(output)}" if self.return_sequences
                 else f"last time step only: {format_shape(output)}")
        if not self.return_state:
            return output
        states = self.state_shapes(batch, step)
        why.step(f"states: {', '.join(format_shape(state) for state in states)}")
        return [output, *states]

    def sequence_rank(self) -> int:
        return 3

    def step_output(self, sequence: Shape, why: Why) -> Shape:
        """The shape of one time step's output, batch axis excluded."""
        raise NotImplementedError

    def state_shapes(self, batch: int | None, step: Shape) -> list[Shape]:
        """The states returned after the output: by default `states` of the step's shape."""
        return [(batch, *step)] * getattr(self, "states", 1)


def known_features(layer: Layer, sequence: Shape) -> int:
    if sequence[-1] is None:
        raise ShapeError(
            f"{layer.type_name()} needs the feature axis of its input to be known, received {format_shape(sequence)}",
            code="SC102",
        )
    return sequence[-1]


class _DenseRNN(Recurrent):
    """A recurrent layer over one dense cell (SimpleRNN, LSTM, GRU): the cell's arguments plus the flags."""

    activity_regularizer: Setting = None
    unroll: bool = False

    def step_output(self, sequence: Shape, why: Why) -> Shape:
        known_features(self, sequence)
        return (self.units,)  # type: ignore[attr-defined]

    def params(self, inputs: list[Shape], why: Why) -> Params:
        return self.cell_params(inputs[0][-1] or 0, why)  # type: ignore[attr-defined]

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> int | None:
        return self.cell_macs(inputs[0][1], inputs[0][-1])  # type: ignore[attr-defined]


class SimpleRNN(_DenseRNN, SimpleRNNCell):
    """h_t = activation(W x_t + U h_(t-1) + b): u*(n + u) + u params."""


class LSTM(_DenseRNN, LSTMCell):
    """Four gates (input, forget, cell, output): 4*(u*(n + u) + u) params; states h and c."""

    max_inputs: ClassVar[int | None] = 3

    use_cudnn: bool | Literal["auto"] = "auto"


class GRU(_DenseRNN, GRUCell):
    """Three gates (update, reset, candidate): 3*(u*(n + u) + u) params, plus 3*u more with reset_after."""

    use_cudnn: bool | Literal["auto"] = "auto"


class RNN(Recurrent):
    """Keras's generic recurrent layer over `cell:` (one cell entry, or a list: stacked cells).

    Stacked cells feed each other: the output is the last cell's, params are
    the sum with each cell's input the previous cell's units; with
    return_state the states of every cell follow, in order.
    """

    nested_entries: ClassVar[tuple[str, ...]] = ("cell",)
    max_inputs: ClassVar[int | None] = None

    cell: Any
    unroll: bool = False
    zero_output_for_mask: bool = False

    def cells(self) -> list[Any]:
        return list(self.cell) if isinstance(self.cell, list) else [self.cell]

    def check(self) -> None:
        if isinstance(self.cell, list) and not self.cell:
            raise ArgumentError("cell", "`cell` must be a cell entry or a list of them, received an empty list")
        for entry in self.cells():
            if not isinstance(wrapped(entry, "cell").layer, _DenseCell):
                raise ArgumentError("cell", f"`cell` must be SimpleRNNCell, LSTMCell or GRUCell, not {entry.type_name}")

    def inner_layers(self) -> list[Any]:
        return self.cells()

    def step_output(self, sequence: Shape, why: Why) -> Shape:
        known_features(self, sequence)
        return (self.cells()[-1].layer.units,)

    def state_shapes(self, batch: int | None, step: Shape) -> list[Shape]:
        return [(batch, entry.layer.units) for entry in self.cells() for _ in range(entry.layer.states)]

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> int | None:
        """Each stacked cell over every step, its input the previous cell's units."""
        features, counts = inputs[0][-1], []
        for entry in self.cells():
            counts.append(entry.layer.cell_macs(inputs[0][1], features))
            features = entry.layer.units
        return costs.total(counts)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        features = inputs[0][-1] or 0
        trainable = frozen = 0
        for index, entry in enumerate(self.cells()):
            cell = entry.layer
            params = cell.cell_params(features, why, f"cell {index} ({entry.type_name})")
            if entry.keys.trainable:
                trainable += params.total
            else:
                frozen += params.total
            features = cell.units
        why.step(f"params: {trainable + frozen}")
        return Params(trainable, frozen)


class _ConvLSTM(LowerCasedPadding, Recurrent, _Weights):
    """An LSTM whose gates are convolutions: each time step is a (spatial..., channels) image.

    The input convolution follows Conv's rule per spatial axis
    (out = floor((i + lo + hi - d*(k-1) - 1)/s) + 1); the recurrent one is
    always 'same', so the state keeps the output's size.
    """

    rank: ClassVar[int] = 2
    states: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 3

    filters: PositiveInt
    kernel_size: PositiveInts
    strides: PositiveInts = 1
    padding: Literal["valid", "same"] = "valid"
    data_format: DataFormat = None
    dilation_rate: PositiveInts = 1
    recurrent_activation: Setting = "sigmoid"
    unit_forget_bias: bool = True
    activity_regularizer: Setting = None

    def tuples(self) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        from shapecalc.arguments.types import as_tuple

        return (
            as_tuple(self.kernel_size, self.rank, "kernel_size"),
            as_tuple(self.strides, self.rank, "strides"),
            as_tuple(self.dilation_rate, self.rank, "dilation_rate"),
        )

    def check(self) -> None:
        super().check()
        _, strides, dilation = self.tuples()
        if max(strides) > 1 and max(dilation) > 1:
            raise ArgumentError(
                "dilation_rate",
                "specifying `strides > 1` is not compatible with `dilation_rate > 1`, "
                f"received strides={self.strides} and dilation_rate={self.dilation_rate}",
            )

    def sequence_rank(self) -> int:
        return self.rank + 3

    def step_output(self, sequence: Shape, why: Why) -> Shape:
        name = self.type_name()
        step = (sequence[0], *sequence[2:])
        spatial, channels = split_channels(step, self.data_format)
        if None in spatial:
            raise ShapeError(
                f"{name} layers only support static input shapes for the spatial dimensions, "
                f"received {format_shape(sequence)}",
                code="SC102",
            )
        if channels is None:
            raise ShapeError(
                f"{name} needs the channel axis of its input to be known, received {format_shape(sequence)}",
                code="SC102",
            )
        sizes = conv_sizes(name, sequence, spatial, self.padding, *self.tuples(), why)
        return join_channels(sequence[0], sizes, self.filters, self.data_format)[1:]

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> int | None:
        """Per step, 4 gate convolutions of the input (channels -> filters) and 4 of the state
        (filters -> filters), each output pixels * fan-in * kernel area (no torch twin: conv's rule)."""
        sequence = inputs[0]
        _, channels = split_channels((sequence[0], *sequence[2:]), self.data_format)
        step = output[0] if isinstance(output, list) else output
        if self.return_sequences:
            step = (step[0], *step[2:])
        kernel, _, _ = self.tuples()
        per_step = costs.times(4, costs.conv(step, None if channels is None else channels + self.filters, kernel))
        return costs.times(sequence[1], per_step)

    def params(self, inputs: list[Shape], why: Why) -> Params:
        _, channels = split_channels((inputs[0][0], *inputs[0][2:]), self.data_format)
        kernel, _, _ = self.tuples()
        taps, n, f = product(kernel) or 0, channels or 0, self.filters
        bias = f if self.use_bias else 0
        total = 4 * (taps * n * f + taps * f * f + bias)
        bias_text = f" + {f}" if bias else ""
        why.step(f"params: 4*({taps}*{n}*{f} + {taps}*{f}*{f}{bias_text}) = {total}")
        return Params(total)


class ConvLSTM1D(_ConvLSTM):
    __doc__ = _ConvLSTM.__doc__
    rank: ClassVar[int] = 1


class ConvLSTM2D(_ConvLSTM):
    __doc__ = _ConvLSTM.__doc__
    rank: ClassVar[int] = 2


class ConvLSTM3D(_ConvLSTM):
    __doc__ = _ConvLSTM.__doc__
    rank: ClassVar[int] = 3
