"""shapecalc.broadcast against numpy's and torch's own broadcasting, and its handling of unknown sizes.

Known shapes: every pair hypothesis draws must broadcast exactly as
`numpy.broadcast_shapes` does, or fail where it fails. Unknown sizes: the
result must hold for every value the unknown could take at run time.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shapecalc.broadcast import BroadcastError, broadcast_pair, broadcast_shapes

np = pytest.importorskip("numpy")

TABLE = [  # (left, right, result): worked by the rule, aligned from the last axis
    ((8, 1, 6, 1), (7, 1, 5), (8, 7, 6, 5)),
    ((5, 4), (1,), (5, 4)),
    ((15, 3, 5), (15, 1, 5), (15, 3, 5)),
    ((), (3, 2), (3, 2)),  # a number
    ((None, 16, 8, 8), (16, 1, 1), (None, 16, 8, 8)),
    ((None, 1), (None, 4), (None, 4)),  # the unknown batch stays unknown
    ((None,), (4,), (4,)),  # the unknown must be 4 or 1: the result is 4
    ((None,), (1,), (None,)),
]


@pytest.mark.parametrize(("left", "right", "result"), TABLE, ids=[str(row[:2]) for row in TABLE])
def test_table(left, right, result) -> None:
    assert broadcast_pair(left, right) == result
    assert broadcast_pair(right, left) == result


def test_error_names_both_shapes_and_the_axis() -> None:
    with pytest.raises(BroadcastError) as caught:
        broadcast_pair((None, 16, 8, 8), (16, 8, 7), "Mul")
    error = caught.value
    assert error.code == "SC103"
    assert "(None, 16, 8, 8)" in error.message and "(16, 8, 7)" in error.message
    assert (error.axis, error.sizes) == (3, (8, 7))


def test_three_shapes() -> None:
    assert broadcast_shapes([(2, 1, 1), (3, 1), (4,)]) == (2, 3, 4)


SHAPES = st.lists(st.sampled_from([1, 2, 3]), max_size=4).map(tuple)


@given(SHAPES, SHAPES)
def test_agrees_with_numpy(left, right) -> None:
    try:
        expected = np.broadcast_shapes(left, right)
    except ValueError:
        with pytest.raises(BroadcastError):
            broadcast_pair(left, right)
    else:
        assert broadcast_pair(left, right) == expected


@given(SHAPES, SHAPES, st.data())
def test_unknown_sizes_hold_for_every_value(left, right, data) -> None:
    """Hide some sizes: where shapecalc answers, each filling of the unknowns numpy accepts gives that answer."""
    hidden = data.draw(st.lists(st.booleans(), min_size=len(left), max_size=len(left)))
    masked = tuple(None if hide else size for size, hide in zip(left, hidden, strict=True))
    try:
        ours = broadcast_pair(masked, right)
    except BroadcastError:
        with pytest.raises(ValueError):
            np.broadcast_shapes(left, right)
        return
    try:
        theirs = np.broadcast_shapes(left, right)
    except ValueError:
        return  # the hidden value was one the model would fail on at run time
    assert all(o is None or o == t for o, t in zip(ours, theirs, strict=True))
    assert len(ours) == len(theirs)
