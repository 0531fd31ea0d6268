"""`tactful fmt`: the canonical layout (syntax/layout.py) applied to files, checked, or shown as a diff.

Formatting rewrites the author's own sources in place, so it writes here rather than through
emit/writer.py (which owns compiled outputs): a file is written only when its text changes and only
after the layout has proved itself safe (same AST, same comments).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from tactful.source import SourceFile
from tactful.syntax.layout import FormatError, Formatted, UnsafeFormat, format_source

__all__ = ["FmtRun", "SourceFile", "format_paths", "format_text", "tact_files"]


@dataclass
class FmtRun:
    """What one `tactful fmt` run found: files formatted (changed or not) and files it could not format."""

    formatted: list[Formatted] = field(default_factory=list)
    invalid: list[FormatError] = field(default_factory=list)  # do not parse: the author's to fix
    unsafe: list[UnsafeFormat] = field(default_factory=list)  # internal errors: nothing written
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    @property
    def changed(self) -> list[Formatted]:
        return [f for f in self.formatted if f.changed]

    def diff(self) -> str:
        """A unified diff of every file that would change."""
        return "".join("".join(difflib.unified_diff(f.original.splitlines(True), f.text.splitlines(True),
                                                    f"a/{f.path}", f"b/{f.path}")) for f in self.changed)


def tact_files(paths: list[str]) -> list[str]:
    """Every .tact file under paths, in order (a file named directly counts whatever its suffix);
    hidden folders are skipped."""
    out: list[str] = []
    for p in paths:
        if os.path.isfile(p):
            out.append(p)
            continue
        found = []
        for folder, dirs, files in os.walk(p):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found.extend(os.path.join(folder, f) for f in files if f.endswith(".tact"))
        out.extend(sorted(found, key=lambda f: f.split(os.sep)))
    return [Path(f).as_posix() for f in dict.fromkeys(out)]


def format_text(text: str, path: str = "<stdin>") -> Formatted:
    """One text in canonical layout; raises FormatError or UnsafeFormat (see syntax/layout.py)."""
    return format_source(SourceFile(path, text[1:] if text.startswith("\ufeff") else text))


def format_paths(paths: list[str], *, write: bool) -> FmtRun:
    """Format every .tact file under paths; with write, rewrite the ones whose layout changes."""
    run = FmtRun()
    for path in tact_files(paths):
        try:
            with open(path, encoding="utf-8", newline="") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as e:
            run.unreadable.append((path, "it is not valid UTF-8" if isinstance(e, UnicodeDecodeError) else str(e)))
            continue
        try:
            result = format_text(text, path)
        except FormatError as e:
            run.invalid.append(e)
            continue
        except UnsafeFormat as e:
            run.unsafe.append(e)
            continue
        run.formatted.append(result)
        if write and result.changed:
            try:
                with open(path, "w", encoding="utf-8", newline="\n") as fh:
                    fh.write(result.text)
            except OSError as e:
                run.unreadable.append((path, f"could not write it: {e}"))
    return run
