"""`use`: unknown modules, cycles and imports nothing uses."""

from __future__ import annotations

from collections.abc import Iterator

from tactful.codes import Code
from tactful.diagnostics import Diagnostic, Related
from tactful.semantics.checks.common import referenced_names
from tactful.semantics.model import Model, did_you_mean
from tactful.syntax import ast


def _uses(model: Model):
    for name, module in model.program.modules.items():
        for e in module.entries:
            if isinstance(e, ast.Use):
                yield name, e


def empty_files(model: Model) -> Iterator[Diagnostic]:
    """A file that declares nothing (empty, blank or only comments) is most likely unfinished."""
    for name, module in model.program.modules.items():
        if module.entries or name in model.program.stdlib_modules:
            continue
        src = model.program.sources.get(module.path)
        if src is None or (src.text.strip() and not all(
                not ln.strip() or ln.lstrip().startswith("#") for ln in src.text.split("\n"))):
            continue  # text that did not parse is a syntax error, reported already
        what = "is empty" if not src.text.strip() else "holds only comments"
        yield Diagnostic(Code.EMPTY_FILE, f"`{module.path}` {what}, so it declares nothing", src.span(0, min(1, len(src.text))),
                         label="nothing declared", hint="write its framework (or whatever it should declare), or delete the file")


def unknown_modules(model: Model) -> Iterator[Diagnostic]:
    for _, use in _uses(model):
        target = use.module.value
        if target not in model.program.modules:
            yield Diagnostic(Code.UNKNOWN_MODULE, f"there is no module `{target}`", use.module.span, label="unknown module",
                             hint=did_you_mean(target, model.program.modules) or
                             "modules are .tact files named by their path, like `shared.tone` for shared/tone.tact")
    for name, first, second in model.program.duplicate_modules:
        src = model.program.sources[second]
        yield Diagnostic(Code.DUPLICATE_DECLARATION, f"two files are both module `{name}`", src.span(0, 0),
                         label="this file", related=(Related(model.program.sources[first].span(0, 0), "the other file"),),
                         hint="compile one folder at a time, or rename one of the files")


def import_cycles(model: Model) -> Iterator[Diagnostic]:
    graph = model.decls.uses
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
                    module = model.program.modules[first]
                    nxt_name = ordered[1]
                    use = next(e for e in module.entries if isinstance(e, ast.Use) and e.module.value == nxt_name)
                    yield Diagnostic(Code.IMPORT_CYCLE, "these modules use each other: " + " → ".join(f"`{m}`" for m in ordered),
                                     use.span, label="the cycle starts here",
                                     hint="move what they share into a module that both use")
                elif nxt not in path and len(path) < 64:
                    stack.append((nxt, path + [nxt]))


def _has_junk(module: ast.Module) -> bool:
    return any(isinstance(e, ast.Junk) or (isinstance(e, ast.FrameworkDecl) and e.has_junk) for e in module.entries)


def unused_imports(model: Model) -> Iterator[Diagnostic]:
    lib = model.decls
    provides: dict[str, set[str]] = {}  # module → the signals and phrase banks it declares
    for table in (lib.signals, lib.banks):
        for n, (m, _) in table.items():
            provides.setdefault(m, set()).add(n)
    for name, module in model.program.modules.items():
        uses = [e for e in module.entries if isinstance(e, ast.Use)]
        if not uses or _has_junk(module):  # the lines that did not parse may be the ones using it
            continue
        refs = referenced_names(model, module)
        for use in uses:
            target = use.module.value
            if target not in model.program.modules:
                continue
            provided = provides.get(target, set())
            if not provided:
                yield Diagnostic(Code.UNUSED_IMPORT, f"`{target}` declares no signals or phrase banks, so this `use` does nothing",
                                 use.span, label="unused import",
                                 hint="teams, channels, fields, style rules and policies apply everywhere without `use`; remove this line")
            elif not provided & refs:
                yield Diagnostic(Code.UNUSED_IMPORT, f"nothing from `{target}` is used in this file", use.span,
                                 label="unused import", hint="remove this line")
