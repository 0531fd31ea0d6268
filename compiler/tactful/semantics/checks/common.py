"""Walking the AST: the conditions, texts and references an entry holds."""

from __future__ import annotations

from collections.abc import Iterator

from tactful.codes import Code
from tactful.diagnostics import Diagnostic
from tactful.semantics.model import regex_problem
from tactful.syntax import ast


def atoms(cond: ast.Cond) -> Iterator[ast.Cond]:
    match cond:
        case ast.Or(items=items) | ast.And(items=items) | ast.AtLeast(items=items):
            for c in items:
                yield from atoms(c)
        case ast.Not(item=item):
            yield from atoms(item)
        case _:
            yield cond


def conditions(entry) -> Iterator[ast.Cond]:
    """Every top-level condition written in an entry (a policy, signal or framework)."""
    match entry:
        case ast.SignalDecl():
            yield from entry.when
        case ast.PolicyDecl():
            for item in entry.items:
                yield item.when
        case ast.FrameworkDecl():  # the members by their exact class: a framework has many
            for m in entry.members:
                kind = type(m)
                if kind is ast.Guard or kind is ast.Escalate:
                    yield m.when
                elif kind is ast.Reply:
                    if m.when is not None:
                        yield m.when
                elif kind is ast.Example:
                    for it in m.items:
                        if type(it) is ast.Expect and it.when is not None:
                            yield it.when
        case _:
            return


def referenced_names(module: ast.Module) -> set[str]:
    """Signal and phrase bank names a module refers to."""
    out: set[str] = set()
    for e in module.entries:
        for c in conditions(e):
            for a in atoms(c):
                if isinstance(a, ast.NameCond):
                    out.add(a.name.value)
        if isinstance(e, ast.FrameworkDecl):
            for r in e.of(ast.Reply):
                for mv in r.moves:
                    if mv.pick is not None:
                        out.add(mv.pick.value)
    return out


def regex_error(regex: ast.Regex) -> Iterator[Diagnostic]:
    reason = regex_problem(regex.pattern)
    if reason is not None:
        yield Diagnostic(Code.INVALID_REGEX, f"RE2 rejects this pattern: {reason}", regex.span, label="not accepted by RE2",
                         hint="RE2 runs in linear time and has no backreferences or lookaround; rewrite without them")
