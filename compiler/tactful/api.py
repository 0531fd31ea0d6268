"""The public verbs, one per stage: check, compile, emit. The CLI is a thin shell over these.

Nothing here prints or exits; every problem with the input comes back as a Diagnostic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tactful.diagnostics import Diagnostic, Severity
from tactful.source import SourceFile

if TYPE_CHECKING:  # `check` never loads pydantic
    from tactful.runtime.bundle import Bundle


@dataclass
class Result:
    """What one run over a set of paths found."""

    diagnostics: list[Diagnostic]
    sources: dict[str, SourceFile]  # every file read, by its project-relative path
    frameworks: int = 0
    bundle: Bundle | None = None  # set by compile() when there are no errors
    root: Path | None = None  # the project root paths are relative to
    config: object = field(default=None, repr=False)
    # What was read and parsed: every module's AST, by name (semantics.loader.Program). In a run
    # split between two processes, the files the other process parsed are declarations only.
    program: object = field(default=None, repr=False)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.effective_severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.effective_severity is Severity.WARNING)

    @property
    def files(self) -> int:
        return sum(1 for p in self.sources if p.endswith(".tact") and not p.startswith("<stdlib>/"))


def check(paths: Sequence[str | Path]) -> Result:
    """Parse and check every .tact file under paths (stdlib always loaded)."""
    from tactful.semantics.pipeline import run

    return run([Path(p) for p in paths], lower=False)


def compile(paths: Sequence[str | Path]) -> Result:
    """check(), then lower to a Bundle when there are no errors."""
    from tactful.semantics.pipeline import run

    return run([Path(p) for p in paths], lower=True)


def build_outputs(bundle: Bundle) -> dict[str, str]:
    """bundle.json and one .j2 template per reply and handoff, as {relative path: text}."""
    from tactful.emit.build import emit

    return emit(bundle)


def write_outputs(outputs: dict[str, str], out_dir: str | Path) -> list[Path]:
    """Write build_outputs() into out_dir; templates left from an earlier build are removed."""
    from tactful.emit.writer import write

    return write(outputs, Path(out_dir), prune={"templates": ".j2"})
