"""Lets `python -m shapecalc` run the command line."""

from shapecalc.cli import main

main()
