"""Emitters: pure functions from a Bundle to files, `{relative path: text}`. Only writer.py touches disk.

`tactful build` writes what every emitter of BUILD returns. An exporter is one new module with a
function `emit_x(bundle) -> dict[str, str]` and one line in EMITTERS; `outputs` runs any selection.
Emitters are deterministic: no clock, environment or absolute paths; sorted keys, `\n` endings.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tactful.runtime.bundle import Bundle

Emitter = Callable[["Bundle"], dict[str, str]]

# name → "module:function", imported when used (the docs emitter needs Jinja2 templates of its own)
EMITTERS: dict[str, str] = {
    "bundle": "tactful.emit.bundle:emit_bundle",
    "templates": "tactful.emit.templates:emit_templates",
    "conformance": "tactful.emit.conformance:emit_conformance",
}
BUILD = ("bundle", "templates", "conformance")  # what `tactful build` writes


def emitter(name: str) -> Emitter:
    module, _, function = EMITTERS[name].partition(":")
    return getattr(importlib.import_module(module), function)


def outputs(bundle: Bundle, names: Iterable[str] = BUILD) -> dict[str, str]:
    """Every selected emitter's files, merged and sorted by path; two emitters never share a path."""
    out: dict[str, str] = {}
    for name in names:
        files = emitter(name)(bundle)
        clash = out.keys() & files.keys()
        if clash:
            raise ValueError(f"emitter {name!r} writes {sorted(clash)[0]}, which another emitter writes too")
        out.update(files)
    return dict(sorted(out.items()))
