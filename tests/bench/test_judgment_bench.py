"""How the shipped judgment scales with message length (`make bench`; skipped in `make test`).

The stdlib signals use `says` (an assertion check around each occurrence), proximity (word distances
between RE2 occurrences) and the `audience` and `mentioned_contacts` features. None of them may grow
faster than the message: a message ten times longer should cost about ten times as much, never a
hundred. A threat sits at the end of a long, ordinary complaint, where the issue says they hide.

It also prints the labelled corpus's figures for the dev half beside the test half (issue 11 asks
for both in the bench's output), with the time scoring the whole corpus takes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tactful.api import compile_library

ROOT = Path(__file__).parent.parent.parent
FILLER = "I returned the coffee machine on the 2nd and the courier picked it up, but nobody replies. "
THREAT = "If he blocks my drive again he won't be walking back to his van."


@pytest.fixture(scope="module")
def library():
    result, lib = compile_library([ROOT / "frameworks"])
    assert lib is not None, [str(d) for d in result.diagnostics]
    return lib


@pytest.mark.parametrize("repeats", [10, 100, 1000])
def test_long_complaint_with_a_buried_threat(benchmark, library, repeats):
    message = FILLER * repeats + THREAT
    context = {"message": message, "channel": "email", "visibility": "private", "contact_count": 1}
    slots = {"case_reference": "BIL-20931", "amount": "$49.00"}
    draft = benchmark(library.draft, "billing.duplicate_charge", slots, context)
    assert "violence" in {g.name for g in draft.guards}


SAFETY = ("crisis", "safety_risk", "child_safety", "violence")


def _halves_line(name: str, report) -> str:
    hs = report.hold_send
    tp = sum(report.guards[g].tp for g in SAFETY if g in report.guards)
    fn = sum(report.guards[g].fn for g in SAFETY if g in report.guards)
    teams = {team: t.recall for team, t in report.teams.items() if t.recall is not None}
    low = min(teams, key=lambda team: (teams[team], team))
    guards = ", ".join(f"{g} {report.guards[g].tp}/{report.guards[g].tp + report.guards[g].fn}"
                       for g in SAFETY if g in report.guards)
    return (f"  {name:4} {len(report.outcomes):5} rows: hold/send {hs.accuracy:.1%} ({hs.correct}/{hs.rows}), "
            f"false holds {hs.false_hold_rate:.1%}, false sends {hs.false_send_rate:.1%}, safety-class recall "
            f"{tp}/{tp + fn} ({tp / max(tp + fn, 1):.1%}: {guards}), lowest team {low} {teams[low]:.1%}")


def test_the_corpus_scored_on_both_halves(benchmark, library):
    """Issue 11's figures for the labelled corpus (frameworks/corpus/), dev half beside test half, and
    how long scoring the whole corpus takes. Dev is what signals are tuned on, so it reads high; test is
    what the gates in tests/library/test_corpus_gates.py hold; the gap between them is the overfit."""
    from tactful.evaluation.corpus import read_corpus
    from tactful.evaluation.score import evaluate

    corpus = read_corpus(sorted(str(p) for p in (ROOT / "frameworks" / "corpus").glob("*.jsonl")))
    reports = {}

    def score_both():
        reports["dev"] = evaluate(library, corpus, split="dev")
        reports["test"] = evaluate(library, corpus, split="test")

    benchmark.pedantic(score_both, rounds=1, iterations=1)
    assert corpus.bad == [] and reports["dev"].outcomes and reports["test"].outcomes
    dev_ids = {o.row.id for o in reports["dev"].outcomes}
    test_ids = {o.row.id for o in reports["test"].outcomes}
    assert not dev_ids & test_ids and len(dev_ids | test_ids) == len(corpus.rows)  # the halves split the corpus
    print("\nthe labelled corpus, by half (targets on test: hold/send ≥ 95%, false holds ≤ 5%, safety-class recall ≥ 98%,"
          " every team ≥ 90%):")
    for name, report in reports.items():
        print(_halves_line(name, report))
