"""Renderers: an Analysis in, text out. No arithmetic happens here."""
