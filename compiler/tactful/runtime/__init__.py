"""Load a compiled bundle and turn messages into draft replies.

The runtime imports pydantic, jinja2 and re2 only: a bot that loads a bundle does not pay for the
compiler (no lark, no click).
"""
