"""What the torch.nn layer families share: rank checks, channel checks and dim normalisation.

PyTorch has no batch axis of its own: a module sees a tensor and reads its
axes by position. So these rules are positional too: a Conv2d takes the last
two axes as spatial and the one before as channels, whether or not a batch
axis leads (PyTorch's "unbatched" inputs), and the shapes shapecalc prints
are the shapes of the tensors a forward pass would produce.
"""

from __future__ import annotations

from typing import ClassVar

from shapecalc import shapes
from shapecalc.layers.base import Layer
from shapecalc.shapes import Dim, Shape, ShapeError, format_shape

ORDINAL = {1: "1D", 2: "2D", 3: "3D", 4: "4D", 5: "5D"}


class TorchLayer(Layer):
    """Base of every torch.nn layer: PyTorch vocabulary, auto names by Keras's snake_case rule."""

    framework: ClassVar[str] = "pytorch"


def torch_size(shape: Shape) -> str:
    """A shape as PyTorch prints it in errors: [1, 16, 8, 8] (None for an unknown size)."""
    return "[" + ", ".join("None" if d is None else str(d) for d in shape) + "]"


def need_ranks(shape: Shape, ranks: tuple[int, ...], what: str) -> None:
    """PyTorch's 'Expected 3D (unbatched) or 4D (batched) input' check."""
    if len(shape) in ranks:
        return
    wanted = " or ".join(f"{r}D" for r in ranks)
    raise ShapeError(
        f"{what} expects a {wanted} input (batch axis included), "
        f"but got input of size {torch_size(shape)} ({len(shape)}D)",
        code="SC102",
    )


def axis_labels(rank: int) -> list[str]:
    """Spatial axis names for explanations, PyTorch's way: L for 1-D, H W for 2-D, D H W for 3-D."""
    return shapes.axis_labels(rank, single="L")


def batched_ranks(spatial_rank: int) -> tuple[int, int]:
    """Ranks a channels-first spatial layer accepts: unbatched (C, *spatial) or batched (N, C, *spatial)."""
    return (spatial_rank + 1, spatial_rank + 2)


def channels_and_spatial(shape: Shape, spatial_rank: int) -> tuple[Shape, Dim, Shape]:
    """(leading axes, channels, spatial sizes) of a channels-first tensor, read from the end."""
    return shape[: -spatial_rank - 1], shape[-spatial_rank - 1], shape[-spatial_rank:]


def need_channels(name: str, got: Dim, expected: int, argument: str, shape: Shape) -> None:
    """A channel-count mismatch: an error naming both numbers (unknown sizes pass)."""
    if got is not None and got != expected:
        raise ShapeError(
            f"{name}({argument}={expected}) received {got} channels: expected input "
            f"{torch_size(shape)} to have {expected} channels, but got {got} channels instead",
            code="SC102",
        )


def disagree(a: Shape, b: Shape) -> bool:
    """Two shapes of different rank, or with an axis where both sizes are known and differ."""
    return len(a) != len(b) or any(x is not None and y is not None and x != y for x, y in zip(a, b, strict=True))


def infer_channels(name: str, channels: Dim, groups: int, shape: Shape) -> None:
    """A Lazy module builds its weights for the input's channels, which must be known and divide by groups."""
    if channels is None:
        raise ShapeError(f"{name} infers in_channels from its input, whose channel axis is unknown "
                         f"({torch_size(shape)})", code="SC102")
    if channels % groups:
        raise ShapeError(f"{name}: in_channels ({channels}, from the input) must be divisible by groups ({groups})",
                         code="SC102")


def normalize_dim(dim: int, rank: int, layer: str, argument: str = "dim") -> int:
    """A possibly negative dim as a position, or PyTorch's 'Dimension out of range' error."""
    low, high = -max(rank, 1), max(rank, 1) - 1
    if not low <= dim <= high:
        raise ShapeError(
            f"{layer}: `{argument}` is out of range (expected to be in range of [{low}, {high}], but got {dim}) "
            f"for an input of rank {rank}",
            code="SC102",
        )
    return dim % rank if rank else 0


def too_small(name: str, shape: Shape, formulas: list[str], reason: str) -> ShapeError:
    """A computed size of zero or less, with PyTorch's reason and the arithmetic written out."""
    return ShapeError(
        f"{name}: {reason} for input {format_shape(shape)}: " + "; ".join(formulas), code="SC101"
    )
