"""conformance.json: every example's input and this runtime's output, for runtimes in other languages.

A runtime written in another language loads bundle.json, replays each case and compares:

- `drafts`: one case per `example` block. `request` is exactly what `Library.draft` receives
  (`intent`, `slots`, `context` with `message`, `channel`, `visibility`, the example's other context
  fields and a `seed`); `features` are the message features the runtime computes for the message;
  `expected` is either `{"draft": <the Draft's JSON form>, "trace": <its trace>}` or `{"error":
  {"type", "message", "problems"}}` when this runtime refuses the request. The trace
  (tactful.runtime.trace) holds, for every guard, escalation and reply condition, whether each of
  its nodes held and what it read (matched spans, compared values): a runtime that reaches the same
  verdict for another reason shows up here.
- `signals`: one case per signal `fires`/`quiet` line: the message and whether the signal holds for
  it (with no other context field set).

The file is deterministic (sorted keys, no clock, no paths but the bundle's own), so it changes only
when the bundle or the runtime's behaviour changes.
"""

from __future__ import annotations

import json

from tactful.runtime.bundle import SCHEMA_VERSION, Bundle
from tactful.runtime.errors import DraftError
from tactful.runtime.examples import example_request, where
from tactful.runtime.features import compute
from tactful.runtime.library import Library


def conformance(bundle: Bundle) -> dict:
    """The conformance document for a bundle, as data."""
    library = Library(bundle)
    drafts = []
    for fw in bundle.frameworks:
        for example in fw.examples:
            request = example_request(fw, example)
            try:
                draft = library.draft(request["intent"], request["slots"], request["context"], trace=True)
                expected = {"draft": draft.to_dict()}
                expected["trace"] = expected["draft"].pop("trace")
            except DraftError as e:
                expected = {"error": e.to_dict()}
            drafts.append({
                "id": f"{fw.intent}/{example.name}",
                "source": where(example.location),
                "request": request,
                "features": compute(example.message),
                "expected": expected,
            })
    signals = [
        {
            "signal": s.name,
            "source": where(ex.location),
            "message": ex.message,
            "holds": library.signal_holds(s.name, {"message": ex.message}),
        }
        for s in bundle.signals
        for ex in s.examples
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "revision": bundle.revision,
        "about": "Inputs and expected outputs for tactful runtimes; see tactful.emit.conformance.",
        "drafts": drafts,
        "signals": signals,
    }


def emit_conformance(bundle: Bundle) -> dict[str, str]:
    """{"conformance.json": text}: sorted keys, two-space indent, UTF-8, one trailing newline."""
    text = json.dumps(conformance(bundle), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return {"conformance.json": text}
