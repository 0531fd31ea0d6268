"""One run: load → check → (lower). Returns a Result; never raises for bad input."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

from tactful.api import Result
from tactful.diagnostics import Severity
from tactful.semantics import config as cfg
from tactful.semantics.checks import CHECKS
from tactful.semantics.checks.context import Context
from tactful.semantics.loader import load
from tactful.semantics.scope import build_library


@contextmanager
def _no_cyclic_gc():
    """A run allocates millions of small, acyclic objects; the cyclic collector would rescan them all
    again and again (a third of the time of a large check) and find nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run(paths: list[Path], *, lower: bool) -> Result:
    with _no_cyclic_gc():
        return _run(paths, lower=lower)


def _run(paths: list[Path], *, lower: bool) -> Result:
    program, diagnostics = load(paths)
    lib = build_library(program)
    ctx = Context(program, lib)
    for check in CHECKS:
        diagnostics.extend(check(ctx))
    sups = {}
    for module in program.modules.values():
        src = program.sources.get(module.path)
        if src is None or not module.comments:
            continue
        items, sdiags = cfg.suppressions(module, src)
        diagnostics.extend(sdiags)
        if items:
            sups[module.path] = items
    diagnostics = cfg.apply(diagnostics, program.config, sups)
    unique = {}
    for d in diagnostics:
        unique.setdefault((d.code, d.span.file, d.span.start, d.span.end, d.message), d)
    diagnostics = sorted(unique.values(), key=lambda d: d.sort_key())
    frameworks = sum(1 for m, _ in ctx.frameworks() if m not in program.stdlib_modules)
    result = Result(diagnostics=diagnostics, sources=program.sources, frameworks=frameworks, root=program.root,
                    config=program.config)
    if lower and not any(d.effective_severity is Severity.ERROR for d in diagnostics):
        from tactful.semantics.lower import lower as lower_program

        result.bundle = lower_program(ctx, program.revision())
    return result
