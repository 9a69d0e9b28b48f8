"""Memory for one sample: the bytes of the model's input, of every layer's output and of the parameters.

An estimate, on stated assumptions rather than a measurement:

- every value is float32, 4 bytes (Keras's summary counts weights so, and
  torchinfo's default input is float32); a layer's `dtype` is not read;
- one sample: the first axis of every shape is the batch and counts as 1;
- a layer's output is its first tensor (the one later layers receive, the
  one torchinfo measures); a shared layer's calls each add theirs;
- the forward pass holds every layer's output at once: an upper bound, since
  in-place operations and views (ReLU(inplace), Flatten, Reshape) share
  memory with their input and a framework frees what no later layer needs;
- no gradients and no optimizer state: the total is what inference holds,
  input + forward pass + parameters.

A size that is unknown (`None`) in a tensor it needs makes a figure unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shapecalc.costs.macs import elements, total
from shapecalc.shapes import Shape

BYTES_PER_VALUE = 4  # float32


def tensor_bytes(output: Shape | list[Shape]) -> int | None:
    """One sample of a layer's output (its first tensor, for several), or None if a size is unknown."""
    values = elements(output[0] if isinstance(output, list) else output)
    return None if values is None else values * BYTES_PER_VALUE


def calls_bytes(outputs: list[Shape | list[Shape]]) -> int | None:
    """Every call's output of a layer (a shared layer makes one tensor per call)."""
    if len(outputs) == 1:
        return tensor_bytes(outputs[0])
    return total(tensor_bytes(output) for output in outputs)


@dataclass(frozen=True, slots=True)
class Memory:
    """The figures of one model, in bytes, for one sample; None where a size it needs is unknown."""

    input_bytes: int | None  # the model's inputs
    forward_bytes: int | None  # every layer's output (InputLayer rows are the input, not counted twice)
    param_bytes: int  # every parameter, trainable or not

    @property
    def total_bytes(self) -> int | None:
        """input + forward pass + parameters: what inference holds at most."""
        if self.input_bytes is None or self.forward_bytes is None:
            return None
        return self.input_bytes + self.forward_bytes + self.param_bytes


def estimate(inputs: Iterable[Shape], layer_outputs: Iterable[int | None], params: int) -> Memory:
    """The model's Memory from its input shapes, its layers' output bytes (InputLayer rows left out)
    and its parameter count."""
    return Memory(total(tensor_bytes(shape) for shape in inputs), total(layer_outputs), params * BYTES_PER_VALUE)
