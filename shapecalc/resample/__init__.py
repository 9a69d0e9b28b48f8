"""Explains how upsampling layers compute values, per framework convention (pure Python)."""

from shapecalc.resample.apply import ResampleResult, resample
from shapecalc.resample.errors import ResampleError

__all__ = ["ResampleError", "ResampleResult", "resample"]
