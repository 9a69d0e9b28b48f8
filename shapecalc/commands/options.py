"""Option values that the command table's plain kinds do not check themselves."""

from __future__ import annotations

import sys


def codes_option(values: list[str] | None, flag: str) -> tuple[str, ...] | None:
    """`--ignore SC302 --ignore SC2,SC301` as codes; None (after saying why on stderr) when one is not a code."""
    from shapecalc.checks.suppress import invalid_codes, split_codes

    codes = split_codes(values)
    bad = invalid_codes(codes)
    if bad:
        sys.stderr.write(f"shapecalc: {flag} {bad[0]!r} is not a diagnostic code or prefix (e.g. SC201, SC2)\n")
        return None
    return codes
