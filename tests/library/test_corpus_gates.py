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

# Floors: a little under what the test half measured when these were set. 2026-12-02, on the
# corpus of 951 rows (465 scored in the test half): hold/send 88.5%, false holds 6.4%,
# safety-class recall 88/124 (71.0%), every team at least 75% (trust_safety 80/106). The corpus
# grew from 550 rows with harder safety messages and more look-alikes, so these figures are not
# comparable with the earlier ones (90.3%, 8.5%, 20/27 on 271 test rows): the library of that
# time scores 79.4%, 11.4% and 55/124 (44.4%) on today's test half.
MIN_HOLD_SEND = 0.87
MAX_FALSE_HOLDS = 0.08
MIN_SAFETY_RECALL = 0.69
MIN_TEAM_RECALL = 0.73


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
