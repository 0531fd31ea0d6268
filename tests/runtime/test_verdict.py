"""Library.verdict: the decisions of a draft without its text, refusing exactly what draft refuses."""

from __future__ import annotations

import pytest

from bundle_builder import SLOTS, ctx
from tactful.runtime import DraftError

CASES = [
    ctx(), ctx("YOU CHARGED ME TWICE", channel="instagram"), ctx("thanks a lot, my lawyer will call", contact_count=3),
    ctx("a reporter saw this", channel="x", visibility="public"), ctx("chargeback incoming"),
]


@pytest.mark.parametrize("context", CASES)
def test_a_verdict_is_the_drafts_decisions(library, context):
    draft = library.draft("billing.duplicate_charge", SLOTS, context)
    verdict = library.verdict("billing.duplicate_charge", SLOTS, context)
    assert (verdict.reply, verdict.guards, verdict.escalations) == (draft.reply, draft.guards, draft.escalations)
    assert verdict.send_as_written == draft.send_as_written


@pytest.mark.parametrize("intent, slots, context", [
    ("billing.nope", SLOTS, ctx()),
    ("billing.duplicate_charge", {}, ctx()),
    ("billing.duplicate_charge", {"case_reference": "bad"}, ctx()),
    ("billing.duplicate_charge", SLOTS, {"message": "hi"}),
    ("billing.duplicate_charge", SLOTS, ctx(channel="pigeon")),
])
def test_a_verdict_refuses_what_a_draft_refuses(library, intent, slots, context):
    with pytest.raises(DraftError) as drafted:
        library.draft(intent, slots, context)
    with pytest.raises(DraftError) as decided:
        library.verdict(intent, slots, context)
    assert decided.value.to_dict() == drafted.value.to_dict()
