"""`tactful draft`: one draft from a built bundle or from sources, for people previewing a framework.

The CLI parses options and prints; this module does the rest: load the bundle (or compile the
sources), fill in example slot values when asked, build the context and draft.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tactful.runtime.draft import Draft
from tactful.runtime.errors import DraftError
from tactful.runtime.library import Library, load_library

if TYPE_CHECKING:
    from tactful.api import Result


@dataclass
class Preview:
    compiled: "Result | None" = None  # set when drafting from sources
    draft: Draft | None = None
    error: DraftError | None = None


def with_example_slots(library: Library, intent: str, slots: Mapping[str, str]) -> dict[str, str]:
    """slots, plus every other slot of the framework that declares an example, set to its example."""
    filled = {s.name: s.example for s in library.framework(intent).slots if s.example is not None}
    filled.update(slots)
    return filled


def preview(
    intent: str,
    *,
    bundle: str | Path | None = None,
    sources: Sequence[str | Path] = (),
    slots: Mapping[str, str] | None = None,
    context: Mapping[str, Any] | None = None,
    example_slots: bool = False,
) -> Preview:
    """Draft one message. Raises BundleError when the bundle cannot be loaded."""
    result = None
    if bundle is not None:
        library = load_library(bundle)
    else:
        from tactful.testing import compile_library

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
