"""Emitters: Bundle in, {relative path: text} out. Pure and deterministic; only writer.py touches disk."""
