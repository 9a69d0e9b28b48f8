"""`paused_gc()`: hold off the cyclic garbage collector while building many objects that all stay alive.

Every few hundred allocations the collector walks the young objects, and ever
more often the whole heap: for a 100,000-layer model that was more than half
of the reading, validation and engine time, freeing nothing. Reference
counting still frees everything as usual; cycles wait until it resumes. The
command line turns the collector off for the whole run (`fastpath.py`); this
keeps library callers (and the tests) just as fast, and leaves the collector
as it found it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
