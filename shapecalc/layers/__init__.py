"""Layer types: one class per type, grouped by family, found through `registry`."""
