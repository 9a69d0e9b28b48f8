"""`shapecalc fit`: the input sizes at which a model computes, floors nowhere and keeps its output ratio.

sweep.py walks the graph at one size after another, rule.py turns the sizes
that work into a rule (`H ≡ 0 (mod 16)`, `H = 188 + 16k`), search.py puts
the axes together and re-checks the proposal through the full engine, and
render.py lays the report out as text or JSON.
"""
