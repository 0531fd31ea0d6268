"""Typed, plain-words errors for requests that cannot be drafted; every problem of a kind at once."""

from __future__ import annotations

import pytest

from bundle_builder import SLOTS, ctx
from tactful.runtime import (
    DraftError,
    InvalidContext,
    InvalidSlots,
    MissingSlots,
    NoReply,
    UnknownContextFields,
    UnknownIntent,
    UnknownSlots,
)

INTENT = "billing.duplicate_charge"


def test_unknown_intent_suggests_close_matches(library):
    with pytest.raises(UnknownIntent) as e:
        library.draft("billing.duplicat_charge", SLOTS, ctx())
    assert str(e.value) == "there is no framework for intent `billing.duplicat_charge`; did you mean `billing.duplicate_charge`?"
    assert e.value.suggestions == ["billing.duplicate_charge"]
    assert e.value.status == 404


def test_unknown_intent_without_anything_close(library):
    with pytest.raises(UnknownIntent, match=r"^there is no framework for intent `zzz`$"):
        library.draft("zzz", SLOTS, ctx())


def test_every_missing_required_slot_is_listed(bundle):
    from bundle_builder import duplicate_charge, make_bundle
    from tactful.runtime import Library
    from tactful.runtime.bundle import Slot

    fw = duplicate_charge()
    slots = [s.model_copy(update={"required": True}) if s.name == "amount" else s for s in fw.slots]
    lib = Library(make_bundle([fw.model_copy(update={"slots": slots})]))
    with pytest.raises(MissingSlots) as e:
        lib.draft(INTENT, {}, ctx())
    assert e.value.names == ("case_reference", "amount")
    assert str(e.value) == "`billing.duplicate_charge` needs the required slots `case_reference`, `amount`"
    assert [p.loc for p in e.value.problems] == [("slots", "case_reference"), ("slots", "amount")]
    assert isinstance(Slot, type)


def test_a_blank_required_slot_is_missing(library):
    with pytest.raises(MissingSlots):
        library.draft(INTENT, {**SLOTS, "case_reference": "   "}, ctx())


def test_slot_values_are_checked_against_type_and_pattern(library):
    with pytest.raises(InvalidSlots) as e:
        library.draft(INTENT, {"case_reference": "bil-1", "amount": "lots"}, ctx())
    assert [p.message for p in e.value.problems] == [
        "slot `case_reference` must match /[A-Z]{3}-[0-9]{4,}/, not 'bil-1'",
        "slot `amount` must be an amount of money, such as $49.00, not 'lots'",
    ]


def test_pattern_must_match_the_whole_value(library):
    with pytest.raises(InvalidSlots):
        library.draft(INTENT, {**SLOTS, "case_reference": "see BIL-20931 please"}, ctx())


def test_slot_values_must_be_text(library):
    with pytest.raises(InvalidSlots, match="slot `amount` must be text, not 49"):
        library.draft(INTENT, {**SLOTS, "amount": 49}, ctx())


def test_unknown_slot_suggests_the_declared_one(library):
    with pytest.raises(UnknownSlots) as e:
        library.draft(INTENT, {**SLOTS, "ammount": "$1.00"}, ctx())
    assert str(e.value) == "`billing.duplicate_charge` has no slot `ammount`; did you mean `amount`?"


def test_unknown_context_fields_are_named_with_suggestions(library):
    with pytest.raises(UnknownContextFields) as e:
        library.draft(INTENT, SLOTS, {**ctx(), "chanel": "x", "contact_cnt": 2})
    assert [p.message for p in e.value.problems] == [
        "`chanel` is not a context field; did you mean `channel`?",
        "`contact_cnt` is not a context field; did you mean `contact_count`?",
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_count", "three", "context field `contact_count` must be a number, not 'three'"),
        ("contact_count", True, "context field `contact_count` must be a number, not True"),
        ("is_outage_active", "yes", "context field `is_outage_active` must be true or false, not 'yes'"),
        ("customer_tier", "gold", "context field `customer_tier` must be one of free, pro, business, not 'gold'"),
        ("channel", "myspace", "`myspace` is not a channel (channels: x, instagram, email, telegram)"),
        ("visibility", "secret", "context field `visibility` must be public or private, not 'secret'"),
        ("customer_name", 7, "context field `customer_name` must be text, not 7"),
        ("caps_ratio", 0.9, "`caps_ratio` is computed from the message; do not pass it"),
    ],
)
def test_context_values_of_the_wrong_type(library, field, value, message):
    with pytest.raises(InvalidContext) as e:
        library.draft(INTENT, SLOTS, {**ctx(), field: value})
    assert [p.message for p in e.value.problems] == [message]
    assert e.value.problems[0].loc == ("context", field)


def test_a_visibility_the_channel_does_not_have(library):
    with pytest.raises(InvalidContext, match=r"channel `email` has no public conversations \(it has private\)"):
        library.draft(INTENT, SLOTS, ctx(visibility="public"))


def test_message_and_channel_are_required(library):
    with pytest.raises(InvalidContext) as e:
        library.draft(INTENT, SLOTS, {})
    assert [p.loc for p in e.value.problems] == [("context", "message"), ("context", "channel")]


def test_no_reply_for_a_visibility_the_framework_does_not_serve():
    from bundle_builder import duplicate_charge, make_bundle
    from tactful.runtime import Library

    fw = duplicate_charge(serves=["private"])
    fw = fw.model_copy(update={"replies": [r for r in fw.replies if r.visibility == "private"]})
    lib = Library(make_bundle([fw]))
    with pytest.raises(NoReply, match="has no public reply that applies here \\(it serves private conversations\\)"):
        lib.draft(INTENT, SLOTS, ctx(channel="x"))


def test_errors_have_a_json_form(library):
    with pytest.raises(DraftError) as e:
        library.draft(INTENT, {"case_reference": "nope", "amount": "$1"}, ctx())
    assert e.value.to_dict() == {
        "type": "invalid_slots",
        "message": "slot `case_reference` must match /[A-Z]{3}-[0-9]{4,}/, not 'nope'",
        "problems": [{"loc": ["slots", "case_reference"], "msg": "slot `case_reference` must match /[A-Z]{3}-[0-9]{4,}/, not 'nope'"}],
    }


# --- a request of the wrong shape is a DraftError, never a TypeError ------------------------------


def test_a_slot_given_as_a_number_must_be_text_not_missing(library):
    with pytest.raises(InvalidSlots) as e:
        library.draft(INTENT, {**SLOTS, "case_reference": 4815162}, ctx())
    assert [(p.loc, p.message) for p in e.value.problems] == [
        (("slots", "case_reference"), "slot `case_reference` must be text, not 4815162")]


@pytest.mark.parametrize(("intent", "slots", "context", "problems"), [
    (None, SLOTS, ctx(), [(("intent",), "the intent must be text, not None")]),
    (INTENT, SLOTS, [("message", "hi")], [(("context",), "context must be a mapping of context field names to values, not list")]),
    (INTENT, ["BIL-20931"], ctx(), [(("slots",), "slots must be a mapping of slot names to values, not list")]),
    (INTENT, SLOTS, {**ctx(), 3: "three"}, [(("context", "3"), "context field names must be text, not 3")]),
    (INTENT, {**SLOTS, 1: "x"}, ctx(), [(("slots", "1"), "slot names must be text, not 1")]),
])
def test_a_request_of_the_wrong_shape_is_an_invalid_request(library, intent, slots, context, problems):
    from tactful.runtime import InvalidRequest

    with pytest.raises(InvalidRequest) as e:
        library.draft(intent, slots, context)
    assert [(p.loc, p.message) for p in e.value.problems] == problems
    assert e.value.to_dict()["type"] == "invalid_request" and e.value.status == 422


def test_load_library_takes_json_text_as_documented(bundle):
    from tactful.runtime import load_library

    import json

    from bundle_builder import bundle_data

    text = json.dumps(bundle_data(bundle))
    library = load_library(text)
    assert library.revision == bundle.revision
    assert load_library("  \n" + text).intents == library.intents


def test_a_draft_carries_what_ties_a_sent_reply_to_its_source(library):
    """framework, revision, reply id, guard and escalation names: documented as stable."""
    d = library.draft(INTENT, SLOTS, ctx("CHARGEBACK. NOW. YOU CHARGED ME TWICE")).to_dict()
    assert d["framework"] == INTENT and d["revision"] == library.revision
    assert d["reply"]["id"] and d["guards"] and d["escalations"]
    assert all(set(g) == {"name", "reason"} for g in d["guards"])
    assert all(set(e) == {"name", "team", "handoff"} for e in d["escalations"])
