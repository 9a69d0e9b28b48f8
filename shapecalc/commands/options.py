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


def columns_option(values: list[str] | None) -> tuple[str, ...] | None:
    """`--columns macs,params` as column names; () when not given; None (after saying why on stderr) when a
    name is not a column."""
    from shapecalc.render.columns import refusal, split_columns, unknown_column

    names = split_columns(values)
    if values and not names:
        sys.stderr.write("shapecalc: --columns names no column\n")
        return None
    bad = unknown_column(names)
    if bad is not None:
        sys.stderr.write(f"shapecalc: {refusal(bad, '--columns')}\n")
        return None
    return names
