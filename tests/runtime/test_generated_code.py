"""The conditions compiled to Python at load: bundle text stays data, semantics match the data form."""

from __future__ import annotations

import pytest

from bundle_builder import SLOTS, bundle_data, ctx, duplicate_charge, loc, make_bundle, mentions, sig
from tactful.runtime import BundleError, Library, load_bundle
from tactful.runtime import bundle as b

INTENT = "billing.duplicate_charge"
HOSTILE = "x' + __import__('os').getcwd() + '\"\n)\\"


def _guard(name: str, when, reason: str = "r") -> b.Guard:
    return b.Guard(name=name, when=when, condition_source=name, reason=reason, location=loc(30))


def test_values_from_the_bundle_are_literals_in_the_generated_code():
    """Reasons and compared values are free text: they reach the generated code only as literals."""
    fw = duplicate_charge(
        guards=[_guard("hostile", b.Is(field="customer_name", value=HOSTILE), reason=HOSTILE)],
        escalations=[b.Escalation(name="hostile", team="legal", when=b.In(field="customer_name", values=[HOSTILE]),
                                  condition_source=HOSTILE, location=loc(25))],
    )
    library = Library(make_bundle([fw]))
    held = library.draft(INTENT, SLOTS, ctx(customer_name=HOSTILE))
    assert [(g.name, g.reason) for g in held.guards] == [("hostile", HOSTILE)]
    assert [(e.name, e.team) for e in held.escalations] == [("hostile", "legal")]
    assert library.draft(INTENT, SLOTS, ctx(customer_name="Dana")).guards == ()


def test_names_that_are_not_identifiers_never_reach_the_generated_code():
    """An escalation or team name is an identifier (checked by the bundle's models), so a hostile
    one is refused at load, before any code is generated. (A guard's name is free text, since an
    unnamed guard is named by its condition; it reaches the code only as a literal, as above.)"""
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="name"):
        b.Escalation(name=HOSTILE, team="legal", when=b.In(field="customer_name", values=["x"]),
                     condition_source="x", location=loc(25))
    data = bundle_data(make_bundle([duplicate_charge()]))
    data["frameworks"][0]["escalations"][0]["team"] = HOSTILE
    with pytest.raises(BundleError, match=r"frameworks\[0\]\.escalations\[0\]\.team"):
        Library(load_bundle(data))
    data["frameworks"][0]["escalations"][0]["team"] = "legal"
    data["frameworks"][0]["guards"][0]["name"] = HOSTILE
    held = Library(load_bundle(data)).draft(INTENT, SLOTS, ctx("YOU CHARGED ME TWICE. AGAIN."))
    assert HOSTILE in [g.name for g in held.guards]


def test_the_generated_code_holds_no_message_or_slot_value(library):
    library.draft(INTENT, SLOTS, ctx("I'll call my lawyer, journalist"))
    assert "_framework" in library._source and "_sig_" in library._source  # the framework and the signals
    assert "lawyer" not in library._source and SLOTS["case_reference"] not in library._source


def test_a_signal_shared_by_a_guard_and_an_escalation_gives_the_same_answer_to_both():
    fw = duplicate_charge(
        guards=[_guard("threat", sig("legal_threat")), _guard("not_threat", b.Not(of=sig("legal_threat")))],
    )
    library = Library(make_bundle([fw]))
    threat = library.draft(INTENT, SLOTS, ctx("I will sue you"))
    assert [g.name for g in threat.guards] == ["threat"] and [e.team for e in threat.escalations] == ["legal"]
    calm = library.draft(INTENT, SLOTS, ctx("Where is my refund?"))
    assert [g.name for g in calm.guards] == ["not_threat"] and calm.escalations == ()


def test_empty_all_and_any_and_phrase_less_mentions():
    fw = duplicate_charge(guards=[
        _guard("all_empty", b.AllOf(of=[])),
        _guard("any_empty", b.AnyOf(of=[])),
        _guard("no_phrases", mentions(" ", "")),
        _guard("not_no_phrases", b.Not(of=mentions(" "))),
    ])
    d = Library(make_bundle([fw])).draft(INTENT, SLOTS, ctx())
    assert [g.name for g in d.guards] == ["all_empty", "not_no_phrases"]


def test_features_and_fields_compare_as_in_the_data_form():
    fw = duplicate_charge(guards=[
        _guard("long", b.Compare(field="length", cmp=">=", value=10)),
        _guard("words", b.Compare(field="word_count", cmp="==", value=2)),
        _guard("shouty", b.Compare(field="exclamation_count", cmp=">", value=1)),
        _guard("repeat", b.Compare(field="contact_count", cmp=">=", value=2)),
        _guard("not_repeat", b.Not(of=b.Compare(field="contact_count", cmp=">=", value=2))),
        _guard("outage", b.FieldTrue(field="is_outage_active")),
        _guard("pro", b.In(field="customer_tier", values=["pro", "business"])),
    ])
    library = Library(make_bundle([fw]))
    d = library.draft(INTENT, SLOTS, ctx("Refund now!!", contact_count=2, is_outage_active=True, customer_tier="pro"))
    assert [g.name for g in d.guards] == ["long", "words", "shouty", "repeat", "outage", "pro"]
    d = library.draft(INTENT, SLOTS, ctx("hi"))  # contact_count unknown: its comparison is false, `not` of it true
    assert [g.name for g in d.guards] == ["not_repeat"]


def test_signal_holds_uses_the_same_code(library):
    assert library.signal_holds("legal_threat", {"message": "I'll SUE."}) is True
    assert library.signal_holds("legal_threat", {"message": "an issue"}) is False
    assert library.signal_holds("all_caps", {"message": "YOU CHARGED ME TWICE"}) is True
    with pytest.raises(KeyError):
        library.signal_holds("nope", {"message": "x"})


def test_conditions_nested_beyond_what_python_compiles_are_refused_with_a_message():
    when = sig("legal_threat")
    for _ in range(400):
        when = b.Not(of=when)
    with pytest.raises(BundleError, match="nested too deeply"):
        Library(make_bundle([duplicate_charge(guards=[_guard("deep", when)])]))
    when = sig("legal_threat")
    for _ in range(65):
        when = b.Not(of=when)
    library = Library(make_bundle([duplicate_charge(guards=[_guard("deep", when)])]))  # checked when prepared
    with pytest.raises(BundleError, match="nested more than 64 levels deep"):
        library.prepare()
    with pytest.raises(BundleError, match="nested more than 64 levels deep"):
        library.draft(INTENT, SLOTS, ctx())  # or on the framework's first draft


@pytest.mark.parametrize("message", [
    "I'll call my lawyer, journalist", "I will sue you", "YOU CHARGED ME TWICE. AGAIN.", "Where is my refund?",
    "my lawyer friend says I could sue", "", "issue with Suez",
])
def test_signals_gated_by_the_key_index_decide_as_the_inline_gates_do(monkeypatch, message):
    """A library with many `mentions` in its signals gates them with one KeyIndex lookup a message;
    a small one tests each gate's keys inline: the same drafts either way."""
    from tactful.runtime import conditions

    inline = Library(make_bundle()).draft(INTENT, SLOTS, ctx(message))
    monkeypatch.setattr(conditions, "KEY_INDEX_FROM", 1)
    library = Library(make_bundle())
    indexed = library.draft(INTENT, SLOTS, ctx(message))
    assert "_present(" in "".join(library._sources)
    assert indexed == inline
