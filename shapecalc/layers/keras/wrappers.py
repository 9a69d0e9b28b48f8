"""Keras wrappers: Bidirectional and TimeDistributed, each holding an ordinary layer entry under `layer:`.

The validator (validate/) validates the wrapped entry like any other (its class from the
registry, errors located at its own keys) and hands the wrapper a LayerSpec.
Keras constructs the wrapped layer before the wrapper, so it takes its auto
name first (a later standalone LSTM becomes `lstm_1`); the summary shows only
the wrapper's row.

    Bidirectional: forward and backward copies of a recurrent layer; params = forward + backward;
                   merge_mode concat doubles the last axis, sum/mul/ave keep it, None gives both outputs
    TimeDistributed: (batch, time, *rest) -> (batch, time, *inner(batch, *rest)); params = the inner layer's
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from shapecalc.arguments.types import ArgumentError
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Layer, Params, Why
from shapecalc.layers.keras.recurrent import Recurrent
from shapecalc.layers.nested import inner_params, wrapped
from shapecalc.shapes import Shape, ShapeError, format_shape

RECURRENT_FLAGS = ("stateful", "return_sequences", "return_state")


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy (or `backward_layer`) backwards and merges the two.

    Output (Keras reads it from the forward layer): concat -> last axis * 2;
    sum, mul, ave -> unchanged; None -> [forward, backward]. With
    return_state the forward states then the backward states follow.
    Params: forward + backward.
    """

    nested_entries: ClassVar[tuple[str, ...]] = ("layer", "backward_layer")
    max_inputs: ClassVar[int | None] = None  # the sequence, then initial states: forward's half, backward's half

    layer: Any
    merge_mode: Literal["concat", "sum", "mul", "ave"] | None = "concat"
    backward_layer: Any = None

    def check(self) -> None:
        forward = wrapped(self.layer, "layer")
        if not isinstance(forward.layer, Recurrent):
            raise ArgumentError(
                "layer",
                f"Bidirectional wraps a recurrent layer (SimpleRNN, LSTM, GRU, ConvLSTM...), not {forward.type_name}",
            )
        if self.backward_layer is None:
            if forward.layer.go_backwards:
                raise ArgumentError(
                    "layer",
                    "forward layer and backward layer should have different `go_backwards` values: "
                    "the wrapped layer has go_backwards=true and so would its backward copy",
                )
            return
        backward = wrapped(self.backward_layer, "backward_layer")
        if not isinstance(backward.layer, Recurrent):
            raise ArgumentError("backward_layer", f"`backward_layer` must be a recurrent layer, not {backward.type_name}")
        if forward.layer.go_backwards == backward.layer.go_backwards:
            raise ArgumentError(
                "backward_layer",
                "forward layer and backward layer should have different `go_backwards` values, "
                f"both have go_backwards={str(forward.layer.go_backwards).lower()}",
            )
        for flag in RECURRENT_FLAGS:
            ahead, behind = getattr(forward.layer, flag), getattr(backward.layer, flag)
            if ahead != behind:
                raise ArgumentError(
                    "backward_layer",
                    f"forward layer and backward layer are expected to have the same value for `{flag}`, "
                    f"got {str(ahead).lower()} for the forward layer and {str(behind).lower()} for the backward layer",
                )

    def inner_layers(self) -> list[Any]:
        return [spec for spec in (self.layer, self.backward_layer) if spec is not None]

    def backward(self) -> tuple[Layer, bool]:
        """The backward layer and whether it is frozen: `backward_layer`, or a go_backwards copy of `layer`."""
        if self.backward_layer is not None:
            return self.backward_layer.layer, not self.backward_layer.keys.trainable
        return self.layer.layer.model_copy(update={"go_backwards": True}), not self.layer.keys.trainable

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape | list[Shape]:
        inputs = inputs[:1]  # initial states do not change shapes (Keras does not check them either)
        produced = self.layer.layer.output_shape(inputs, why)
        self.backward()[0].output_shape(inputs, Why())  # the backward layer must accept the input too
        output, states = (produced[0], produced[1:]) if isinstance(produced, list) else (produced, [])
        if self.merge_mode == "concat":
            last = None if output[-1] is None else output[-1] * 2
            why.step(f"merge concat: last axis {output[-1]} * 2 = {last}")
            outputs = [(*output[:-1], last)]
        elif self.merge_mode is None:
            why.step("merge None: forward and backward outputs side by side")
            outputs = [output, output]
        else:
            why.step(f"merge {self.merge_mode}: elementwise, shape {format_shape(output)} kept")
            outputs = [output]
        result = outputs + states + states
        return result if len(result) > 1 else result[0]

    def macs(self, inputs: list[Shape], output: Shape | list[Shape]) -> int | None:
        """The forward and the backward layer's, each over the whole sequence."""
        sequence = inputs[:1]
        forward = self.layer.layer.macs(sequence, self.layer.layer.output_shape(sequence, Why()))
        backward_layer = self.backward()[0]
        return costs.total([forward, backward_layer.macs(sequence, backward_layer.output_shape(sequence, Why()))])

    def params(self, inputs: list[Shape], why: Why) -> Params:
        forward = inner_params(self.layer.layer, not self.layer.keys.trainable, inputs, why, "forward")
        backward_layer, frozen = self.backward()
        backward = inner_params(backward_layer, frozen, inputs, why, "backward")
        total = Params(forward.trainable + backward.trainable, forward.non_trainable + backward.non_trainable)
        why.step(f"params: forward {forward.total} + backward {backward.total} = {total.total}")
        return total


class TimeDistributed(Layer):
    """Applies the wrapped layer to every time step: (batch, time, *rest) -> (batch, time, *inner(batch, *rest)).

    Params: the wrapped layer's, counted once (every time step shares them).
    """

    nested_entries: ClassVar[tuple[str, ...]] = ("layer",)

    layer: Any

    def check(self) -> None:
        inner = wrapped(self.layer, "layer")
        cls = type(inner.layer)
        if cls.min_inputs != 1:  # merges take several tensors; a Reuse entry is a call, not a layer
            raise ArgumentError("layer", f"TimeDistributed wraps a layer called on one tensor, not {inner.type_name}")

    def inner_layers(self) -> list[Any]:
        return [self.layer]

    def step_shape(self, shape: Shape) -> Shape:
        if len(shape) < 3:
            raise ShapeError(
                f"TimeDistributed needs an input of rank >= 3 (batch, time, ...), received {format_shape(shape)}",
                code="SC102",
            )
        return (shape[0], *shape[2:])

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        shape = inputs[0]
        step = self.step_shape(shape)
        why.step(f"each of the {shape[1]} time steps: {format_shape(step)}")
        try:
            produced = self.layer.layer.output_shape([step], why)
        except ShapeError as error:
            raise ShapeError(f"TimeDistributed, on each {format_shape(step)} time step: {error.message}",
                             code=error.code) from None
        if isinstance(produced, list):
            raise ShapeError(f"TimeDistributed cannot wrap {self.layer.type_name} with several outputs", code="SC102")
        return (produced[0], shape[1], *produced[1:])

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """The wrapped layer's for one time step, times the steps."""
        step = self.step_shape(inputs[0])
        inner = self.layer.layer
        return costs.times(inputs[0][1], inner.macs([step], inner.output_shape([step], Why())))

    def params(self, inputs: list[Shape], why: Why) -> Params:
        step = self.step_shape(inputs[0])
        params = inner_params(self.layer.layer, not self.layer.keys.trainable, [step], why, self.layer.type_name)
        why.step(f"params: {self.layer.type_name}'s, shared by every time step = {params.total}")
        return params
