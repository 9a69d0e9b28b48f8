"""Products of tensors, as hand-written attention computes them: matmul, bmm, mm, einsum, scaled_dot_product_attention.

    Matmul (a @ b):   1-D operands get an axis of 1 (prepended to a, appended to b) that
                      the result drops; a's last size must equal b's second-to-last; the
                      axes before the last two broadcast (numpy's rule)
    Bmm:              (B, n, m) @ (B, m, p) -> (B, n, p): 3-D only, no broadcasting
    Mm:               (n, m) @ (m, p) -> (n, p): 2-D only
    Einsum(equation): each letter one size (a size of 1 broadcasts), `...` the axes not
                      named (broadcast), the output as written after `->` (or the letters
                      used once, in alphabetical order)
    ScaledDotProductAttention: inputs [query, key, value] or [query, key, value, attn_mask];
                      (..., L, E), (..., S, E), (..., S, Ev) -> (..., L, Ev), the leading
                      axes broadcast; the mask must broadcast to (..., L, S)

No parameters: the weights that make q, k and v are Linear layers of their own.
"""

from __future__ import annotations

import re
from typing import ClassVar

from shapecalc.arguments.types import ArgumentError
from shapecalc.broadcast import BroadcastError, broadcast_pair, broadcast_shapes
from shapecalc.costs import macs as costs
from shapecalc.layers.base import Why
from shapecalc.layers.torch.common import TorchLayer, torch_size
from shapecalc.shapes import Dim, Shape, ShapeError


def _same(a: Dim, b: Dim) -> bool:
    return a is None or b is None or a == b


def _known(a: Dim, b: Dim) -> Dim:
    return a if a is not None else b


class Matmul(TorchLayer):
    """torch.matmul / `a @ b`: inputs [a, b]; the matrix axes multiply, the axes before them broadcast."""

    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 2

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        a, b = inputs
        name = self.type_name()
        if not a or not b:
            raise ShapeError(f"{name}: both arguments to matmul need to be at least 1D, but they are {len(a)}D and "
                             f"{len(b)}D", code="SC102")
        left = (1, *a) if len(a) == 1 else a
        right = (*b, 1) if len(b) == 1 else b
        if not _same(left[-1], right[-2]):
            raise ShapeError(f"{name}: {torch_size(a)} @ {torch_size(b)}: the first operand's last size "
                             f"({left[-1]}) must equal the second's {'only' if len(b) == 1 else 'second-to-last'} "
                             f"size ({right[-2]})", code="SC102")
        try:
            batch = broadcast_pair(left[:-2], right[:-2], name, torch_size)
        except BroadcastError as error:
            raise ShapeError(f"{name}: the batch axes of {torch_size(a)} and {torch_size(b)} do not broadcast: "
                             f"{error.sizes[0]} vs {error.sizes[1]}", code="SC103") from None
        out = (*batch, left[-2], right[-1])
        if len(a) == 1:
            out = (*out[:-2], out[-1])
        if len(b) == 1:
            out = out[:-1]
        why.step(f"{torch_size(a)} @ {torch_size(b)}: contracting {_known(left[-1], right[-2])}")
        return out

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """fvcore's rule: every value of a times b's last size (broadcast batch axes of b not counted)."""
        return costs.matmul(inputs[0], inputs[1])


class Bmm(TorchLayer):
    """torch.bmm(a, b): (B, n, m) @ (B, m, p) -> (B, n, p); both 3-D, the batches equal (no broadcasting)."""

    min_inputs: ClassVar[int] = 2
    max_inputs: ClassVar[int | None] = 2
    rank: ClassVar[int] = 3

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        a, b = inputs
        name = self.type_name()
        if len(a) != self.rank or len(b) != self.rank:
            raise ShapeError(f"{name}: both operands must be {self.rank}D, received {torch_size(a)} and "
                             f"{torch_size(b)}", code="SC102")
        if not all(_same(x, y) for x, y in zip(a[:-2], b[:-2], strict=True)) or not _same(a[-1], b[-2]):
            raise ShapeError(f"{name}: {torch_size(a)} and {torch_size(b)} cannot be multiplied: expected the "
                             f"second operand to start {torch_size((*a[:-2], a[-1]))}", code="SC102")
        batch = tuple(_known(x, y) for x, y in zip(a[:-2], b[:-2], strict=True))
        return (*batch, a[-2], b[-1])

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """fvcore's rule: every value of a times b's last size (B*n*m*p)."""
        return costs.matmul(inputs[0], inputs[1])


class Mm(Bmm):
    """torch.mm(a, b): (n, m) @ (m, p) -> (n, p); both 2-D."""

    rank: ClassVar[int] = 2


_SUBSCRIPTS = re.compile(r"^(?:[a-zA-Z]|\.\.\.)*$")


class Einsum(TorchLayer):
    """torch.einsum(equation, *inputs): one size per letter (1 broadcasts), `...` for the axes not named."""

    primary: ClassVar[str | None] = "equation"
    max_inputs: ClassVar[int | None] = None

    equation: str

    def check(self) -> None:
        self.parse()

    def parse(self) -> tuple[list[str], str | None]:
        text = self.equation.replace(" ", "")
        left, arrow, right = text.partition("->")
        operands = left.split(",")
        for part in [*operands, right]:
            if not _SUBSCRIPTS.match(part) or part.count("...") > 1:
                raise ArgumentError("equation", f"einsum(): invalid subscripts {part!r} in {self.equation!r}: "
                                    f"letters and at most one `...` per operand")
        if arrow:
            used = set("".join(operands))
            unknown = sorted(set(right.replace("...", "")) - used)
            if unknown:
                raise ArgumentError("equation", f"einsum(): output subscript {unknown[0]} does not appear in the "
                                    f"equation for any input operand")
            letters = right.replace("...", "")
            if len(set(letters)) != len(letters):
                raise ArgumentError("equation", f"einsum(): output subscripts repeat in {self.equation!r}")
        return operands, (right if arrow else None)

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        operands, output = self.parse()
        if len(operands) != len(inputs):
            raise ShapeError(f"Einsum: {self.equation!r} names {len(operands)} operand(s), received {len(inputs)}",
                             code="SC102")
        sizes: dict[str, Dim] = {}
        ellipsis: Shape = ()
        for number, (subscripts, shape) in enumerate(zip(operands, inputs, strict=True)):
            letters = subscripts.replace("...", "")
            if "..." not in subscripts and len(letters) != len(shape) or len(letters) > len(shape):
                raise ShapeError(f"Einsum: the number of subscripts in {subscripts!r} ({len(letters)}) does not "
                                 f"match the number of dimensions ({len(shape)}) for operand {number} "
                                 f"{torch_size(shape)}" + ("" if "..." in subscripts else " and no ellipsis was given"),
                                 code="SC102")
            before = subscripts.split("...")[0] if "..." in subscripts else letters
            spread = len(shape) - len(letters)
            axes = list(zip(before, shape, strict=False))
            if "..." in subscripts:
                ellipsis = broadcast_pair(ellipsis, shape[len(before):len(before) + spread], "Einsum", torch_size)
                after = subscripts.split("...")[1]
                axes += list(zip(after, shape[len(before) + spread:], strict=True))
            for letter, size in axes:
                sizes[letter] = self.combine(letter, sizes.get(letter, 1), size, number)
        if output is None:
            once = sorted(c for c in set("".join(operands).replace(".", "")) if "".join(operands).count(c) == 1)
            output = "..." + "".join(once)
        head, _, tail = output.partition("...") if "..." in output else (output, "", "")
        result = (*(sizes[c] for c in head), *(ellipsis if "..." in output else ()), *(sizes[c] for c in tail))
        why.step(f"{self.equation}: " + ", ".join(f"{c}={'None' if s is None else s}" for c, s in sorted(sizes.items())))
        return tuple(result)

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """fvcore's einsum rule (`costs.einsum`); three operands or more are contracted left to right,
        where numpy would search for the cheapest order."""
        operands, result = self.parse()
        samples = [costs.one_sample(shape) for shape in inputs]
        if any(None in shape for shape in samples):
            return None
        spelled = [self.spelled(subscripts, len(shape)) for subscripts, shape in zip(operands, samples, strict=True)]
        sizes: dict[str, int] = {}
        for letters, shape in zip(spelled, samples, strict=True):
            for letter, size in zip(letters, shape, strict=True):
                sizes[letter] = max(sizes.get(letter, 1), size)  # type: ignore[arg-type]
        if result is None:
            joined = "".join(operands).replace(".", "")
            result = "..." + "".join(sorted(c for c in set(joined) if joined.count(c) == 1))
        wide = max((len(shape) - len(s.replace("...", "")) for s, shape in zip(operands, samples, strict=True)
                    if "..." in s), default=0)
        target = self.spelled(result, len(result.replace("...", "")) + wide)
        if len(spelled) <= 2:
            return costs.einsum(sizes, spelled, target)
        steps, current = [], spelled[0]
        for index, letters in enumerate(spelled[1:], start=1):
            remaining = "".join(spelled[index + 1:]) + target
            kept = "".join(dict.fromkeys(c for c in current + letters if c in remaining))
            steps.append(([current, letters], kept))
            current = kept
        return costs.einsum(sizes, *steps[0], later=steps[1:])

    @staticmethod
    def spelled(subscripts: str, rank: int) -> str:
        """Subscripts with `...` written out as one digit per axis it stands for, right-aligned as
        broadcasting aligns them (so operands' ellipsis axes share names)."""
        if "..." not in subscripts:
            return subscripts
        before, after = subscripts.split("...")
        spread = rank - len(before) - len(after)
        return before + "".join(str(9 - i) for i in reversed(range(spread))) + after

    def combine(self, letter: str, seen: Dim, size: Dim, number: int) -> Dim:
        """One size per letter: equal, or one of them 1 (broadcast)."""
        if seen == 1:
            return size
        if size == 1 or size == seen:
            return seen
        if seen is None or size is None:
            return _known(seen, size)
        raise ShapeError(f"Einsum: subscript {letter} has size {size} for operand {number} which does not "
                         f"broadcast with previously seen size {seen}", code="SC102")


class ScaledDotProductAttention(TorchLayer):
    """F.scaled_dot_product_attention: inputs [query, key, value(, attn_mask)]; (..., L, E), (..., S, E), (..., S, Ev) -> (..., L, Ev)."""

    min_inputs: ClassVar[int] = 3
    max_inputs: ClassVar[int | None] = 4

    dropout_p: float = 0.0
    is_causal: bool = False
    scale: float | None = None
    enable_gqa: bool = False

    def output_shape(self, inputs: list[Shape], why: Why) -> Shape:
        query, key, value = inputs[:3]
        name = self.type_name()
        if min(len(query), len(key), len(value)) < 2:
            raise ShapeError(f"{name}: expected query, key, and value to all be at least 2 dimensional, but got "
                             f"{torch_size(query)}, {torch_size(key)} and {torch_size(value)}", code="SC102")
        if not _same(query[-1], key[-1]):
            raise ShapeError(f"{name}: query {torch_size(query)} and key {torch_size(key)} must have the same "
                             f"last size (E = {query[-1]} vs {key[-1]})", code="SC102")
        if not _same(key[-2], value[-2]):
            raise ShapeError(f"{name}: key {torch_size(key)} and value {torch_size(value)} must have the same "
                             f"sequence length (S = {key[-2]} vs {value[-2]})", code="SC102")
        if self.enable_gqa:
            batch = self.grouped(query, key, value)
        else:
            batch = broadcast_shapes([query[:-2], key[:-2], value[:-2]], name, torch_size)
        if len(inputs) == 4:
            broadcast_shapes([inputs[3], (*batch, query[-2], key[-2])], f"{name} (attn_mask)", torch_size)
            if self.is_causal:
                raise ShapeError(f"{name}: explicit attn_mask should not be set when is_causal=True", code="SC102")
        why.step(f"L = {query[-2]}, S = {key[-2]}, E = {query[-1]}, Ev = {value[-1]}")
        return (*batch, query[-2], value[-1])

    def macs(self, inputs: list[Shape], output: Shape) -> int | None:
        """Its two matrix products, which fvcore misses (a shapecalc extension): for every query row
        of every head, S*E for the scores and S*Ev for the weighted values."""
        query, key, value = inputs[:3]
        rows = costs.size_of(costs.one_sample(output)[:-1])
        return costs.times(rows, key[-2], None if query[-1] is None or value[-1] is None else query[-1] + value[-1])

    def grouped(self, query: Shape, key: Shape, value: Shape) -> Shape:
        """Grouped-query attention: the query's heads (axis -3) a multiple of key's and value's."""
        heads = query[-3] if len(query) >= 3 else None
        for other in (key, value):
            kv = other[-3] if len(other) >= 3 else None
            if heads is not None and kv is not None and heads % kv:
                raise ShapeError(f"{self.type_name()}: with enable_gqa the query's heads ({heads}) must be a "
                                 f"multiple of the key's and value's ({kv})", code="SC102")
        return query[:-2]
