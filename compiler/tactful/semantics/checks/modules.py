"""`use`: unknown modules, cycles and imports nothing uses."""

from __future__ import annotations

from collections.abc import Iterator

from tactful.diagnostics import Diagnostic, Related
from tactful.semantics.checks.context import Context
from tactful.semantics.checks.walk import referenced_names
from tactful.semantics.scope import did_you_mean
from tactful.syntax import ast


def _uses(ctx: Context):
    for name, module in ctx.program.modules.items():
        for e in module.entries:
            if isinstance(e, ast.Use):
                yield name, e


def unknown_modules(ctx: Context) -> Iterator[Diagnostic]:
    for _, use in _uses(ctx):
        target = use.module.value
        if target not in ctx.program.modules:
            yield Diagnostic("T1101", f"there is no module `{target}`", use.module.span, label="unknown module",
                             hint=did_you_mean(target, ctx.program.modules) or
                             "modules are .tact files named by their path, like `shared.tone` for shared/tone.tact")
    for name, first, second in ctx.program.duplicate_modules:
        src = ctx.program.sources[second]
        yield Diagnostic("T1110", f"two files are both module `{name}`", src.span(0, 0),
                         label="this file", related=(Related(ctx.program.sources[first].span(0, 0), "the other file"),),
                         hint="compile one folder at a time, or rename one of the files")


def import_cycles(ctx: Context) -> Iterator[Diagnostic]:
    graph = ctx.lib.uses
    reported: set[frozenset[str]] = set()
    for start in sorted(graph):
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    cycle = frozenset(path)
                    if cycle in reported:
                        continue
                    reported.add(cycle)
                    first = min(path)
                    i = path.index(first)
                    ordered = path[i:] + path[:i] + [first]
                    module = ctx.program.modules[first]
                    nxt_name = ordered[1]
                    use = next(e for e in module.entries if isinstance(e, ast.Use) and e.module.value == nxt_name)
                    yield Diagnostic("T1103", "these modules use each other: " + " → ".join(f"`{m}`" for m in ordered),
                                     use.span, label="the cycle starts here",
                                     hint="move what they share into a module that both use")
                elif nxt not in path and len(path) < 64:
                    stack.append((nxt, path + [nxt]))


def unused_imports(ctx: Context) -> Iterator[Diagnostic]:
    lib = ctx.lib
    for name, module in ctx.program.modules.items():
        uses = [e for e in module.entries if isinstance(e, ast.Use)]
        if not uses or module.partial:  # a partial module's references are in bodies read elsewhere
            continue
        refs = referenced_names(module)
        for use in uses:
            target = use.module.value
            if target not in ctx.program.modules:
                continue
            provided = {n for n, (m, _) in lib.signals.items() if m == target} | \
                       {n for n, (m, _) in lib.banks.items() if m == target}
            if not provided:
                yield Diagnostic("T1102", f"`{target}` declares no signals or phrase banks, so this `use` does nothing",
                                 use.span, label="unused import",
                                 hint="teams, channels, fields, style rules and policies apply everywhere without `use`; remove this line")
            elif not provided & refs:
                yield Diagnostic("T1102", f"nothing from `{target}` is used in this file", use.span,
                                 label="unused import", hint="remove this line")
