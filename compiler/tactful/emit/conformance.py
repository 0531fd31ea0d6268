"""conformance.json: every example's input and this runtime's output, for runtimes in other languages.

A runtime written in another language loads bundle.json, replays each case and compares:

- `drafts`: one case per `example` block. `request` is exactly what `Library.draft` receives
  (`intent`, `slots`, `context` with `message`, `channel`, `visibility`, the example's other context
  fields and a `seed`); `features` are the message features the runtime computes for the message;
  `expected` is either `{"draft": <the Draft's JSON form>, "trace": <its trace, compact>}` or
  `{"error": {"type", "message", "problems"}}` when this runtime refuses the request. The trace holds,
  for every guard, escalation and reply condition, whether each of its nodes held and what it read
  (matched spans, compared values): a runtime that reaches the same verdict for another reason shows
  up here. It is in the compact form of tactful.runtime.trace (`compact_trace`): only what the
  message decided, node by node in the order of the bundle's condition tree, each signal's tree once;
  `expand_trace` gives back the full form that `tactful draft --explain --format json` prints.
- `signals`: one case per signal `fires`/`quiet` line: the message and whether the signal holds for
  it (with no other context field set).

The text (tactful.emit.jsontext) has one case per line and sorted keys, no clock and no paths but
the bundle's own, so it changes only when the bundle or the runtime's behaviour changes, and a diff
names the cases that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from tactful.emit.bundle import bundle_data
from tactful.emit.jsontext import document, encoded
from tactful.runtime.bundle import SCHEMA_VERSION, Bundle
from tactful.runtime.errors import DraftError
from tactful.runtime.examples import example_request, where
from tactful.runtime.features import compute
from tactful.runtime.library import Library

ABOUT = "Inputs and expected outputs for tactful runtimes; see tactful.emit.conformance."


def conformance(bundle: Bundle, library: Library | None = None) -> dict:
    """The conformance document for a bundle, as data (`library`: the bundle, prepared, if at hand)."""
    return _document(bundle, list, library)


def _document(bundle: Bundle, collect: Callable[[Iterator[dict]], Any], library: Library | None = None) -> dict:
    """The document, each list of cases made one case at a time and handed to collect (`list`, or
    the encoder of emit_conformance, which keeps each case's text and lets its data go)."""
    own = library is None  # then each framework is let go once its examples are read, and all at the end
    library = Library(bundle, data=bundle_data(bundle)) if library is None else library
    out = {
        "schema_version": SCHEMA_VERSION,
        "revision": bundle.revision,
        "about": ABOUT,
        "drafts": collect(_drafts(bundle, library, release=own)),
        "signals": collect(_signals(bundle, library)),
    }
    if own:
        library._close()
    return out


def _drafts(bundle: Bundle, library: Library, *, release: bool = False) -> Iterator[dict]:
    """The draft cases, framework by framework; with `release`, each prepared framework is let go
    after its examples (Library._release), so that the heap, which every full garbage collection
    walks, does not keep a large library's prepared frameworks until the end."""
    for fw in bundle.frameworks:
        for example in fw.examples:
            request = example_request(fw, example)
            try:
                draft = library.draft(request["intent"], request["slots"], request["context"], trace="compact")
            except DraftError as e:
                expected, features = {"error": e.to_dict()}, compute(example.message)
            else:
                trace, draft.trace = draft.trace, None
                expected, features = {"draft": draft.to_dict(), "trace": trace.data}, trace.features
            yield {
                "id": f"{fw.intent}/{example.name}",
                "source": where(example.location),
                "request": request,
                "features": features,  # the trace's: computed once per message
                "expected": expected,
            }
        if release:
            library._release(fw.intent)


def _signals(bundle: Bundle, library: Library) -> Iterator[dict]:
    for s in bundle.signals:
        for ex in s.examples:
            yield {
                "signal": s.name,
                "source": where(ex.location),
                "message": ex.message,
                "holds": library.signal_holds(s.name, {"message": ex.message}),
            }


def emit_conformance(bundle: Bundle) -> dict[str, str]:
    """{"conformance.json": text}: one case per line, sorted keys, UTF-8, one trailing newline.

    Each case is encoded as soon as it is made (jsontext.encoded): the text is what document() gives
    for conformance(bundle), without holding every case's data (a trace is hundreds of small lists)
    until the end."""
    return {"conformance.json": document(_document(bundle, encoded))}
