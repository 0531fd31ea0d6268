"""The shipped library (frameworks/ on stdlib/) is what new teams copy: it must be exemplary.

Issue 4's bar, enforced in `make test`: `check --strict` is clean (so no house-style phrase, no reply
without a next step, no private slot in public), every example and signal example passes, every
reply, guard and escalation is exercised by an example, and each intent of the taxonomy has the
framework the playbook asks for.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tactful import api
from tactful.diagnostics import render
from tactful.runtime import load_library
from tactful.runtime.bundle import SlotPart
from tactful.runtime.examples import run

ROOT = Path(__file__).resolve().parents[2]
INTENTS = tomllib.loads((ROOT / "tactful.toml").read_text(encoding="utf-8"))["taxonomy"]["intents"]
REQUIRED = {
    "billing.duplicate_charge", "billing.charged_after_cancel", "billing.refund_delay", "service.outage",
    "service.degraded", "product.feature_request", "product.bug_report", "trust_safety.scam_report",
    "trust_safety.impersonation", "trust_safety.safety_report", "social.public_criticism", "orders.late_delivery",
    "orders.damaged_item", "orders.status", "account.locked_out", "account.setup_help", "moderation.appeal",
    "privacy.data_request",
}


@pytest.fixture(scope="module")
def compiled():
    result = api.compile([ROOT / "frameworks"])
    assert result.bundle is not None, render(result, "compact")
    return result


@pytest.fixture(scope="module")
def library(compiled):
    return load_library(compiled.bundle)


def test_check_strict_is_clean(compiled):
    assert (compiled.errors, compiled.warnings) == (0, 0), render(compiled, "compact")


def test_taxonomy_names_every_intent_the_issue_lists(compiled):
    assert set(INTENTS) == REQUIRED
    assert {fw.intent for fw in compiled.bundle.frameworks} == REQUIRED


def test_every_example_passes_and_everything_is_exercised(library):
    report = run(library)
    failures = [o for o in (*report.examples, *report.signals) if not o.passed]
    assert not failures, failures[:3]
    assert len(report.examples) >= 3 * len(REQUIRED)
    assert report.not_exercised == []


def test_every_framework_has_the_shape_the_playbook_asks_for(compiled):
    for fw in compiled.bundle.frameworks:
        assert fw.owner and fw.about and fw.tags, fw.intent
        assert {r.visibility for r in fw.replies if r.when is None} == set(fw.serves), fw.intent
        assert any(r.when is not None for r in fw.replies), f"{fw.intent}: no reply where less empathy is right"
        assert any(g.policy is None for g in fw.guards), f"{fw.intent}: no guard of its own"
        for r in fw.replies:
            assert r.moves[-1].kind in ("next", "close") and any(m.kind == "next" for m in r.moves), (fw.intent, r.id)


def test_every_handoff_carries_the_customers_own_words(compiled):
    for fw in compiled.bundle.frameworks:
        for e in fw.escalations:
            assert e.handoff is not None, (fw.intent, e.name)
            names = {p.name for p in e.handoff.parts if isinstance(p, SlotPart)}
            assert "message" in names, (fw.intent, e.name)


def test_public_replies_move_personal_details_to_a_private_channel(compiled):
    private_words = ("DM", "direct message", "private message", "privately", "message us", "email")
    for fw in compiled.bundle.frameworks:
        if not any(s.private for s in fw.slots) or "public" not in fw.serves:
            continue
        default = next(r for r in fw.replies if r.visibility == "public" and r.when is None)
        text = " ".join(m.text.source for m in default.moves if m.text)
        assert any(w.lower() in text.lower() for w in private_words), (fw.intent, text)


def test_feature_requests_are_tagged_for_product(compiled):
    fw = next(f for f in compiled.bundle.frameworks if f.intent == "product.feature_request")
    assert "product" in fw.tags or fw.owner == "product"


@pytest.mark.parametrize("message", ["There is an issue with my order", "I'm shipping it through the Suez canal",
                                     "Can you pursue this for me?", "My colleague Sue placed the order"])
def test_legal_threat_does_not_fire_on_words_that_contain_sue(library, message):
    assert not library.signal_holds("legal_threat", {"message": message, "channel": "email"})


@pytest.mark.parametrize("message", ["I'm going to sue you", "My lawyer will be in touch", "See you in small claims court"])
def test_legal_threat_fires_on_threats(library, message):
    assert library.signal_holds("legal_threat", {"message": message, "channel": "email"})
