"""The public verbs, one per stage: check, compile, emit, write; and the two that drive the runtime
from sources (compile_library, preview). The CLI is a thin shell over these.

Nothing here prints or exits; every problem with the input comes back as a Diagnostic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tactful.codes import Severity
from tactful.semantics.pipeline import Result

if TYPE_CHECKING:  # `check` never loads pydantic or the runtime
    from tactful.runtime.bundle import Bundle
    from tactful.runtime.draft import Draft
    from tactful.runtime.errors import DraftError
    from tactful.runtime.examples import Report, Selection
    from tactful.runtime.library import Library

__all__ = ["Preview", "Result", "build_outputs", "check", "compile", "compile_library", "preview", "stdlib_bundle", "test", "write_outputs"]


def check(paths: Sequence[str | Path]) -> Result:
    """Parse and check every .tact file under paths (stdlib always loaded)."""
    from tactful.semantics.pipeline import run

    return run([Path(p) for p in paths], lower=False)


def compile(paths: Sequence[str | Path]) -> Result:
    """check(), then lower to a Bundle when there are no errors."""
    from tactful.semantics.pipeline import run

    return run([Path(p) for p in paths], lower=True)


def build_outputs(bundle: Bundle, emitters: Iterable[str] | None = None) -> dict[str, str]:
    """What `tactful build` writes, as {relative path: text}: bundle.json, one .j2 template per reply and
    handoff, and conformance.json (or the named emitters' files: see tactful.emit.EMITTERS)."""
    from tactful.emit import BUILD, outputs

    return outputs(bundle, BUILD if emitters is None else emitters)


def write_outputs(outputs: dict[str, str], out_dir: str | Path) -> list[Path]:
    """Write build_outputs() into out_dir; templates left from an earlier build are removed."""
    from tactful.emit.writer import write

    return write(outputs, Path(out_dir), prune={"templates": ".j2"})


def compile_library(paths: Sequence[str | Path]) -> tuple[Result, Library | None]:
    """compile(), and the bundle ready for drafting (None when the sources have errors)."""
    from tactful.runtime.library import Library

    result = compile(paths)
    return result, (Library(result.bundle) if result.bundle is not None else None)


def compile_what_compiles(paths: Sequence[str | Path]) -> tuple[Result, Library | None, dict[str, list]]:
    """compile(), and when some files have errors, the library of the files that compile without them.

    Returns the full run (every diagnostic), the library (None when nothing compiles, or when the
    errors are in tactful.toml or the stdlib) and the files left out with their errors. Files are left
    out until the rest compiles: a file that imports a broken one is left out in the next round."""
    from tactful.runtime.library import Library
    from tactful.semantics.pipeline import run

    full = compile(paths)
    if full.bundle is not None:
        return full, Library(full.bundle), {}
    broken: dict[str, list] = {}
    result = full
    while True:
        errors = [d for d in result.diagnostics if d.effective_severity is Severity.ERROR]
        if not errors:
            break
        files = {d.span.file for d in errors}
        # tactful.toml's own errors are reported, and leaving files out drops taxonomy completeness
        if any(f in broken or f.startswith("<stdlib>/") for f in files):
            return full, None, broken  # nothing left to take out: the problem is not in one file
        for d in errors:
            broken.setdefault(d.span.file, []).append(d)
        result = run([Path(p) for p in paths], lower=True, exclude=frozenset(broken))
    if result.bundle is None or not result.bundle.frameworks:
        return full, None, broken
    return full, Library(result.bundle), broken


def test(paths: Sequence[str | Path], selection: Selection | None = None) -> tuple[Result, Report]:
    """`tactful test`: the examples of every framework that compiles, even when other files have
    errors (each such file is in Report.broken, its errors one line each)."""
    from tactful.runtime.examples import Broken, Selection, run

    result, library, broken = compile_what_compiles(paths)
    if library is None and not broken:  # the errors are not in framework files: every file is broken
        for d in result.diagnostics:
            if d.effective_severity is Severity.ERROR:
                broken.setdefault(d.span.file, []).append(d)
    listed = [Broken(f, tuple(f"{d.span.line}:{d.span.column}: {d.message} [{d.code.value}]" for d in ds))
              for f, ds in sorted(broken.items())]
    return result, run(library, selection or Selection(), listed)


def stdlib_bundle() -> Bundle:
    """The bundle of a library with no frameworks: everything the standard library declares (for
    its reference page). Raises RuntimeError if the shipped stdlib does not compile."""
    import tempfile

    with tempfile.TemporaryDirectory() as empty:
        result = compile([empty])
    if result.bundle is None:
        raise RuntimeError("the standard library does not compile: " + "; ".join(d.message for d in result.diagnostics))
    return result.bundle


@dataclass
class Preview:
    compiled: Result | None = None  # set when drafting from sources
    draft: Draft | None = None
    error: DraftError | None = None


def preview(
    intent: str,
    *,
    bundle: str | Path | None = None,
    sources: Sequence[str | Path] = (),
    slots: Mapping[str, str] | None = None,
    context: Mapping[str, Any] | None = None,
    example_slots: bool = False,
) -> Preview:
    """One draft (`tactful draft`), from a built bundle or from sources. Raises BundleError when the
    bundle cannot be loaded; a refused draft comes back as Preview.error."""
    from tactful.runtime.errors import DraftError
    from tactful.runtime.examples import with_example_slots
    from tactful.runtime.library import load_library

    result = None
    if bundle is not None:
        library = load_library(bundle)
    else:
        result, compiled = compile_library(sources)
        if compiled is None:
            return Preview(compiled=result)
        library = compiled
    try:
        given = dict(slots or {})
        if example_slots:
            given = with_example_slots(library, intent, given)
        return Preview(compiled=result, draft=library.draft(intent, given, dict(context or {})))
    except DraftError as e:
        return Preview(compiled=result, error=e)
