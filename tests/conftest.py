"""Test-wide settings: Keras runs on the torch backend (the CPU build pinned in the test extras)."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("KERAS_HOME", os.path.join(os.path.dirname(__file__), ".keras-home"))
