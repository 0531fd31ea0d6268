"""One run: load (parse every file) → check (the whole program) → lower. Never raises for bad input.

The two phases are explicit. The per-file phase (loader.parse_file) reads one file and nothing
else: its AST and its syntax diagnostics. The project-wide phase builds the program's declarations
once (model.declarations), runs every check of checks.CHECKS over the Model, applies the project's
settings and suppressions, and lowers a program without errors to the Bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tactful.codes import Severity
from tactful.diagnostics import Diagnostic
from tactful.semantics import config as cfg
from tactful.semantics.checks import CHECKS
from tactful.semantics.loader import STDLIB_PREFIX, ParseCache, Program, load, load_sources
from tactful.semantics.model import Model, declarations
from tactful.semantics.scorers import weights_path
from tactful.source import SourceFile
from tactful.syntax import ast

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
    # the files besides the sources that the check read: the weights file each of the project's
    # scorers names (the stdlib's are in the package); `check --watch` watches them too
    inputs: tuple[Path, ...] = ()

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.effective_severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.effective_severity is Severity.WARNING)

    @property
    def files(self) -> int:
        return sum(1 for p in self.sources if p.endswith(".tact") and not p.startswith("<stdlib>/"))


def check_program(program: Program, diagnostics: list[Diagnostic]) -> tuple[Model, list[Diagnostic]]:
    """The project-wide phase: every check over the program, then settings and suppressions applied,
    duplicates dropped and the rest sorted by position."""
    model = Model(program, declarations(program))
    for check in CHECKS:
        diagnostics.extend(check(model))
    sups = {}
    for module in program.modules.values():
        src = program.sources.get(module.path)
        if src is None or not module.comments:
            continue
        items, sdiags = cfg.suppressions(module, src)
        diagnostics.extend(sdiags)
        if items:
            sups[module.path] = items
    unique = {}
    for d in cfg.apply(diagnostics, program.config, sups):
        unique.setdefault((d.code, d.span.file, d.span.start, d.span.end, d.message), d)
    return model, sorted(unique.values(), key=Diagnostic.sort_key)


def run(paths: Sequence[Path], *, lower: bool, exclude: frozenset[str] = frozenset()) -> Result:
    program, diagnostics = load(list(paths), exclude)
    return _finish(program, diagnostics, lower)


def run_sources(root: Path, texts: dict[str, str], *, base: str = "", lower: bool = False,
                cache: ParseCache | None = None) -> Result:
    """run() over sources in memory ({project-relative path: text}); see loader.load_sources."""
    program, diagnostics = load_sources(root, texts, base=base, cache=cache)
    return _finish(program, diagnostics, lower)


def _finish(program: Program, diagnostics: list[Diagnostic], lower: bool) -> Result:
    model, diagnostics = check_program(program, diagnostics)
    frameworks = sum(1 for m, _ in model.frameworks() if m not in program.stdlib_modules)
    result = Result(diagnostics=diagnostics, sources=program.sources, frameworks=frameworks, root=program.root,
                    inputs=weights_files(model))
    if lower and not result.errors:
        from tactful.semantics.lower import lower as lower_program

        result.bundle = lower_program(model, program.revision())
    return result


def weights_files(model: Model) -> tuple[Path, ...]:
    """The weights files the project's own `scorer` declarations name (not the stdlib's), sorted."""
    return tuple(sorted({weights_path(model.program.root, d) for _, d in model.entries(ast.ScorerDecl)
                         if not d.span.file.startswith(STDLIB_PREFIX)}))
