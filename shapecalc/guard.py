"""The last guard of both entry points (fastpath.py and cli.py): no input ever ends in a Python traceback."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing itself is not imported on the hot path
if TYPE_CHECKING:
    from collections.abc import Callable


def guarded(run: Callable[[], int | None]) -> int | None:
    """`run()`, with the last guard of both entry points: no input ever ends in a Python traceback."""
    try:
        return run()
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        sys.stderr.write("shapecalc: interrupted\n")
        sys.exit(130)
    except Exception as error:
        internal_error(error)
        raise  # not reached: internal_error exits


def internal_error(error: Exception) -> None:
    """A bug in shapecalc, reported in one line without a traceback (SHAPECALC_DEBUG=1 shows it)."""
    import os

    if os.environ.get("SHAPECALC_DEBUG"):
        raise error
    sys.stderr.write(
        f"shapecalc: internal error: {type(error).__name__}: {error}\n"
        "This is a bug in shapecalc; set SHAPECALC_DEBUG=1 for the traceback.\n"
    )
    sys.exit(2)
