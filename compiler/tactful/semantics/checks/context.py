"""The read-only view every check gets: the program, its declarations, and helpers to walk them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tactful.semantics.loader import Program
from tactful.semantics.scope import Library
from tactful.syntax import ast


@dataclass
class Context:
    program: Program
    lib: Library
    # (module, entry) pairs by entry class, in program order: made on first use, since every check
    # asks for the frameworks and some for the policies, banks …
    _by_kind: dict[type, list] | None = field(default=None, init=False, repr=False)

    def frameworks(self) -> Iterator[tuple[str, ast.FrameworkDecl]]:
        """The frameworks this process checks (not the heads read for another process's files)."""
        for name, e in self.all_frameworks():
            if not e.stub:
                yield name, e

    def all_frameworks(self) -> Iterator[tuple[str, ast.FrameworkDecl]]:
        """Every framework of the library, stubs included: for checks across frameworks (intents)."""
        return self.entries(ast.FrameworkDecl)

    def entries(self, kind: type) -> Iterator[tuple[str, object]]:
        by_kind = self._by_kind
        if by_kind is None:
            by_kind = self._by_kind = {}
            for name, module in self.program.modules.items():
                for e in module.entries:
                    by_kind.setdefault(type(e), []).append((name, e))
        return iter(by_kind.get(kind, ()))

    def text_of(self, span) -> str:
        src = self.program.sources.get(span.file)
        return src.text[span.start:span.end] if src else ""

    def cond_source(self, cond: ast.Cond) -> str:
        return " ".join(self.text_of(cond.span).split())

    def slots_of(self, fw: ast.FrameworkDecl) -> dict[str, ast.Slot]:
        out: dict[str, ast.Slot] = {}
        for s in fw.of(ast.Slot):
            out.setdefault(s.name.value, s)
        return out


def slot_type(slot: ast.Slot) -> ast.TypeRef | None:
    for f in slot.flags:
        if isinstance(f, ast.TypeRef):
            return f
        if f.value not in ("required", "private"):
            return ast.TypeRef(f, span=f.span)
    return None


def slot_flag(slot: ast.Slot, flag: str) -> bool:
    return any(isinstance(f, ast.Name) and f.value == flag for f in slot.flags)


_JUNK_SLOT = re.compile(r"^\s*slot\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)


def junk_slot_names(fw: ast.FrameworkDecl) -> set[str]:
    """Slots whose declaration did not parse: uses of them are not reported again as undeclared."""
    return {m.group(1) for j in fw.of(ast.Junk) for m in _JUNK_SLOT.finditer(j.text)}


def value_text(v: ast.Value) -> str:
    """An example's slot value as the runtime receives it: `3` stays "3", not "3.0"."""
    if v.kind == "number":
        f = float(v.value)
        return str(int(f)) if f.is_integer() else str(f)
    return str(v.value)
