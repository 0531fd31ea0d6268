"""Walking the AST: the conditions, texts and references an entry holds."""

from __future__ import annotations

from collections.abc import Iterator

from tactful.codes import Code
from tactful.diagnostics import Diagnostic
from tactful.semantics.model import Model, regex_problem
from tactful.syntax import ast


def referenced_names(model: Model, module: ast.Module) -> set[str]:
    """Signal and phrase bank names a module refers to."""
    out: set[str] = set()
    for e in module.entries:
        for _, leaves in model.conditions(e):
            for a in leaves:
                if a.__class__ is ast.NameCond:
                    out.add(a.name.value)
        if isinstance(e, ast.FrameworkDecl):
            for r in model.of(e, ast.Reply):
                for mv in r.moves:
                    if mv.pick is not None:
                        out.add(mv.pick.value)
    return out


def regex_error(regex: ast.Regex) -> Iterator[Diagnostic]:
    reason = regex_problem(regex.pattern)
    if reason is not None:
        yield Diagnostic(Code.INVALID_REGEX, f"RE2 rejects this pattern: {reason}", regex.span, label="not accepted by RE2",
                         hint="RE2 runs in linear time and has no backreferences or lookaround; rewrite without them")
