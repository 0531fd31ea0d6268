"""Library.verify: realistic edits of a draft, the good ones passing and the bad ones caught, one test
per finding code at least; the policy; bad requests. The bundle is built here (no compiler)."""

from __future__ import annotations

import pytest
from bundle_builder import duplicate_charge, loc, make_bundle, move, reply, sig
from hypothesis import given, settings
from hypothesis import strategies as st
from tactful.runtime import Library, VerifyPolicy
from tactful.runtime import bundle as b
from tactful.runtime.errors import (
    InvalidContext,
    InvalidSlots,
    NoReply,
    UnknownIntent,
    UnknownSlots,
)
from tactful.runtime.verify import CODES, PolicyError, lookup

INTENT = "billing.duplicate_charge"
SLOTS = {"case_reference": "BIL-20931", "amount": "$49.00", "customer_name": "Dana"}
PRIVATE = {"message": "Hi, I think I was charged twice for the same order yesterday.", "channel": "email", "seed": "c1"}
PUBLIC = {"message": "Just noticed two identical charges for my order this morning.", "channel": "x", "visibility": "public"}

STYLE = [
    b.StyleRule(name="sorry_for_inconvenience", about="An apology for the inconvenience names nothing.",
                avoid=["sorry for the inconvenience", "inconvenience caused"],
                avoid_patterns=[r"apologi[sz]e\s+for\s+(any|the)\s+inconvenience"],
                prefer="Name the actual impact.", location=loc(1)),
    b.StyleRule(name="sorry_you_feel", avoid=["sorry you feel that way"], prefer="Validate what happened.",
                severity="error", location=loc(2)),
]


def framework() -> b.Framework:
    return duplicate_charge(replies=[
        reply("private.repeat_contact", "private", [
            move("acknowledge", "This is the third time you've had to raise this, and that's on us."),
            move("next", "I've escalated case {case_reference} to finance as urgent; you'll hear from them today."),
        ], when=sig("repeat_contact"), source="repeat_contact"),
        reply("public.default", "public", [
            move("acknowledge", "Being charged twice for one purchase isn't okay, and we'll get the extra charge back to you."),
            move("next", "Send us a private message with your case reference, so finance can find both charges without you starting over."),
        ]),
        reply("private.default", "private", [
            move("acknowledge", "You were charged twice for one purchase, and that money should be back with you."),
            move("restate", "To confirm: there are two charges[ of {amount}] for a single order, and you'd like the duplicate refunded."),
            move("next", "I've passed case {case_reference} to our finance team; you'll get a confirmation email within two business days."),
        ]),
    ])


@pytest.fixture(scope="module")
def library() -> Library:
    return Library(make_bundle([framework()], style=STYLE))


@pytest.fixture(scope="module")
def draft(library) -> str:
    return library.draft(INTENT, SLOTS, PRIVATE).text


@pytest.fixture(scope="module")
def public_draft(library) -> str:
    return library.draft(INTENT, SLOTS, PUBLIC).text


def codes(v) -> list[str]:
    return [f.code for f in v.findings]


def the(v, code: str):
    [found] = [f for f in v.findings if f.code == code]
    return found


def spanned(v, code: str) -> str:
    f = the(v, code)
    return v.text[f.start:f.end]


# --- good edits pass ------------------------------------------------------------------------------


def test_the_draft_itself_is_ok(library, draft, public_draft):
    assert library.verify(INTENT, draft, SLOTS, PRIVATE).verdict == "ok"
    assert library.verify(INTENT, public_draft, SLOTS, PUBLIC).verdict == "ok"


def test_a_rephrased_acknowledgement_passes(library, draft):
    text = draft.replace("You were charged twice for one purchase, and that money should be back with you.",
                         "Two charges for one order is frustrating, Dana, and I want to get that money back to you.")
    assert text != draft
    v = library.verify(INTENT, text, SLOTS, PRIVATE)
    assert v.verdict == "ok", v.findings


def test_an_added_personal_sentence_passes(library, draft):
    text = "Hi Dana, I hope the trip went well despite all this! " + draft + " I'll keep an eye on it myself."
    v = library.verify(INTENT, text, SLOTS, PRIVATE)
    assert v.verdict == "ok", v.findings


def test_a_reworded_next_step_with_the_facts_kept_passes(library, draft):
    text = draft.replace("I've passed case BIL-20931 to our finance team; you'll get a confirmation email within two business days.",
                         "Finance has case BIL-20931 now, and they will confirm the refund by email by Friday.")
    v = library.verify(INTENT, text, SLOTS, PRIVATE)
    assert v.verdict == "ok", v.findings


@pytest.mark.parametrize("written", ["$49", "49.00 USD", "49 dollars", "$ 49.00"])
def test_an_amount_written_another_way_is_the_same_amount(library, draft, written):
    v = library.verify(INTENT, draft.replace("$49.00", written), SLOTS, PRIVATE)
    assert v.verdict == "ok", v.findings


@pytest.mark.parametrize("written", ["€49.00", "$49.50", "59 USD"])
def test_another_currency_or_amount_is_a_changed_amount(library, draft, written):
    v = library.verify(INTENT, draft.replace("$49.00", written), SLOTS, PRIVATE)
    assert codes(v) == ["V112"] and spanned(v, "V112") == written


def test_curly_quotes_are_straight_ones(library, draft):
    v = library.verify(INTENT, draft.replace("'", "\u2019"), SLOTS, PRIVATE)
    assert v.verdict == "ok", v.findings


# --- bad edits are caught ---------------------------------------------------------------------------


def test_V100_an_empty_reply_blocks(library):
    v = library.verify(INTENT, "  \n ", SLOTS, PRIVATE)
    assert codes(v) == ["V100"] and v.verdict == "block"


def test_V110_the_next_step_deleted_blocks(library, draft):
    text = draft.split(" I've passed")[0]
    v = library.verify(INTENT, text, SLOTS, PRIVATE)
    assert v.verdict == "block"
    f = the(v, "V110")
    assert f.start is None and "I've passed case BIL-20931" in f.fix


def test_V110_an_acknowledgement_that_promises_is_not_a_next_step(library, public_draft):
    ack_only = public_draft.split(" Send us")[0]
    assert "we'll get the extra charge back" in ack_only
    assert "V110" in codes(library.verify(INTENT, ack_only, SLOTS, PUBLIC))


def test_V110_a_next_step_in_other_words_is_one(library, draft):
    text = draft.split(" I've passed")[0] + " Please reply with the last four digits of the card and we'll take it from there."
    assert "V110" not in codes(library.verify(INTENT, text, {**SLOTS, "case_reference": "BIL-20931"}, PRIVATE))


def test_V111_the_case_reference_deleted_blocks(library, draft):
    v = library.verify(INTENT, draft.replace("case BIL-20931", "your case"), SLOTS, PRIVATE)
    assert codes(v) == ["V111"] and v.verdict == "block"
    assert "BIL-20931" in the(v, "V111").message


def test_V112_the_amount_changed_blocks_and_points_at_it(library, draft):
    v = library.verify(INTENT, draft.replace("$49.00", "$59.00"), SLOTS, PRIVATE)
    assert codes(v) == ["V112"] and v.verdict == "block"
    assert spanned(v, "V112") == "$59.00" and the(v, "V112").fix == "write $49.00"


def test_V112_a_changed_case_reference_blocks(library, draft):
    v = library.verify(INTENT, draft.replace("BIL-20931", "BIL-20391"), SLOTS, PRIVATE)
    assert codes(v) == ["V112"] and spanned(v, "V112") == "BIL-20391"


def test_V113_an_optional_fact_dropped_warns(library, draft):
    v = library.verify(INTENT, draft.replace(" of $49.00", ""), SLOTS, PRIVATE)
    assert codes(v) == ["V113"] and v.verdict == "warn"


def test_a_fact_the_draft_did_not_print_is_not_required(library, public_draft):
    # the public reply never prints the case reference: its absence is no finding
    assert library.verify(INTENT, public_draft, SLOTS, PUBLIC).findings == ()


def test_V120_a_private_slot_value_in_a_public_reply_blocks(library, public_draft):
    v = library.verify(INTENT, public_draft + " Your case is BIL-20931.", SLOTS, PUBLIC)
    assert codes(v) == ["V120"] and spanned(v, "V120") == "BIL-20931"


def test_V120_the_same_value_in_a_private_reply_is_fine(library, draft):
    assert "BIL-20931" in draft and library.verify(INTENT, draft, SLOTS, PRIVATE).verdict == "ok"


@pytest.mark.parametrize("pasted, what", [
    ("Or write to dana.r@example.com and we'll answer there.", "dana.r@example.com"),
    ("Or call her back on +1 (415) 555-0100.", "+1 (415) 555-0100"),
    ("The card 4242 4242 4242 4242 was charged twice.", "4242 4242 4242 4242"),
    ("It's under ORD-88412 in our system.", "ORD-88412"),
])
def test_V121_personal_data_pasted_into_a_public_reply_blocks(library, public_draft, pasted, what):
    v = library.verify(INTENT, public_draft + " " + pasted, SLOTS, PUBLIC)
    assert codes(v) == ["V121"], v.findings
    assert spanned(v, "V121") == what


def test_V121_another_case_reference_of_the_private_slots_kind_blocks(library, public_draft):
    v = library.verify(INTENT, public_draft + " See BIL-55555.", SLOTS, PUBLIC)
    assert codes(v) == ["V121"] and "case_reference" in the(v, "V121").message


def test_V121_a_public_slot_value_may_appear(library, public_draft):
    slots = {**SLOTS, "order_id": "ORD-77001"}  # order_id is not private
    v = library.verify(INTENT, public_draft + " That's order ORD-77001.", slots, PUBLIC)
    assert v.verdict == "ok", v.findings


def test_V121_an_email_in_a_private_reply_is_fine(library, draft):
    assert library.verify(INTENT, draft + " Or write to dana.r@example.com.", SLOTS, PRIVATE).verdict == "ok"


@pytest.mark.parametrize("placeholder", ["[NAME]", "<customer>", "{amount}", "{{ customer_name }}", "[[order number]]",
                                         "[insert date]", "{customer_name or \"there\"}"])
def test_V130_a_placeholder_left_in_blocks(library, draft, placeholder):
    v = library.verify(INTENT, f"Hi {placeholder}, " + draft, SLOTS, PRIVATE)
    assert codes(v) == ["V130"] and spanned(v, "V130") == placeholder


def test_V130_words_in_brackets_are_not_placeholders(library, draft):
    assert library.verify(INTENT, draft + " [Note: I've added a tracking link.]", SLOTS, PRIVATE).verdict == "ok"


def test_V140_sorry_for_the_inconvenience_added_back_warns_with_the_alternative(library, draft):
    v = library.verify(INTENT, "We're so sorry for the inconvenience. " + draft, SLOTS, PRIVATE)
    assert codes(v) == ["V140"] and v.verdict == "warn"
    f = the(v, "V140")
    assert spanned(v, "V140") == "sorry for the inconvenience"
    assert f.fix == "prefer: Name the actual impact." and "sorry_for_inconvenience" in f.message


def test_V140_a_style_pattern_matches_too(library, draft):
    v = library.verify(INTENT, draft + " We apologise for any inconvenience.", SLOTS, PRIVATE)
    assert spanned(v, "V140") == "apologise for any inconvenience"


def test_V141_a_strict_style_rule_blocks(library, draft):
    v = library.verify(INTENT, "I'm sorry you feel that way. " + draft, SLOTS, PRIVATE)
    assert codes(v) == ["V141"] and v.verdict == "block"


def test_V150_the_acknowledgement_moved_after_the_next_step_warns(library, draft):
    ack = "You were charged twice for one purchase, and that money should be back with you."
    text = draft.replace(ack + " ", "") + " " + ack
    v = library.verify(INTENT, text, SLOTS, PRIVATE)
    assert codes(v) == ["V150"] and spanned(v, "V150") == ack


def test_V101_V102_guards_and_escalations_are_run_on_the_message(library, draft):
    context = {**PRIVATE, "message": "GREAT JOB CHARGING ME TWICE, I'M FILING A CHARGEBACK."}
    v = library.verify(INTENT, draft, SLOTS, context)
    assert codes(v) == ["V101", "V101", "V102"]
    assert v.verdict == "warn"
    assert {f.message.split("`")[1] for f in v.findings if f.code == "V101"} == {"all_caps", "sarcasm"}
    assert "finance" in the(v, "V102").message


def test_the_reply_compared_is_the_one_the_framework_chooses(library):
    context = {**PRIVATE, "contact_count": 3}
    text = "This is the third time you've had to raise this, and that's on us. I've escalated your case to finance."
    v = library.verify(INTENT, text, SLOTS, context)
    assert v.reply == "private.repeat_contact"
    assert codes(v) == ["V111"]  # that reply printed the case reference


def test_findings_are_in_text_order_whole_reply_ones_first(library, draft):
    text = "Hi [NAME], we're sorry for the inconvenience. " + draft.replace("$49.00", "$59.00")
    v = library.verify(INTENT, text, SLOTS, {**PRIVATE, "message": "I'll file a chargeback"})
    assert codes(v) == ["V102", "V130", "V140", "V112"]
    starts = [f.start for f in v.findings if f.start is not None]
    assert starts == sorted(starts)


# --- the policy -------------------------------------------------------------------------------------


def test_a_policy_changes_levels_by_code_or_slug(library, draft):
    text = "We're sorry for the inconvenience. " + draft.replace(" of $49.00", "")
    assert library.verify(INTENT, text, SLOTS, PRIVATE).verdict == "warn"
    strict = VerifyPolicy.from_settings({"V140": "block"})
    assert library.verify(INTENT, text, SLOTS, PRIVATE, policy=strict).verdict == "block"
    quiet = VerifyPolicy.from_settings({"house-style": "off", "optional-fact-missing": "off"})
    v = library.verify(INTENT, text, SLOTS, PRIVATE, policy=quiet)
    assert v.verdict == "ok" and v.findings == ()


def test_a_policy_refuses_unknown_codes_and_levels():
    with pytest.raises(PolicyError) as e:
        VerifyPolicy.from_settings({"V999": "block", "V140": "error"})
    assert [k for k, _ in e.value.problems] == ["V999", "V140"]


def test_every_code_has_a_title_an_explanation_and_a_fix():
    for code in CODES.values():
        assert code.code.startswith("V1") and code.title and code.explanation and code.fix
        assert code.level in ("block", "warn")
        assert lookup(code.slug) is code and lookup(code.code.lower()) is code


# --- bad requests are typed errors, as for draft() -----------------------------------------------


def test_bad_requests_raise_the_drafts_errors(library, draft):
    with pytest.raises(UnknownIntent):
        library.verify("billing.duplicate_charg", draft, SLOTS, PRIVATE)
    with pytest.raises(UnknownSlots):
        library.verify(INTENT, draft, {"ammount": "$1"}, PRIVATE)
    with pytest.raises(InvalidSlots):
        library.verify(INTENT, draft, {"amount": "lots"}, PRIVATE)
    with pytest.raises(InvalidContext):
        library.verify(INTENT, draft, SLOTS, {"message": "hi"})


def test_missing_slots_are_not_compared(library, draft):
    assert library.verify(INTENT, draft, {}, PRIVATE).verdict == "ok"


def test_a_visibility_the_framework_does_not_serve_is_no_reply(library, draft):
    private_only = Library(make_bundle([duplicate_charge(serves=["private"], replies=framework().replies[2:])]))
    with pytest.raises(NoReply):
        private_only.verify(INTENT, draft, SLOTS, PUBLIC)


def test_the_json_form(library, draft):
    v = library.verify(INTENT, draft.replace("$49.00", "$59.00"), SLOTS, PRIVATE)
    out = v.to_dict()
    assert out["verdict"] == "block" and out["reply"] == "private.default" and out["framework"] == INTENT
    [f] = out["findings"]
    assert f["code"] == "V112" and f["slug"] == "fact-changed" and f["level"] == "block"
    assert f["span"]["text"] == "$59.00" and draft.replace("$49.00", "$59.00")[f["span"]["start"]:f["span"]["end"]] == "$59.00"


def test_a_discouraged_phrase_of_the_frameworks_own_text_is_not_the_editors(library):
    fw = duplicate_charge(replies=[reply("private.default", "private", [
        move("acknowledge", "Sorry for the inconvenience caused by the double charge."),
        move("next", "I've passed case {case_reference} to finance; you'll hear from them today."),
    ])], serves=["private"])
    own = Library(make_bundle([fw], style=STYLE))
    text = own.draft(INTENT, SLOTS, PRIVATE).text
    assert own.verify(INTENT, text, SLOTS, PRIVATE).verdict == "ok"
    v = own.verify(INTENT, text + " Sorry for the inconvenience, again.", SLOTS, PRIVATE)
    assert codes(v) == ["V140"] and v.findings[0].start > len(text) - 5  # only the added one (the draft's own is skipped)


# --- any text at all: a verdict, never an exception; spans inside the text -------------------------

PIECES = st.sampled_from(["$49.00", "BIL-20931", "{amount}", "[NAME]", "sorry for the inconvenience", "I'll", "today",
                          "dana@example.com", "+1 415 555 0100", "4242 4242 4242 4242", ".", "\n", " ", "’", "{{", "[[", "<customer>", "İ"])


@settings(max_examples=150, deadline=None, database=None, derandomize=True)
@given(parts=st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=12), public=st.booleans())
def test_any_text_gets_a_verdict_with_spans_inside_it(library, parts, public):
    text = " ".join(parts)
    v = library.verify(INTENT, text, SLOTS, PUBLIC if public else PRIVATE)
    assert v.verdict in ("ok", "warn", "block")
    for f in v.findings:
        assert f.start is None or 0 <= f.start < f.end <= len(text), f
        assert f.code in CODES and f.level in ("block", "warn")


def test_spans_stay_right_after_characters_whose_lower_case_is_longer(library, draft):
    text = "İSTANBUL İ İ. We're sorry for the inconvenience. " + draft.replace("$49.00", "$59.00")
    v = library.verify(INTENT, text, SLOTS, PRIVATE)
    assert spanned(v, "V140") == "sorry for the inconvenience" and spanned(v, "V112") == "$59.00"
