"""Diagnostics as values: what a check found, where, and how to fix it.

Checks return Diagnostic values; nothing in the compiler raises for bad input. A run collects every
diagnostic of every file, sorts them by position, applies the project's severity settings and
inline suppressions, and hands them to one renderer (tactful.diagnostics.terminal, .ci).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from tactful.codes import Code, Severity
from tactful.source import SourceFile, Span


@dataclass(frozen=True, slots=True)
class Related:
    """A secondary location: 'declared here', 'first defined here'."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: Code  # Code.UNDECLARED_SLOT: a member of the one table, never a loose string
    message: str  # plain words, identifiers in backticks; makes sense alone
    span: Span
    label: str = ""  # short text under the caret in the pretty form
    hint: str = ""  # the `help` line: only this proposes a fix
    severity: Severity | None = None  # None: the code's default severity
    related: tuple[Related, ...] = field(default=())

    def __post_init__(self) -> None:
        if type(self.code) is not Code:
            raise TypeError(f"a Diagnostic takes a tactful.codes.Code, not {self.code!r}")

    @property
    def slug(self) -> str:
        return self.code.slug

    @property
    def effective_severity(self) -> Severity:
        return self.severity or self.code.severity

    def sort_key(self) -> tuple:
        return (self.span.file, self.span.start, self.span.end, self.code, self.message)


class Findings(Protocol):
    """What a renderer reads of a run (tactful.api.Result is one)."""

    diagnostics: Sequence[Diagnostic]
    sources: Mapping[str, SourceFile]
    frameworks: int

    @property
    def files(self) -> int: ...


def counts(findings: Findings) -> tuple[int, int, int]:
    """(errors, warnings, notes) after the project's severity settings."""
    errors = warnings = notes = 0
    for d in findings.diagnostics:
        sev = d.effective_severity
        errors += sev is Severity.ERROR
        warnings += sev is Severity.WARNING
        notes += sev is Severity.NOTE
    return errors, warnings, notes


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def location(span: Span) -> str:
    return f"{span.file}:{span.line}:{span.column}"
