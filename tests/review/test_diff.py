"""diff_bundles: every kind of change, from bundles built here (no compiler), and the three renderings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "runtime"))
from bundle_builder import (
    duplicate_charge,
    expect,
    loc,
    make_bundle,
    mentions,
    move,
    reply,
    sig,
)
from tactful.review.diff import (
    KINDS,
    diff_bundles,
    render_json,
    render_markdown,
    render_pretty,
    word_diff,
)
from tactful.runtime import bundle as b

INTENT = "billing.duplicate_charge"
BASE = duplicate_charge()


def slots(**changes) -> list[b.Slot]:
    return [s.model_copy(update=changes[s.name]) if s.name in changes else s for s in BASE.slots]


def changed(**fields) -> b.Bundle:
    return make_bundle([duplicate_charge(**fields)])


def kinds(new: b.Bundle, old: b.Bundle | None = None) -> list[str]:
    return [c.kind for c in diff_bundles(old or make_bundle(), new).changes]


OTHER = b.Escalation(name="outage", team="support", when=mentions("outage"), condition_source='message mentions "outage"',
                     location=loc(29))
EXAMPLE = b.Example(name="plain", message="charged twice", channel="email", visibility="private",
                    slots={"case_reference": "BIL-20931"}, expect=[expect("send")], location=loc(60))


@pytest.mark.parametrize("fields, expected", [
    ({"slots": slots(amount={"private": False})}, ["public-slot"]),
    ({"slots": slots(customer_name={"private": True})}, ["private-slot"]),
    ({"slots": slots(case_reference={"required": False})}, ["optional-slot"]),
    ({"slots": slots(order_id={"required": True})}, ["required-slot"]),
    ({"slots": slots(order_id={"type": "number"})}, ["changed-slot-type"]),
    ({"slots": slots(case_reference={"pattern": "[A-Z]{3}-[0-9]{5}"})}, ["changed-slot-pattern"]),
    ({"slots": BASE.slots[:-1]}, ["removed-slot"]),
    ({"slots": [*BASE.slots, b.Slot(name="charge_date", type="date", location=loc(24))]}, ["added-slot"]),
    ({"guards": BASE.guards[1:]}, ["removed-guard"]),
    ({"guards": [*BASE.guards, BASE.guards[0].model_copy(update={"name": "caps_again"})]}, ["added-guard"]),
    ({"guards": [BASE.guards[0].model_copy(update={"reason": "Capitals: write it yourself."}), BASE.guards[1]]}, ["changed-guard"]),
    ({"guards": [BASE.guards[0], BASE.guards[1].model_copy(update={"when": sig("repeat_contact"),
                                                                     "condition_source": "repeat_contact"})]}, ["changed-guard"]),
    ({"escalations": BASE.escalations[1:]}, ["removed-escalation"]),
    ({"escalations": [*BASE.escalations, OTHER]}, ["added-escalation"]),
    ({"escalations": [BASE.escalations[0].model_copy(update={"team": "legal"}), *BASE.escalations[1:]]}, ["changed-escalation"]),
    ({"escalations": [BASE.escalations[0].model_copy(update={"when": mentions("chargeback"),
                                                               "condition_source": 'message mentions "chargeback"'}),
                      *BASE.escalations[1:]]}, ["changed-escalation"]),
    ({"opt_outs": [b.OptOut(name="sarcasm", reason="irony is common here", location=loc(32))]}, ["added-opt-out"]),
    ({"replies": BASE.replies[:2]}, ["removed-reply"]),
    ({"replies": [*BASE.replies, reply("public.2", "public", [move("next", "DM us.")], when=sig("sarcasm"), source="sarcasm")]},
     ["added-reply"]),
    ({"replies": [BASE.replies[1], BASE.replies[0], BASE.replies[2]]}, ["reordered-replies"]),
    ({"replies": [BASE.replies[0], reply("public", "public", [
        move("acknowledge", "I can see you've been charged twice for the same order."),
        move("next", "Please send us your case reference in a private message so finance can review it."),
    ]), BASE.replies[2]]}, ["changed-reply"]),
    ({"examples": BASE.examples[1:]}, ["removed-example"]),
    ({"examples": [*BASE.examples, EXAMPLE]}, ["added-example"]),
    ({"owner": "support"}, ["changed-framework"]),
])
def test_each_kind_of_change_is_reported_alone(fields, expected):
    assert kinds(changed(**fields)) == expected


def test_every_kind_is_covered_by_a_test_above():
    ids = " ".join(str(p) for p in test_each_kind_of_change_is_reported_alone.pytestmark[0].args[1])
    missing = [k for k in KINDS if f"'{k}'" not in ids and k not in ("added-framework", "removed-framework", "removed-opt-out")]
    assert missing == []


def test_owner_serves_title_and_tags_are_each_a_change():
    new = changed(owner="support", tags=["billing"], title="Charged twice")
    found = {(c.subject, c.before, c.after) for c in diff_bundles(make_bundle(), new).changes}
    assert found == {("owner", "finance", "support"), ("tags", "billing, refund", "billing"),
                     ("title", "Duplicate charge", "Charged twice")}


def test_frameworks_added_and_removed():
    other = duplicate_charge(intent="billing.refund_delay", title="Refund delay")
    assert kinds(make_bundle([other]), make_bundle()) == ["removed-framework", "added-framework"]  # by intent
    assert kinds(make_bundle()) == []


def test_an_opt_out_removed_is_reported_and_an_opted_out_guard_says_so():
    opted = changed(opt_outs=[b.OptOut(name="all_caps", reason="capitals are normal on this channel", location=loc(32))],
                    guards=BASE.guards[1:])
    d = diff_bundles(make_bundle(), opted)
    assert [c.kind for c in d.changes] == ["added-opt-out", "removed-guard"]
    assert "opted out of policy `all_caps`: capitals are normal on this channel" in d.changes[1].summary
    assert kinds(make_bundle(), opted) == ["added-guard", "removed-opt-out"]


def test_a_condition_change_shows_its_words_before_and_after():
    new = changed(guards=[BASE.guards[0], BASE.guards[1].model_copy(update={"when": sig("repeat_contact"),
                                                                             "condition_source": "repeat_contact"})])
    [c] = diff_bundles(make_bundle(), new).changes
    assert (c.before, c.after) == ("sarcasm", "repeat_contact")
    assert c.words == (("-", "sarcasm"), ("+", "repeat_contact"))
    out = render_pretty(diff_bundles(make_bundle(), new))
    assert "before: sarcasm" in out and "after:  repeat_contact" in out


def test_a_reply_text_change_is_a_word_diff_of_its_changed_move():
    new = changed(replies=[BASE.replies[0], reply("public", "public", [
        move("acknowledge", "I can see you've been charged twice for the same order."),
        move("next", "Please send us your case reference in a private message so finance can review it."),
    ]), BASE.replies[2]])
    out = render_pretty(diff_bundles(make_bundle(), new))
    assert "next: Please send us your case reference [-by DM-] {+in a private message+} so finance can review it." in out
    assert "acknowledge:" not in out  # unchanged moves are not repeated
    md = render_markdown(diff_bundles(make_bundle(), new))
    assert "~~by DM~~ **in a private message**" in md


def test_word_diff_keeps_lines():
    assert word_diff("a b\nc d", "a b\nc e") == (("=", "a b\nc"), ("-", "d"), ("+", "e"))


def test_markdown_puts_the_most_serious_first():
    new = changed(examples=BASE.examples[1:], guards=BASE.guards[1:], slots=slots(order_id={"required": True}))
    md = render_markdown(diff_bundles(make_bundle(), new, old_label="main", new_label="HEAD"))
    assert md.startswith("## Framework changes: `main` → `HEAD`")
    assert md.index("removed guard `all_caps`") < md.index("removed example") < md.index("slot `order_id` is now required")
    assert md.index("### Needs a careful review") < md.index("### Changed behaviour") < md.index("### Other changes")


def test_json_is_stable_and_counts_kinds():
    new = changed(guards=BASE.guards[1:], slots=slots(amount={"private": False}))
    d = diff_bundles(make_bundle(), new)
    out = json.loads(render_json(d))
    assert out["counts"] == {"public-slot": 1, "removed-guard": 1}
    assert {c["level"] for c in out["changes"]} == {"high"}
    assert render_json(d) == render_json(diff_bundles(make_bundle(), new))


def test_no_changes_in_every_format():
    d = diff_bundles(make_bundle(), make_bundle(), old_label="a", new_label="b")
    assert render_pretty(d) == "No framework changes between a and b.\n"
    assert "No framework changes." in render_markdown(d)
    assert json.loads(render_json(d))["changes"] == []
