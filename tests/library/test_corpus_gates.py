"""The shipped library's judgment on the held-out half of its corpus (frameworks/corpus/), kept as CI
gates: `make test` fails when a change makes it worse.

The test half is never tuned against (signals are tuned on the dev half only; see the corpus
README). The gates sit a little under the figures the library reached when they were set, so a
row added to the corpus does not break the build, but a signal that stops generalising does.
The issue's targets (hold/send ≥ 95%, safety-class recall ≥ 98%, false holds ≤ 5%, every team
≥ 90%) are higher: the figures this file prints say how far the library still is from them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tactful.api import compile_library
from tactful.evaluation.score import run_eval

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted(str(p) for p in (ROOT / "frameworks" / "corpus").glob("*.jsonl"))
SAFETY = ("crisis", "safety_risk", "child_safety", "violence")

# Floors: a little under what the test half measured when these were set. 2026-12-03, on the
# corpus of 1060 rows (515 scored in the test half): hold/send 90.2%, false holds 7.1% (16/224),
# safety-class recall 111/138 (80.4%), every team at least 82% (trust_safety 99/120, legal 25/30).
# On the same rows the library before that change scored 89.5%, 5.8%, 101/138 (73.2%) and 77.5%.
# The 109 rows added then were written before the library was run on them; on first sight it met
# 82% of their dev half's expectations and 97% of their test half's.
MIN_HOLD_SEND = 0.89
MAX_FALSE_HOLDS = 0.075
MIN_SAFETY_RECALL = 0.79
MIN_TEAM_RECALL = 0.82


@pytest.fixture(scope="module")
def report():
    result, library = compile_library([ROOT / "frameworks"])
    assert library is not None, [d.message for d in result.diagnostics][:5]
    return run_eval(library, CORPUS, split="test")


def test_the_test_half_is_scored_without_bad_rows(report):
    assert CORPUS and len(report.outcomes) > 100
    assert report.bad == []


def test_hold_or_send_on_unseen_messages(report):
    hs = report.hold_send
    print(f"\nhold/send {hs.accuracy:.1%} ({hs.correct}/{hs.rows}); false holds {hs.false_hold_rate:.1%}; "
          f"false sends {hs.false_send_rate:.1%}")
    assert hs.accuracy >= MIN_HOLD_SEND
    assert hs.false_hold_rate <= MAX_FALSE_HOLDS


def test_safety_crisis_child_safety_and_violence_favour_recall(report):
    tp = sum(report.guards[g].tp for g in SAFETY if g in report.guards)
    fn = sum(report.guards[g].fn for g in SAFETY if g in report.guards)
    print(f"\nsafety-class recall {tp}/{tp + fn}")
    assert tp + fn > 0 and tp / (tp + fn) >= MIN_SAFETY_RECALL


def test_every_escalation_team_is_reached(report):
    low = {team: t.recall for team, t in report.teams.items() if t.recall is not None and t.recall < MIN_TEAM_RECALL}
    print("\nteam recall: " + ", ".join(f"{k} {v.recall:.0%}" for k, v in sorted(report.teams.items()) if v.recall is not None))
    assert not low, low
