"""Library.draft: reply choice, guards, escalations, rendering, pick, and the Draft's JSON form."""

from __future__ import annotations

import pytest

from bundle_builder import SLOTS, ctx

INTENT = "billing.duplicate_charge"


def test_json_form_has_exactly_the_documented_keys(library):
    d = library.draft(INTENT, SLOTS, ctx(seed="c1")).to_dict()
    assert list(d) == ["framework", "revision", "reply", "text", "moves", "send_as_written", "guards",
                       "escalations", "tags", "owner"]
    assert d["framework"] == INTENT
    assert d["revision"] == library.bundle.revision
    assert d["reply"] == {"id": "private", "visibility": "private", "when": None}
    assert [m["kind"] for m in d["moves"]] == ["acknowledge", "restate", "next"]
    assert d["text"] == " ".join(m["text"] for m in d["moves"])
    assert d["tags"] == ["billing", "refund"] and d["owner"] == "finance"
    assert d["send_as_written"] is True and d["guards"] == [] and d["escalations"] == []


def test_first_matching_reply_of_the_visibility_wins_and_says_why(library):
    third = library.draft(INTENT, SLOTS, ctx(contact_count=3))
    assert third.reply.id == "private.1" and third.reply.when == "repeat_contact"
    assert third.text.startswith("This is the third time")
    second = library.draft(INTENT, SLOTS, ctx(contact_count=2))
    assert second.reply.id == "private" and second.reply.when is None
    public = library.draft(INTENT, SLOTS, ctx(channel="x", visibility="public", contact_count=5))
    assert public.reply.id == "public"  # the private conditional reply is not considered


def test_visibility_defaults_to_the_channels_first(library):
    assert library.draft(INTENT, SLOTS, ctx(channel="x")).reply.visibility == "public"
    assert library.draft(INTENT, SLOTS, ctx(channel="telegram")).reply.visibility == "private"


def test_a_guard_holds_the_draft_with_its_reason(library):
    d = library.draft(INTENT, SLOTS, ctx("YOU CHARGED ME TWICE. AGAIN."))
    assert d.send_as_written is False
    assert [(g.name, g.reason) for g in d.guards] == [
        ("all_caps", "Written in all caps: acknowledge the frustration in your own words.")]
    assert d.to_dict()["send_as_written"] is False


def test_caps_guard_needs_enough_letters(library):
    assert library.draft(INTENT, SLOTS, ctx("WHY??")).send_as_written  # 3 letters: below letter_count >= 8


def test_several_guards_hold_in_declaration_order(library):
    d = library.draft(INTENT, SLOTS, ctx("THANKS A LOT FOR CHARGING ME TWICE"))
    assert [g.name for g in d.guards] == ["all_caps", "sarcasm"]


def test_escalations_fire_with_rendered_handoffs(library):
    d = library.draft(INTENT, SLOTS, ctx("I filed a chargeback and my lawyer is reading this", customer_name="Dana"))
    assert [(e.team, e.name) for e in d.escalations] == [("finance", "chargeback"), ("legal", "legal_threat")]
    assert d.escalations[0].handoff == (
        "Duplicate charge of $49.00 reported by Dana. In their words: "
        "I filed a chargeback and my lawyer is reading this")
    assert d.escalations[1].handoff.startswith("Legal threat on email.")
    assert d.send_as_written  # escalating is not holding


def test_escalation_on_visibility_and_signal(library):
    msg = "A reporter asked me about this"
    assert [e.team for e in library.draft(INTENT, SLOTS, ctx(msg, channel="x", visibility="public")).escalations] == ["comms"]
    assert library.draft(INTENT, SLOTS, ctx(msg, channel="x", visibility="private")).escalations == ()
    d = library.draft(INTENT, SLOTS, ctx(msg, channel="x", visibility="public")).to_dict()
    assert d["escalations"] == [{"name": "public_press", "team": "comms", "handoff": None}]


@pytest.mark.parametrize(
    ("message", "fires"),
    [
        ("I'm going to sue you", True),
        ("SUE!", True),
        ("sue", True),
        ("There is an issue with my order", False),
        ("Shipping through Suez took ages", False),
        ("pursue", False),
        ("I'll take you to small   claims\ncourt", True),
        ("small claims are annoying", False),
    ],
)
def test_mentions_is_whole_words_case_insensitive(library, message, fires):
    d = library.draft(INTENT, SLOTS, ctx(message))
    assert ("legal" in [e.team for e in d.escalations]) is fires


@pytest.mark.parametrize("value", ["{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{order_id}", "{{ self }}", "}}{{", "{# c #}"])
def test_slot_values_are_data_never_template_code(library, value):
    d = library.draft(INTENT, {**SLOTS, "order_id": value, "customer_name": value}, ctx())
    assert f"twice for order {value}, and" in d.text
    assert d.text.endswith(f"finance team, {value}.")
    assert "49" not in d.text.replace("$49.00", "")


def test_the_message_is_data_in_handoffs(library):
    message = "chargeback {{ 7*7 }} {% raw %} {amount}"
    d = library.draft(INTENT, SLOTS, ctx(message))
    assert d.escalations[0].handoff.endswith("In their words: " + message)


def test_absent_optional_slots_never_print_none_or_leave_gaps(library):
    d = library.draft(INTENT, SLOTS, ctx(seed="x"))
    assert "None" not in d.text
    assert "for order" not in d.text  # the optional segment vanished, with its leading space
    assert "You were charged $49.00 twice, and you'd like the duplicate refunded." in d.text
    assert "finance team, there." in d.text  # the fallback


def test_a_reply_that_would_leave_a_gap_is_refused(library):
    from tactful.runtime import MissingSlots

    # `amount` is optional, but the private reply prints it without a fallback.
    with pytest.raises(MissingSlots) as e:
        library.draft(INTENT, {"case_reference": "BIL-20931"}, ctx())
    assert e.value.names == ("amount",)
    assert str(e.value) == "the `private` reply of `billing.duplicate_charge` needs the slot `amount` (used there without a fallback)"
    # The public reply does not use it, so the same slots are fine there.
    assert library.draft(INTENT, {"case_reference": "BIL-20931"}, ctx(channel="x")).reply.id == "public"


def test_handoff_notes_say_when_a_value_was_not_given():
    from bundle_builder import duplicate_charge, make_bundle, mentions, text
    from tactful.runtime import Library
    from tactful.runtime.bundle import Escalation

    esc = Escalation(name="chargeback", team="finance", when=mentions("chargeback"), condition_source="…",
                     handoff=text("Order {order_id}, customer {customer_name}, tier {customer_tier}."),
                     location=duplicate_charge().location)
    lib = Library(make_bundle([duplicate_charge(escalations=[esc])]))
    d = lib.draft(INTENT, SLOTS, ctx("chargeback!", customer_name="Dana"))
    assert d.escalations[0].handoff == "Order (not given), customer Dana, tier (not given)."


def test_blank_slot_values_count_as_absent(library):
    d = library.draft(INTENT, {**SLOTS, "order_id": "  ", "customer_name": ""}, ctx())
    assert "for order" not in d.text and "finance team, there." in d.text


def test_a_slot_named_like_a_context_field_falls_back_to_the_context(library):
    d = library.draft(INTENT, SLOTS, ctx(customer_name="Dana"))
    assert d.text.endswith("finance team, Dana.")
    d = library.draft(INTENT, {**SLOTS, "customer_name": "Sam"}, ctx(customer_name="Dana"))
    assert d.text.endswith("finance team, Sam.")


def test_pick_is_deterministic_per_seed_and_varies_across_seeds(library):
    bank = ["That sounds really frustrating.", "I can see why that's a problem.", "I'd be upset too, honestly."]
    first = {seed: library.draft(INTENT, SLOTS, ctx(seed=seed)).moves[0].text for seed in map(str, range(60))}
    again = {seed: library.draft(INTENT, SLOTS, ctx(seed=seed)).moves[0].text for seed in map(str, range(60))}
    assert first == again
    assert set(first.values()) == set(bank)  # every phrase is reachable, so conversations get variety


def test_a_picked_phrase_renders_its_own_slots(library):
    texts = {library.draft(INTENT, SLOTS, ctx(seed=str(s), customer_name="Dana")).moves[0].text for s in range(60)}
    assert "I'd be upset too, Dana." in texts


def test_integral_numbers_render_without_a_fraction(bundle):
    from bundle_builder import duplicate_charge, make_bundle, move, reply
    from tactful.runtime import InvalidContext, Library

    fw = duplicate_charge(replies=[reply("private", "private", [move("next", "Contact number {contact_count}.")])],
                          serves=["private"])
    lib = Library(make_bundle([fw]))
    assert lib.draft(INTENT, SLOTS, ctx(contact_count=3.0)).text == "Contact number 3."
    assert lib.draft(INTENT, SLOTS, ctx(contact_count=2.5)).text == "Contact number 2.5."
    with pytest.raises(InvalidContext, match="needs context field `contact_count`"):
        lib.draft(INTENT, SLOTS, ctx())  # absent: refused, never "None" or a gap


def test_draft_text_equals_the_compiled_reply_template(library):
    """The per-move rendering agrees with the reply's own template (moves joined by a space)."""
    from tactful.runtime.render import make_environment

    fw = library.framework(INTENT)
    d = library.draft(INTENT, {**SLOTS, "order_id": "A-7"}, ctx(contact_count=3))
    reply = next(r for r in fw.replies if r.id == d.reply.id)
    variables = {f.name: None for f in library.bundle.fields} | {s.name: None for s in fw.slots}
    variables |= {"message": ctx()["message"], "channel": "email", "visibility": "private", "contact_count": 3}
    variables |= {**SLOTS, "order_id": "A-7"}
    assert make_environment().from_string(reply.template).render(values=variables) == d.text


def test_a_released_framework_is_prepared_again_and_drafts_the_same(library):
    """Library._release (conformance.json lets each framework go after its examples)."""
    context = ctx("I'm going to SUE you, this is the third time", contact_count=3, seed="c1")
    before = library.draft(INTENT, SLOTS, context, trace="compact")
    library._release(INTENT)
    library._release("no.such_intent")  # nothing to let go
    after = library.draft(INTENT, SLOTS, context, trace="compact")
    assert after.to_dict() == before.to_dict() and after.trace == before.trace
    assert [e.name for e in after.escalations] == ["legal_threat"] and after.reply.id == "private.1"
