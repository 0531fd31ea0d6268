"""Source files and spans: the positions every node and diagnostic carries.

A Span is half-open in character offsets and 1-based in lines and columns (columns count
characters, not bytes), so editors, GitHub annotations and SARIF can all use it directly.
"""

from __future__ import annotations

import bisect
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


class SourceFile:
    """One file's text, with its path relative to the project (forward slashes).

    AST nodes keep their position as offsets into their SourceFile; the line table that turns an
    offset into a line and column is made on the first request, which for most files of a clean
    run is never (a span's lines are needed only for a diagnostic or a bundle's locations). Not a
    dataclass, so that code walking an AST's dataclass fields does not walk into it."""

    __slots__ = ("path", "text", "_line_starts")

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._line_starts: list[int] | None = None

    def __repr__(self) -> str:
        return f"SourceFile(path={self.path!r}, text={self.text!r})"

    def _starts(self) -> list[int]:
        starts = self._line_starts
        if starts is None:  # two threads may both make it: the same list, and the assignment is atomic
            starts = [0]
            text = self.text
            i = text.find("\n")
            while i != -1:
                starts.append(i + 1)
                i = text.find("\n", i + 1)
            self._line_starts = starts
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        starts = self._starts()
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        return self._starts()[line - 1] + column - 1

    def span(self, start: int, end: int) -> Span:
        starts = self._starts()
        line = bisect.bisect_right(starts, start) - 1
        end_line = bisect.bisect_right(starts, end, line) - 1
        return new_span((self.path, start, end, line + 1, start - starts[line] + 1, end_line + 1, end - starts[end_line] + 1))

    def line_text(self, line: int) -> str:
        starts = self._starts()
        if line < 1 or line > len(starts):
            return ""
        start = starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end != -1 else len(self.text)].rstrip("\r")

    @property
    def line_count(self) -> int:
        return len(self._starts())
