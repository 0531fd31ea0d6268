"""The public verbs, one per stage: check, compile, emit, write; and the two that drive the runtime
from sources (compile_library, preview). The CLI is a thin shell over these.

Nothing here prints or exits; every problem with the input comes back as a Diagnostic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tactful.semantics.pipeline import Result

if TYPE_CHECKING:  # `check` never loads pydantic or the runtime
    from tactful.runtime.bundle import Bundle
    from tactful.runtime.draft import Draft
    from tactful.runtime.errors import DraftError
    from tactful.runtime.library import Library

__all__ = ["Preview", "Result", "build_outputs", "check", "compile", "compile_library", "preview", "write_outputs"]


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
        return Preview(compiled=result, draft=library.draft(intent, given, dict(context or {}), trace=trace))
    except DraftError as e:
        return Preview(compiled=result, error=e)
