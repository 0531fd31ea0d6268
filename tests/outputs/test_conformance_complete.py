"""conformance.json is complete: a case for every example and every signal example, every kind of
condition node held and not held, every reply status, refusals, and nothing of the runtime's trace
that the compact form loses. On a fixture that uses every construct (fixtures/constructs) and on the
shipped library."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from output_helpers import REPO
from tactful import api
from tactful.emit.conformance import conformance, emit_conformance
from tactful.runtime import Library
from tactful.runtime.bundle import AllOf, AnyOf, AtLeastOf, Bundle, Example, Mentions, Not
from tactful.runtime.trace import expand_trace

CONSTRUCTS = REPO / "tests" / "outputs" / "fixtures" / "constructs"
OPS = {"all", "any", "atleast", "not", "signal", "field", "mentions", "says", "matches", "has_emoji", "scores", "compare",
       "is", "in"}
_TRACE_OP = {"emoji": "has_emoji"}  # the bundle's op -> the trace node's
STATUSES = {"chosen", "held", "not_held", "other_visibility"}


def _compiled(path) -> tuple[Bundle, Library]:
    result = api.compile([path])
    assert result.bundle is not None, [d.message for d in result.diagnostics]
    return result.bundle, Library(result.bundle)


@pytest.fixture(scope="module")
def constructs():
    return _compiled(CONSTRUCTS)


@pytest.fixture(scope="module")
def shipped():
    return _compiled(REPO / "frameworks")


def _nodes(node: dict):
    yield node
    inner = node.get("of")
    for n in inner if isinstance(inner, list) else [inner] if isinstance(inner, dict) else []:
        yield from _nodes(n)


def _bundle_ops(bundle: Bundle) -> set[str]:
    """Every kind of node the bundle's conditions have (`mentions near` counted apart)."""
    found: set[str] = set()
    stack = [s.when for s in bundle.signals]
    for fw in bundle.frameworks:
        stack += [g.when for g in fw.guards] + [e.when for e in fw.escalations] + [r.when for r in fw.replies if r.when]
    while stack:
        cond = stack.pop()
        op = "says" if isinstance(cond, Mentions) and cond.asserted else _TRACE_OP.get(cond.op, cond.op)
        found.add(op + (" near" if isinstance(cond, Mentions) and cond.near else ""))
        if isinstance(cond, (AllOf, AnyOf, AtLeastOf)):
            stack += cond.of
        elif isinstance(cond, Not):
            stack.append(cond.of)
    return found


def _replayed(bundle: Bundle, library: Library) -> Counter:
    """Replay the conformance document as another runtime would: every case's draft and trace
    against this runtime's, the compact trace expanded through the bundle. Returns what kinds of
    case it held: ("node", op, held), ("status", …), ("guard", held), ("handoff", given), …"""
    data = json.loads(emit_conformance(bundle)["conformance.json"])
    signals = {s.name: s for s in bundle.signals}
    examples = [f"{fw.intent}/{ex.name}" for fw in bundle.frameworks for ex in fw.examples]
    assert [c["id"] for c in data["drafts"]] == examples
    assert [(c["signal"], c["message"]) for c in data["signals"]] == [
        (s.name, ex.message) for s in bundle.signals for ex in s.examples]
    kinds: Counter = Counter()
    for case in data["drafts"]:
        req, expected = case["request"], case["expected"]
        if "error" in expected:
            kinds["error"] += 1
            continue
        draft = library.draft(req["intent"], req["slots"], req["context"], trace=True)
        full = draft.to_dict()
        trace = full.pop("trace")
        assert full == expected["draft"]
        expanded = expand_trace(expected["trace"], library.framework(req["intent"]), signals, req["context"],
                                case["features"], expected["draft"]["reply"], library.bundle.scorers)
        assert expanded == trace, case["id"]
        for item in trace["guards"]:
            kinds["guard", item["held"]] += 1
        for item in trace["escalations"]:
            kinds["escalation", item["held"]] += 1
        for e in full["escalations"]:
            kinds["handoff", e["handoff"] is not None] += 1
        for r in trace["replies"]:
            kinds["status", r["status"]] += 1
            kinds["reply condition", r["condition"] is not None] += 1
        for item in [*trace["guards"], *trace["escalations"], *trace["replies"]]:
            for n in _nodes(item["condition"]) if item["condition"] else ():
                op = n["op"] + (" near" if n.get("near") else "")
                kinds["node", op, n["held"]] += 1
                if "spans" in n and n["spans"]:
                    kinds["spans", n["op"]] += 1
    for case in data["signals"]:
        assert library.signal_holds(case["signal"], {"message": case["message"]}) is case["holds"]
        kinds["signal case", case["holds"]] += 1
    return kinds


def test_the_constructs_fixture_gives_every_kind_of_case(constructs):
    bundle, library = constructs
    fw = next(f for f in bundle.frameworks if f.intent == "desk.everything")
    refused = Example(name="no order", message="hi", channel="email", visibility="private", expect=[],
                      location=fw.location)  # sources cannot express a refusal: the compiler checks slots
    bundle = bundle.model_copy(update={"frameworks": [
        f.model_copy(update={"examples": [*f.examples, refused]}) if f is fw else f for f in bundle.frameworks]})
    kinds = _replayed(bundle, Library(bundle))
    ops = OPS | {"mentions near", "says near"}
    assert _bundle_ops(bundle) == ops
    missing = [("node", op, held) for op in sorted(ops) for held in (True, False) if not kinds["node", op, held]]
    missing += [("status", s) for s in sorted(STATUSES) if not kinds["status", s]]
    missing += [(k, v) for k in ("guard", "escalation", "handoff", "reply condition", "signal case")
                for v in (True, False) if not kinds[k, v]]
    missing += [("spans", op) for op in ("mentions", "says", "matches", "has_emoji") if not kinds["spans", op]]
    missing += [] if kinds["error"] else [("error",)]
    assert missing == []


def test_the_shipped_library_conformance_is_complete(shipped):
    bundle, library = shipped
    kinds = _replayed(bundle, library)
    seen = {op for (kind, *rest) in kinds if kind == "node" for op in rest[:1]}
    assert _bundle_ops(bundle) <= seen  # every kind of condition the library has is in some trace
    assert kinds["status", "chosen"] == sum(len(fw.examples) for fw in bundle.frameworks)


def test_conformance_text_is_the_same_for_the_same_bundle(constructs):
    bundle, library = constructs
    once = emit_conformance(bundle)["conformance.json"]
    assert emit_conformance(bundle)["conformance.json"] == once
    assert json.loads(once) == json.loads(json.dumps(conformance(bundle, library)))


def test_emitting_conformance_keeps_nothing_of_the_bundle_alive():
    """The library conformance drafts with goes when the emitter returns: one left in a reference
    cycle kept a build's whole bundle (and its JSON data) alive until a full garbage collection,
    into the next build of the same process (a language server, a watch, the benchmarks)."""
    import weakref

    bundle = api.compile([CONSTRUCTS]).bundle
    assert emit_conformance(bundle)["conformance.json"]
    gone = weakref.ref(bundle)
    del bundle
    assert gone() is None
