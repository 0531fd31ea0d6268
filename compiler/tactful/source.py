"""Source files and spans: the positions every node and diagnostic carries.

A Span is half-open in character offsets and 1-based in lines and columns (columns count
characters, not bytes), so editors, GitHub annotations and SARIF can all use it directly.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import NamedTuple


class Span(NamedTuple):
    """Immutable like the AST nodes; a named tuple because a parse makes hundreds of thousands of
    them, and a tuple is built about four times faster than a frozen dataclass."""

    file: str
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int

    def to(self, other: "Span") -> "Span":
        """The span from the start of self to the end of other."""
        return Span(self.file, self.start, other.end, self.line, self.column, other.end_line, other.end_column)


NO_SPAN = Span("", 0, 0, 1, 1, 1, 1)


def new_span(fields: tuple[str, int, int, int, int, int, int]) -> Span:
    """A Span from its seven fields in one C call (a parse makes one per node; Span(...) goes through
    the named tuple's Python-level __new__)."""
    return tuple.__new__(Span, fields)


@dataclass(eq=False)
class SourceFile:
    """One file's text, with its path relative to the project (forward slashes)."""

    path: str
    text: str
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        text = self.text
        i = text.find("\n")
        while i != -1:
            starts.append(i + 1)
            i = text.find("\n", i + 1)
        self._line_starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        return self._line_starts[line - 1] + column - 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return new_span((self.path, start, end, line, column, end_line, end_column))

    def line_text(self, line: int) -> str:
        if line < 1 or line > len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end != -1 else len(self.text)].rstrip("\r")

    @property
    def line_count(self) -> int:
        return len(self._line_starts)
