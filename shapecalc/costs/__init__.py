"""What a model costs to run: multiply-accumulates, activation memory and receptive fields.

Each layer type states its own rule (`Layer.macs`); the shared arithmetic
those rules call lives here, with no import of any framework.
"""
