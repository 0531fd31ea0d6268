"""The trace and `tactful eval` on the shipped library: on every row of the shipped corpus, the guards, escalations and reply the trace says held are the ones the draft has, and every
corpus row can be scored (no bad rows). Figures are not pinned: another engineer tunes the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from tactful import api
from tactful.evaluation.corpus import read_corpus
from tactful.evaluation.score import evaluate
from tactful.runtime.examples import with_example_slots

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def library():
    result, library = api.compile_library([ROOT / "frameworks"])
    assert library is not None
    return library


def _agrees(trace, guards, escalations, reply) -> None:
    assert [g["name"] for g in trace.guards if g["held"]] == guards
    assert [e["team"] for e in trace.escalations if e["held"]] == escalations
    assert [r["id"] for r in trace.replies if r["status"] == "chosen"] == [reply]


def test_the_shipped_corpus_scores_without_bad_rows_and_its_traces_agree(library):
    corpus = read_corpus(sorted((ROOT / "frameworks" / "corpus").glob("*.jsonl")))
    report = evaluate(library, corpus)
    assert corpus.rows and report.bad == [], report.bad[:3]
    assert len(report.outcomes) == len(corpus.rows)
    for o in report.outcomes:  # eval traces only its misses: every row's is drafted here
        row = o.row
        trace = library.draft(row.intent, with_example_slots(library, row.intent, row.slots), row.request_context(),
                              trace=True).trace
        _agrees(trace, o.got["guards"], o.got["escalations"], o.got["reply"])
        assert (o.trace is not None) == bool(o.missed)
    assert 0 < report.met <= report.expectations


def test_the_sample_archive_replays_with_its_two_bad_rows(library, tmp_path):
    import subprocess
    import sys

    from tactful.evaluation.replay import replay

    sample = ROOT / "examples" / "replay" / "sample.jsonl"
    data = replay([sample], library, jobs=1).to_dict()
    assert data["bad"]["total"] == 2
    assert {r: v["rows"][0]["row"] for r, v in data["bad"]["reasons"].items()} == {"unknown_intent": 42, "not_json": 98}
    assert data["replayed"] == data["rows"] - 2
    # the file is what its generator writes
    done = subprocess.run([sys.executable, str(sample.with_name("generate.py")), "300", str(tmp_path / "again.jsonl")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "again.jsonl").read_bytes() == sample.read_bytes()
