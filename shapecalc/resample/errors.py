"""The one exception type the resample command turns into a clean exit-2 message."""


class ResampleError(ValueError):
    """A user-facing problem with the matrix or the options; its text is the whole message."""
