"""Builders for hand-made Results (a uniquely named module, so that tests can import it
whatever other test folders put on sys.path)."""

from __future__ import annotations

from tactful.api import Result
from tactful.diagnostics import Diagnostic
from tactful.source import SourceFile, Span


def span_of(source: SourceFile, needle: str, occurrence: int = 1) -> Span:
    """The span of the n-th occurrence of needle in source (fails loudly if absent)."""
    at = -1
    for _ in range(occurrence):
        at = source.text.index(needle, at + 1)
    return source.span(at, at + len(needle))


def make_result(*diagnostics: Diagnostic, sources: list[SourceFile], frameworks: int = 0) -> Result:
    return Result(list(diagnostics), {s.path: s for s in sources}, frameworks=frameworks)
