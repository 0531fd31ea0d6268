"""The trace (`Library.draft(..., trace=True)`): what each condition read and whether it held, and that
it reaches the same verdict as the generated code that drafts."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bundle_builder import SLOTS, ctx
from tactful.runtime.trace import format_trace


def _guard(trace, name):
    return next(g for g in trace.guards if g["name"] == name)


def _escalation(trace, name):
    return next(e for e in trace.escalations if e["name"] == name)


def test_drafting_without_trace_carries_none(library):
    draft = library.draft("billing.duplicate_charge", SLOTS, ctx())
    assert draft.trace is None
    assert "trace" not in draft.to_dict()


def test_mentions_records_the_words_that_matched_where_they_are(library):
    message = "Fine. I'm going to SUE you, my lawyer agrees."
    draft = library.draft("billing.duplicate_charge", SLOTS, ctx(message), trace=True)
    legal = _escalation(draft.trace, "legal_threat")
    assert legal["held"] is True and legal["team"] == "legal"
    mentions = legal["condition"]["of"]  # signal node -> its tree
    assert mentions["op"] == "mentions"
    assert [(s["text"], s["start"], s["end"]) for s in mentions["spans"]] == [
        ("SUE", message.index("SUE"), message.index("SUE") + 3),
        ("lawyer", message.index("lawyer"), message.index("lawyer") + 6),
    ]
    assert "trace" in draft.to_dict() and draft.to_dict()["trace"]["escalations"][1]["held"] is True


def test_a_phrase_inside_another_word_is_not_a_span(library):
    draft = library.draft("billing.duplicate_charge", SLOTS, ctx("There is an issue with my order"), trace=True)
    node = _escalation(draft.trace, "legal_threat")["condition"]["of"]
    assert node["held"] is False and node["spans"] == []


def test_matches_records_its_spans_and_any_shows_which_branch_held(library):
    message = "Great job, charged twice. Thanks a lot."
    draft = library.draft("billing.duplicate_charge", SLOTS, ctx(message), trace=True)
    sarcasm = _guard(draft.trace, "sarcasm")
    assert sarcasm["held"] is True
    branches = sarcasm["condition"]["of"]["of"]
    assert [b["held"] for b in branches] == [True, True]
    assert branches[0]["spans"] == [{"start": message.index("Thanks"), "end": len(message) - 1, "text": "Thanks a lot"}]
    assert [g.name for g in draft.guards] == ["sarcasm"]


def test_comparisons_carry_the_value_they_read(library):
    message = "YOU CHARGED ME TWICE"
    draft = library.draft("billing.duplicate_charge", SLOTS, ctx(message, channel="instagram"), trace=True)
    node = _guard(draft.trace, "all_caps")["condition"]["of"]
    ratio, letters = node["of"]
    assert ratio == {"op": "compare", "field": "caps_ratio", "cmp": ">", "value": 0.6, "actual": 1.0, "held": True}
    assert letters["actual"] == 17 and letters["held"] is True
    assert draft.trace.features["caps_ratio"] == 1.0 and draft.trace.features["length"] == len(message)


def test_a_field_the_caller_did_not_pass_reads_as_none_and_does_not_hold(library):
    draft = library.draft("billing.duplicate_charge", SLOTS, ctx("still waiting"), trace=True)
    first = draft.trace.replies[0]
    assert first["id"] == "private.1" and first["status"] == "not_held"
    assert first["condition"]["of"] == {"op": "compare", "field": "contact_count", "cmp": ">=", "value": 3.0,
                                        "actual": None, "held": False}


def test_reply_statuses_name_the_chosen_one_and_why_the_others_were_not(library):
    draft = library.draft("billing.duplicate_charge", SLOTS, ctx("still waiting", contact_count=4), trace=True)
    assert [(r["id"], r["status"]) for r in draft.trace.replies] == [
        ("private.1", "chosen"), ("public", "other_visibility"), ("private", "held")]


def test_channel_is_public_reads_the_visibility(library):
    draft = library.draft("billing.duplicate_charge", SLOTS, ctx("a reporter friend", channel="x", visibility="public"),
                          trace=True)
    esc = _escalation(draft.trace, "public_press")
    assert esc["held"] is True
    assert esc["condition"]["of"][0] == {"op": "is", "field": "channel", "value": "public", "actual": "public", "held": True}


def test_the_readable_form_marks_what_held(library):
    draft = library.draft("billing.duplicate_charge", SLOTS, ctx("I will sue, thanks a lot"), trace=True)
    text = format_trace(draft.trace)
    assert "✓ HELD   guard sarcasm" in text
    assert "✗ quiet  guard all_caps" in text
    assert "“sue” at 7" in text
    assert json.loads(json.dumps(draft.trace.to_dict())) == draft.trace.to_dict()  # plain JSON


WORDS = ["I", "was", "charged", "twice", "SUE", "lawyer", "thanks", "a", "lot", "great", "job", "reporter", "the",
         "press", "chargeback", "bank", "dispute", "!!!", "AGAIN", "issue", "Suez", "refund", "journalist"]


def _context(words: list[str], channel: tuple[str, str], contact_count: int | None) -> dict:
    context = ctx(" ".join(words), channel=channel[0], visibility=channel[1])
    if contact_count is not None:
        context["contact_count"] = contact_count
    return context


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # read-only
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
       channel=st.sampled_from([("email", "private"), ("x", "public"), ("x", "private"), ("instagram", "public")]),
       contact_count=st.one_of(st.none(), st.integers(1, 5)))
def test_the_trace_reaches_the_verdict_the_draft_reached(library, words, channel, contact_count):
    context = _context(words, channel, contact_count)
    draft = library.draft("billing.duplicate_charge", SLOTS, context, trace=True)
    assert [g["name"] for g in draft.trace.guards if g["held"]] == [g.name for g in draft.guards]
    assert [e["name"] for e in draft.trace.escalations if e["held"]] == [e.name for e in draft.escalations]
    chosen = [r["id"] for r in draft.trace.replies if r["status"] == "chosen"]
    assert chosen == [draft.reply.id]
    earlier = draft.trace.replies[:[r["id"] for r in draft.trace.replies].index(draft.reply.id)]
    assert all(r["status"] in ("not_held", "other_visibility") for r in earlier)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # read-only
@given(words=st.lists(st.sampled_from([*WORDS, "😡", "🙂", "not", "never"]), min_size=1, max_size=12),
       channel=st.sampled_from([("email", "private"), ("x", "public"), ("instagram", "public")]),
       contact_count=st.one_of(st.none(), st.integers(1, 5)))
def test_the_compact_trace_read_directly_is_the_compact_form_of_the_full_one(library, words, channel, contact_count):
    """trace="compact" (what conformance.json holds) gives what compact_trace makes of trace=True."""
    from tactful.runtime.trace import compact_trace

    context = _context(words, channel, contact_count)
    full = library.draft("billing.duplicate_charge", SLOTS, context, trace=True)
    compact = library.draft("billing.duplicate_charge", SLOTS, context, trace="compact")
    assert compact.trace.data == compact_trace(full.trace)
    assert compact.trace.features == full.trace.features
    assert json.dumps(compact.trace.data) == json.dumps(compact_trace(full.trace))  # ints stay ints, 0/1 stay 0/1
    full.trace = compact.trace = None
    assert compact.to_dict() == full.to_dict()


def test_the_compact_trace_of_every_signal_example_of_the_shipped_library_is_that_of_the_full_one():
    """The compact plans skip the parts of a condition whose words and patterns a message lacks
    (Tracer._quiet): over the shipped library's signals, each `fires` and `quiet` message read into
    each framework gives what compact_trace makes of the full trace."""
    from pathlib import Path

    from tactful import api
    from tactful.runtime import Library
    from tactful.runtime.errors import DraftError
    from tactful.runtime.trace import compact_trace

    bundle = api.compile([Path(__file__).parents[2] / "frameworks"]).bundle
    assert bundle is not None
    library = Library(bundle)
    messages = [ex.message for s in bundle.signals for ex in s.examples]
    assert len(messages) > 100
    read = 0
    for n, message in enumerate(messages):
        fw = bundle.frameworks[n % len(bundle.frameworks)]
        example = fw.examples[0]
        context = {**example.context, "message": message, "channel": example.channel, "visibility": example.visibility}
        try:
            full = library.draft(fw.intent, example.slots, context, trace=True)
        except DraftError:  # a refused request has no trace
            continue
        compact = library.draft(fw.intent, example.slots, context, trace="compact")
        assert compact.trace.data == compact_trace(full.trace), (fw.intent, message)
        read += 1
    assert read > len(messages) / 2
