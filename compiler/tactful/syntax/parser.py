"""Source text → AST: the Parser, reentrant, with error recovery.

A `Parser` parses one file at a time into a Module and its syntax diagnostics. Any number of threads
(a language server, the HTTP service) may call `parse` on one Parser at once: each call borrows an
Engine (engine.py: a Lark parser with its own Builder and line tracker) from the Parser's free list
and gives it back afterwards, so no two parses share state, and a process builds only as many
engines as it has parses running at once. A file is parsed whole first; only when that fails does
recovery.py cut it into entries and members, so that every syntax error of the file is reported and
the healthy entries are still checked.
"""

from __future__ import annotations

from functools import cache

from tactful.diagnostics import Diagnostic
from tactful.source import SourceFile
from tactful.syntax import ast
from tactful.syntax.engine import ERRORS, Engine, prepare
from tactful.syntax.grammar import GRAMMAR
from tactful.syntax.recovery import parse_recovering

__all__ = ["GRAMMAR", "Parser", "default_parser", "module_name", "parse"]


def module_name(path: str) -> str:
    name = path[:-5] if path.endswith(".tact") else path
    return name.replace("/", ".")


class Parser:
    """Parses .tact sources. Reentrant: share one Parser between threads freely."""

    def __init__(self, *, compiled: bool = True) -> None:
        self._compiled = compiled  # False: pure-Python Lark even where lark-cython is installed
        self._free: list[Engine] = []  # engines not in use; list.pop and append are atomic

    def _borrow(self) -> Engine:
        try:
            return self._free.pop()
        except IndexError:
            return Engine(compiled=self._compiled)

    def parse(self, source: SourceFile, name: str | None = None) -> tuple[ast.Module, list[Diagnostic]]:
        """One file's Module (with Junk for broken entries) and its syntax diagnostics."""
        name = name or module_name(source.path)
        if not source.text.strip():
            return ast.Module(name, source.path, ()), []
        engine = self._borrow()
        try:
            try:
                entries = engine.run(prepare(source.text), "start", source)
            except ERRORS:
                return parse_recovering(engine, source, name)
            comments = tuple(ast.Comment(t, src=source, start=o - 1, end=o - 1 + len(t)) for o, t in engine.lines.comments)
            return ast.Module(name, source.path, tuple(entries), comments), engine.builder.diagnostics
        finally:
            self._free.append(engine)


@cache
def default_parser() -> Parser:
    """The process's shared Parser (safe to share: see Parser)."""
    return Parser()


def parse(source: SourceFile, name: str | None = None) -> tuple[ast.Module, list[Diagnostic]]:
    """Parse one file with the shared Parser."""
    return default_parser().parse(source, name)
