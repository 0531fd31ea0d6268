"""Diagnostics as values, and their renderers (pretty, compact, json, github, sarif).

Checks yield Diagnostic values; nothing in the compiler raises for bad input. A run collects every
diagnostic of every file, sorts them by position, applies the project's severity settings and
inline suppressions, and hands them to one renderer.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from tactful.source import Span


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Related:
    """A secondary location: 'declared here', 'first defined here'."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str  # "T1201"
    message: str  # plain words, identifiers in backticks; makes sense alone
    span: Span
    label: str = ""  # short text under the caret in the pretty form
    hint: str = ""  # the `help` line: only this proposes a fix
    severity: Severity | None = None  # None: the code's default severity
    related: tuple[Related, ...] = field(default=())

    @property
    def slug(self) -> str:
        from tactful.codes import CODES

        return CODES[self.code].slug

    @property
    def effective_severity(self) -> Severity:
        from tactful.codes import CODES

        return self.severity or CODES[self.code].severity

    def sort_key(self) -> tuple:
        return (self.span.file, self.span.start, self.span.end, self.code, self.message)
