"""Fixtures: a small bundle built in code (not from stdlib, whose signals are tuned elsewhere), its file,
and a hand-labelled corpus whose figures were worked out by hand in test_eval.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runtime"))
from tactful.emit.bundle import bundle_json
from bundle_builder import make_bundle  # noqa: E402

INTENT = "billing.duplicate_charge"

# owner finance; guards all_caps (caps_ratio > 0.6 and letter_count >= 8), sarcasm ("thanks a lot", "great job");
# escalations chargeback -> finance (mentions), legal_threat -> legal (the signal), public_press -> comms
# (channel is public and press_mention); replies private.1 (contact_count >= 3), public, private.
ROWS = [
    {"id": "r1", "intent": INTENT, "channel": "email", "message": "I was charged twice, can you help?",
     "expect": {"send_as_written": True, "escalate": ["finance"], "no_guards": ["sarcasm"]}, "reason": "routine"},
    {"id": "r2", "intent": INTENT, "channel": "email", "message": "Thanks a lot, charged twice",
     "expect": {"send_as_written": False, "guards": ["sarcasm"]}},
    {"id": "r3", "intent": INTENT, "channel": "instagram", "context": {"visibility": "private"},
     "message": "YOU CHARGED ME TWICE", "expect": {"send_as_written": True, "no_guards": ["all_caps"]}},
    {"id": "r4", "intent": INTENT, "channel": "email", "message": "I will call my attorney",
     "expect": {"send_as_written": False, "escalate": ["legal"], "guards": ["sarcasm"]}},
    {"id": "r5", "intent": INTENT, "channel": "x", "context": {"visibility": "public"},
     "message": "a reporter asked me about the charge",
     "expect": {"reply": "public", "escalate": ["comms"], "no_escalate": ["legal"]}},
    {"id": "r6", "intent": INTENT, "channel": "email", "contact_count": 3, "message": "still waiting",
     "slots": {"case_reference": "BIL-55555"}, "expect": {"reply": "private.1"}},
]


@pytest.fixture
def bundle_file(tmp_path) -> Path:
    path = tmp_path / "bundle.json"
    path.write_text(bundle_json(make_bundle()), encoding="utf-8")
    return path


@pytest.fixture
def library():
    from tactful.runtime import Library

    return Library(make_bundle())


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def corpus_file(tmp_path) -> Path:
    return write_jsonl(tmp_path / "corpus.jsonl", ROWS)
