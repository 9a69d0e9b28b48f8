"""Lets `python -m shapecalc` run the command line."""

from shapecalc.fastpath import main

main()
