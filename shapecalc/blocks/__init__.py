"""Blocks: named, parameterised sub-graphs written once in `blocks:` and used like layers.

definitions.py reads the `blocks:` section, expression.py evaluates the small
integer arithmetic arguments may hold, substitute.py puts parameters into
arguments, expand.py writes the uses out as plain layer entries, and
stage.py is the pipeline's step between reading and validation (and the
step after it that gives layers their block paths).
"""
