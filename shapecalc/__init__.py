"""shapecalc: what shape comes out of this layer, and why."""

__version__ = "0.1.0"
