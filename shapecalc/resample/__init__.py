"""Explains how upsampling layers compute values, per framework convention (pure Python)."""

from shapecalc.resample.errors import ResampleError
from shapecalc.resample.apply import ResampleResult, resample

__all__ = ["ResampleError", "ResampleResult", "resample"]
