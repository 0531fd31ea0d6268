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

if TYPE_CHECKING:  # `check` never loads pydantic or the runtime; verbs that load a bundle never load the compiler
    from tactful.semantics.pipeline import Result
    from tactful.runtime.bundle import Bundle
    from tactful.runtime.draft import Draft
    from tactful.runtime.errors import DraftError
    from tactful.runtime.examples import Report, Selection
    from tactful.runtime.library import Library
    from tactful.runtime.verify import Verification, VerifyPolicy
    from tactful.diagnostics import Diagnostic
    from tactful.review.diff import BundleDiff
    from tactful.review.sides import Side

def __getattr__(name: str):
    """`api.Result` (the compile result), loaded with the compiler on first use."""
    if name == "Result":
        from tactful.semantics.pipeline import Result

        return Result
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Compared", "Preview", "Result", "Verified", "build_outputs", "check", "check_sources", "compile", "compile_library",
           "diff", "library_from", "preview", "stdlib_bundle", "test", "verify", "verify_policy", "write_outputs"]


def check(paths: Sequence[str | Path]) -> Result:
    """Parse and check every .tact file under paths (stdlib always loaded)."""
    from tactful.semantics.pipeline import run

    return run([Path(p) for p in paths], lower=False)


def check_sources(sources: Mapping[str, str], *, root: str | Path, base: str = "") -> Result:
    """check() over sources in memory: {path relative to root: text}, for editors and services.

    Module names are the paths inside the folder base ("frameworks" makes `frameworks/billing/refund.tact`
    the module `billing.refund`, as `tactful check frameworks/` does); the stdlib and root's
    tactful.toml are read as usual."""
    from tactful.semantics.pipeline import run_sources

    return run_sources(Path(root), dict(sources), base=base.strip("/"))


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



def library_from(bundle: str | Path | None, sources: Sequence[str | Path] = ()) -> tuple[Result | None, Library | None]:
    """The library to draft from: a built bundle (no compile result), or the sources compiled (the
    library is None when they have errors). Raises BundleError when the bundle cannot be loaded."""
    if bundle is not None:
        from tactful.runtime.library import load_library

        return None, load_library(bundle)
    return compile_library(sources)


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
    trace: bool = False,
) -> Preview:
    """One draft (`tactful draft`), from a built bundle or from sources. Raises BundleError when the
    bundle cannot be loaded; a refused draft comes back as Preview.error. With trace, the draft
    carries its trace (why each guard, escalation and reply held or not)."""
    from tactful.runtime.errors import DraftError
    from tactful.runtime.examples import with_example_slots

    result, library = library_from(bundle, sources)
    if library is None:
        return Preview(compiled=result)
    try:
        given = dict(slots or {})
        if example_slots:
            given = with_example_slots(library, intent, given)
        return Preview(compiled=result, draft=library.draft(intent, given, dict(context or {}), trace=trace))
    except DraftError as e:
        return Preview(compiled=result, error=e)


@dataclass
class Verified:
    compiled: Result | None = None  # set when verifying against sources
    verification: Verification | None = None
    error: DraftError | None = None


def verify_policy(paths: Sequence[str | Path] = ()) -> tuple[VerifyPolicy, list[Diagnostic]]:
    """The verify policy of the project holding paths (the current folder when none): tactful.toml's
    [verify] table over the defaults, and the problems found in that table (entries with problems
    are left out)."""
    from tactful.runtime.verify import VerifyPolicy
    from tactful.semantics.config import verify_settings

    settings, diagnostics = verify_settings([Path(p) for p in paths])
    return VerifyPolicy.from_settings(settings), diagnostics


def verify(
    intent: str,
    text: str,
    *,
    bundle: str | Path | None = None,
    sources: Sequence[str | Path] = (),
    slots: Mapping[str, str] | None = None,
    context: Mapping[str, Any] | None = None,
    policy: VerifyPolicy | None = None,
) -> Verified:
    """Verify a final reply text (`tactful verify`) against a built bundle or sources. Raises
    BundleError when the bundle cannot be loaded; a refused request comes back as Verified.error."""
    from tactful.runtime.errors import DraftError

    result, library = library_from(bundle, sources)
    if library is None:
        return Verified(compiled=result)
    try:
        return Verified(compiled=result, verification=library.verify(intent, text, dict(slots or {}), dict(context or {}),
                                                                     policy=policy))
    except DraftError as e:
        return Verified(compiled=result, error=e)


@dataclass
class Compared:
    old: Side
    new: Side
    diff: BundleDiff | None = None  # None when a side could not be read or compiled


def diff(old: str, new: str, *, cwd: str | Path | None = None, paths: Sequence[str] = ("frameworks",)) -> Compared:
    """What changes from old to new (`tactful diff`); each side a folder, a built bundle.json or a git
    revision of the repository cwd is in (then the .tact files under paths, repository-relative)."""
    from tactful.review.diff import diff_bundles
    from tactful.review.sides import load_side

    where = Path(cwd) if cwd is not None else Path.cwd()
    a, b = load_side(old, cwd=where, paths=paths), load_side(new, cwd=where, paths=paths)
    if not (a.ok and b.ok):
        return Compared(a, b)
    examples = a.compiled is not None and b.compiled is not None  # a built bundle holds no examples
    return Compared(a, b, diff_bundles(a.bundle, b.bundle, old_label=old, new_label=new, examples=examples))
