"""Hostile and broken inputs: never a traceback, never a hang, nothing lost."""
