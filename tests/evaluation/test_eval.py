"""`tactful eval`: the corpus reader, the scoring (figures worked out by hand for the six rows of
conftest.ROWS), every format, every gate, bad rows, the split and the exit codes."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import INTENT, ROWS, write_jsonl
from tactful.evaluation.corpus import CorpusError, corpus_schema, read_corpus, split_of
from tactful.evaluation.render import render
from tactful.evaluation.score import apply_gates, evaluate

ROOT = Path(__file__).resolve().parents[2]


def tactful(*args) -> subprocess.CompletedProcess:
    """The real command in a subprocess (where the exit code must survive the process boundary)."""
    return subprocess.run([sys.executable, "-m", "tactful", *map(str, args)], capture_output=True, text=True)


def invoke(*args):
    """In-process, which is faster; stdout and stderr apart."""
    from click.testing import CliRunner

    from tactful.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def report(library, corpus_file):
    return evaluate(library, read_corpus([corpus_file]))


# --- scoring ---------------------------------------------------------------------------------------


def test_overall_share_counts_every_expectation(report):
    # r1 3/3, r2 2/2, r3 0/2, r4 1/3 (legal met; hold and sarcasm missed), r5 3/3, r6 1/1
    assert (report.met, report.expectations) == (10, 14)
    assert [o.row.id for o in report.misses] == ["r3", "r4"]
    assert report.bad == []


def test_hold_send_counts_false_holds_and_false_sends_apart(report):
    hs = report.hold_send
    assert (hs.rows, hs.correct, hs.should_send, hs.false_holds, hs.should_hold, hs.false_sends) == (4, 2, 2, 1, 2, 1)
    assert hs.false_hold_rate == 0.5


def test_escalate_is_met_by_the_owner_and_no_escalate_only_by_no_escalation(report):
    r1 = next(o for o in report.outcomes if o.row.id == "r1")
    assert r1.got["escalations"] == [] and r1.got["owner"] == "finance"
    assert all(c.met for c in r1.checks)
    assert report.teams["finance"].tp == 1
    assert (report.teams["legal"].tp, report.teams["legal"].tn) == (1, 1)
    assert report.teams["comms"].tp == 1


def test_per_guard_precision_recall_and_support(report):
    sarcasm = report.guards["sarcasm"]
    assert (sarcasm.tp, sarcasm.fp, sarcasm.fn, sarcasm.tn) == (1, 0, 1, 2)
    assert (sarcasm.precision, sarcasm.recall, sarcasm.support) == (1.0, 0.5, 2)
    caps = report.guards["all_caps"]  # quiet on r1 (a row to send), held on r3 (a row to send): one false positive
    assert (caps.tp, caps.fp, caps.tn, caps.precision, caps.recall) == (0, 1, 1, 0.0, None)


def test_signals_are_labelled_through_guards_and_escalations_that_are_exactly_them(report):
    assert (report.signals["sarcasm"].tp, report.signals["sarcasm"].fn) == (1, 1)
    assert report.signals["all_caps"].fp == 1
    legal = report.signals["legal_threat"]  # r4 expects legal (its only escalation is the signal); r5 forbids it
    assert (legal.tp, legal.tn, legal.fp, legal.fn) == (1, 1, 0, 0)
    assert "press_mention" not in report.signals  # comms' escalation is `channel is public and press_mention`


def test_per_intent_and_channel(report):
    assert report.intents[INTENT].to_dict() | {} == {"rows": 6, "rows_passed": 4, "expectations": 14, "met": 10,
                                                     "accuracy": 10 / 14}
    email = report.channels["email"]
    assert (email.rows, email.rows_passed, email.expectations, email.met) == (4, 3, 9, 7)
    assert (report.channels["instagram"].met, report.channels["x"].met) == (0, 3)


def test_a_miss_carries_the_message_what_was_expected_what_happened_and_the_trace(report):
    r3 = next(o for o in report.misses if o.row.id == "r3")
    assert [c.kind for c in r3.missed] == ["send_as_written", "no_guard"]
    caps = next(g for g in r3.trace.guards if g["name"] == "all_caps")
    assert caps["held"] and caps["condition"]["of"]["of"][0]["actual"] == 1.0


def test_only_a_miss_is_drafted_again_for_its_trace(report):
    assert {o.row.id for o in report.outcomes if o.trace is not None} == {o.row.id for o in report.misses} == {"r3", "r4"}
    assert all(miss["trace"]["guards"] for miss in report.to_dict()["misses"])


def test_signals_read_off_the_verdict_agree_with_the_trace(library, tmp_path):
    # every row of the fixture corpus, plus rows that fire each labelled signal alone
    rows = ROWS + [dict(ROWS[0], id="legal", message="I will sue you", expect={"no_escalate": ["legal"]}),
                   dict(ROWS[0], id="both", message="GREAT JOB, THANKS A LOT. MY LAWYER WILL CALL.",
                        expect={"send_as_written": True, "escalate": ["legal"]})]
    report = evaluate(library, read_corpus([write_jsonl(tmp_path / "c.jsonl", rows)]))
    from tactful.runtime.examples import with_example_slots

    traced = {"all_caps": [0, 0, 0, 0], "sarcasm": [0, 0, 0, 0], "legal_threat": [0, 0, 0, 0]}  # tp fp fn tn
    for o in report.outcomes:
        row = o.row
        draft = library.draft(row.intent, with_example_slots(library, row.intent, row.slots), row.request_context(),
                              trace=True)
        fired = draft.trace.signals()
        want = ({g: False for g in ("all_caps", "sarcasm")} if row.expect.send_as_written else {})
        want |= {g: False for g in row.expect.no_guards} | {g: True for g in row.expect.guards}
        want |= {"legal_threat": False} if "legal" in row.expect.no_escalate else {}
        want |= {"legal_threat": True} if "legal" in row.expect.escalate else {}
        for name, expected in want.items():
            got = fired[name]
            traced[name][0 if expected and got else 1 if got else 2 if expected else 3] += 1
    assert {n: [t.tp, t.fp, t.fn, t.tn] for n, t in report.signals.items()} == traced
    assert traced["legal_threat"][0] == 2 and traced["all_caps"][1] == 2  # both rows fired what they test


def test_a_signal_no_uniquely_named_guard_shows_is_read_from_the_trace(tmp_path):
    from bundle_builder import duplicate_charge, make_bundle
    from tactful.runtime import Library

    fw = duplicate_charge()
    caps, sarcasm = fw.guards
    twins = [caps, sarcasm.model_copy(update={"name": "all_caps"})]  # two guards named all_caps (T1504 for the compiler)
    library = Library(make_bundle([fw.model_copy(update={"guards": twins})]))
    rows = [dict(ROWS[1], id="s1", expect={"guards": ["all_caps"]}),  # sarcastic
            dict(ROWS[2], id="s2", expect={"guards": ["all_caps"]})]  # shouting
    report = evaluate(library, read_corpus([write_jsonl(tmp_path / "c.jsonl", rows)]))
    assert [c.met for o in report.outcomes for c in o.checks] == [True, True]  # a guard named all_caps held on both
    # the label names the later twin, whose signal is sarcasm: it held on s1 only, which no guard name can tell
    assert (report.signals["sarcasm"].tp, report.signals["sarcasm"].fn) == (1, 1)


def test_missing_slots_are_filled_from_the_declared_examples(library, tmp_path):
    row = dict(ROWS[5], slots={})  # `case_reference` is required; its example is BIL-20931
    report = evaluate(library, read_corpus([write_jsonl(tmp_path / "c.jsonl", [row])]))
    assert report.bad == [] and report.met == 1


def test_reply_labels_by_visibility_by_id_and_by_condition(library, tmp_path):
    base = ROWS[5]
    rows = [dict(base, id=f"q{i}", expect={"reply": want}) for i, want in enumerate(
        ["private", "private.1", "private when repeat_contact", "public", "private when something_else"])]
    report = evaluate(library, read_corpus([write_jsonl(tmp_path / "c.jsonl", rows)]))
    assert [o.checks[0].met for o in report.outcomes] == [True, True, True, False, False]


# --- bad rows --------------------------------------------------------------------------------------


def test_bad_rows_are_counted_with_their_line_and_reason_and_never_abort(library, tmp_path):
    good = json.dumps(ROWS[0])
    lines = [
        good.encode(),
        b'{"id": "broken", "intent": ',  # truncated: not JSON
        b'{"id": "latin", "message": "caf\xe9"}',  # not UTF-8
        json.dumps(dict(ROWS[1], id="nomsg", message=None)).encode(),
        json.dumps(dict(ROWS[1], id="count", contact_count="many")).encode(),
        json.dumps(dict(ROWS[1], id="typo", expect={"guard": ["sarcasm"]})).encode(),
        json.dumps(dict(ROWS[1])).replace('"r2"', '"r1"').encode(),  # the id of line 1 again
        b"[1, 2]",
        b"",
        json.dumps(dict(ROWS[1], id="intent", intent="billing.duplicate_charges")).encode(),
        json.dumps(dict(ROWS[1], id="slot", slots={"case_reference": "not-a-ref"})).encode(),
        json.dumps(dict(ROWS[1], id="field", context={"mood": "grumpy"})).encode(),
        json.dumps(dict(ROWS[1], id="fine")).encode(),
    ]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    report = evaluate(library, read_corpus([path]))
    assert [(b.line, b.reason) for b in sorted(report.bad, key=lambda b: b.line)] == [
        (2, "not_json"), (3, "invalid_utf8"), (4, "missing_field"), (5, "wrong_type"), (6, "unknown_expectation"),
        (7, "duplicate_id"), (8, "not_an_object"), (10, "unknown_intent"), (11, "invalid_slots"),
        (12, "unknown_context_fields"),
    ]
    assert "did you mean `billing.duplicate_charge`" in next(b.detail for b in report.bad if b.reason == "unknown_intent")
    assert [o.row.id for o in report.outcomes] == ["r1", "fine"]
    assert all(b.file == str(path) for b in report.bad)


def test_a_label_naming_a_guard_the_framework_lacks_is_listed(library, tmp_path):
    row = dict(ROWS[0], expect={"guards": ["shoutin"]})
    report = evaluate(library, read_corpus([write_jsonl(tmp_path / "c.jsonl", [row])]))
    assert [(u["name"], u["kind"]) for u in report.unknown_labels] == [("shoutin", "guard")]


def test_an_unreadable_file_is_a_corpus_error(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        read_corpus([tmp_path / "missing.jsonl"])
    (tmp_path / "corpus.txt").write_text("{}", encoding="utf-8")
    with pytest.raises(CorpusError, match="cannot tell the format"):
        read_corpus([tmp_path / "corpus.txt"])
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(CorpusError, match="broken.parquet"):
        read_corpus([tmp_path / "broken.parquet"])


# --- CSV and Parquet --------------------------------------------------------------------------------


def _figures(report) -> dict:
    data = report.to_dict()
    for miss in data["misses"]:
        miss.pop("file"), miss.pop("line")
    data.pop("files")
    return data


def test_csv_and_parquet_score_exactly_as_json_lines(library, corpus_file, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    keys = ["id", "intent", "channel", "contact_count", "context", "message", "slots", "expect"]
    with (tmp_path / "corpus.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=keys)
        writer.writeheader()
        for row in ROWS:
            writer.writerow({k: json.dumps(row[k]) if isinstance(row.get(k), dict) else row.get(k, "") for k in keys})
    pq.write_table(pa.Table.from_pylist([{k: row.get(k) for k in keys} for row in ROWS]), tmp_path / "corpus.parquet")
    want = _figures(evaluate(library, read_corpus([corpus_file])))
    for name in ("corpus.csv", "corpus.parquet"):
        assert _figures(evaluate(library, read_corpus([tmp_path / name]))) == want, name


def test_a_folder_is_read_as_its_corpus_files_in_sorted_order(library, tmp_path):
    folder = tmp_path / "corpus"
    (folder / "more").mkdir(parents=True)
    write_jsonl(folder / "b.jsonl", ROWS[3:])
    write_jsonl(folder / "more" / "a.jsonl", ROWS[:3])  # subfolders count; order is by path
    (folder / "README.md").write_text("# not a corpus file\n", encoding="utf-8")
    corpus = read_corpus([folder])
    assert corpus.bad == []
    assert [r.id for r in corpus.rows] == [r["id"] for r in ROWS[3:]] + [r["id"] for r in ROWS[:3]]
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no corpus file"):
        read_corpus([tmp_path / "empty"])


# --- the split --------------------------------------------------------------------------------------


def test_the_split_is_the_parity_of_the_first_byte_of_sha256_of_the_id(library, tmp_path):
    rows = [dict(ROWS[0], id=f"row-{i:03}") for i in range(40)]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    halves = {half: [o.row.id for o in evaluate(library, read_corpus([path]), split=half).outcomes] for half in ("dev", "test")}
    for half, ids in halves.items():
        for row_id in ids:
            first = hashlib.sha256(row_id.encode()).digest()[0]
            assert (first % 2 == 0) == (half == "dev")
    assert sorted(halves["dev"] + halves["test"]) == [r["id"] for r in rows]
    assert halves["dev"] and halves["test"]
    assert split_of("row-000") == split_of("row-000")


# --- gates ------------------------------------------------------------------------------------------


def test_gates_pass_and_fail_at_their_limits(report):
    gates = apply_gates(report, min_accuracy=0.7, min_recall={"sarcasm": 0.5, "legal": 1.0}, max_false_holds=0.5)
    assert all(g.passed for g in gates), gates
    gates = apply_gates(report, min_accuracy=0.75, min_recall={"sarcasm": 0.6}, max_false_holds=0.4)
    # `sarcasm` is a guard and the signal it is made of: the gate holds both to the limit
    assert [(g.name, g.passed) for g in gates] == [
        ("min-accuracy", False), ("min-recall sarcasm", False), ("min-recall sarcasm", False), ("max-false-holds", False)]
    assert [g.note for g in gates[1:3]] == ["guard, support 2", "signal, support 2"]


def test_a_recall_gate_on_a_name_nobody_expects_fails(report):
    (gate,) = apply_gates(report, min_recall={"all_caps": 0.5})
    assert not gate.passed and "no row expects" in gate.note


# --- formats ----------------------------------------------------------------------------------------


def test_json_has_every_figure_and_each_miss_with_its_trace(report):
    apply_gates(report, min_accuracy=0.9)
    data = json.loads(render(report, "json"))
    assert data["expectations"] == {"total": 14, "met": 10, "accuracy": 10 / 14}
    assert data["hold_send"]["false_holds"] == 1 and data["hold_send"]["false_sends"] == 1
    r4 = next(m for m in data["misses"] if m["id"] == "r4")
    assert r4["message"] == "I will call my attorney"
    assert {e["kind"] for e in r4["expected"]} == {"send_as_written", "guard"}
    assert r4["got"]["escalations"] == ["legal"]
    legal = next(e for e in r4["trace"]["escalations"] if e["name"] == "legal_threat")
    assert legal["condition"]["of"]["spans"][0]["text"] == "attorney"
    assert data["gates"] == [{"gate": "min-accuracy", "limit": 0.9, "actual": 10 / 14, "passed": False, "note": ""}]


def test_json_is_the_report_with_one_miss_a_line(report):
    """Every figure of to_dict(), indented; each miss (with its trace) on a line of its own."""
    text = render(report, "json")
    assert json.loads(text) == json.loads(json.dumps(report.to_dict()))
    miss_lines = [line for line in text.splitlines() if line.startswith('    {"id":')]
    assert len(miss_lines) == len(report.to_dict()["misses"]) > 0
    assert all(json.loads(line.rstrip(","))["trace"] for line in miss_lines)


def test_pretty_has_the_headline_the_tables_and_the_misses_with_why(report):
    text = render(report, "pretty")
    assert "Expectations met: 10 of 14 (71.4%)." in text
    assert "false holds 1 of 2 that should send (50.0%)" in text
    for title in ("Guards", "Escalation teams", "Signals", "Intents", "Channels", "Misses (2)"):
        assert title in text
    assert "✗ r3" in text and "expected guard `all_caps` not to hold" in text
    assert "✓ HELD   guard all_caps" in text and "caps_ratio = 1" in text


def test_markdown_is_a_pull_request_comment(report):
    text = render(report, "markdown")
    assert text.startswith("## tactful eval\n")
    assert "| name | support | TP | FP | FN | precision | recall |" in text
    assert "### Misses (2)" in text and "<details><summary><code>r3</code>" in text


def test_junit_has_one_case_per_row_and_fails_the_missed_ones(report):
    apply_gates(report, max_false_holds=0.1)
    root = ET.fromstring(render(report, "junit"))
    cases = root.findall(".//testsuite[@name='billing.duplicate_charge']/testcase")
    assert [c.get("name") for c in cases] == ["r1", "r2", "r3", "r4", "r5", "r6"]
    assert [c.get("name") for c in cases if c.find("failure") is not None] == ["r3", "r4"]
    gate = root.find(".//testsuite[@name='gates']/testcase")
    assert gate.get("name") == "max-false-holds" and gate.find("failure") is not None


# --- the command ------------------------------------------------------------------------------------


def test_cli_exit_codes_follow_the_gates(bundle_file, corpus_file):
    ok = invoke("eval", corpus_file, "--bundle", bundle_file, "--min-accuracy", "0.7", "--min-recall", "sarcasm=0.5")
    assert ok.exit_code == 0, ok.stderr
    assert "PASS  min-accuracy" in ok.stdout
    failed = tactful("eval", corpus_file, "--bundle", bundle_file, "--max-false-holds", "0.1", "--format", "json")
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["gates"][0]["passed"] is False


def test_cli_reads_a_corpus_folder(bundle_file, corpus_file, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "rows.jsonl").write_bytes(Path(corpus_file).read_bytes())
    by_file = invoke("eval", corpus_file, "--bundle", bundle_file, "--format", "json")
    by_folder = invoke("eval", folder, "--bundle", bundle_file, "--format", "json")
    assert by_folder.exit_code == by_file.exit_code == 0, by_folder.stderr
    figures = [json.loads(done.stdout) for done in (by_file, by_folder)]
    for data in figures:
        data.pop("files")
        for miss in data["misses"]:
            miss.pop("file")
    assert figures[0] == figures[1] and figures[0]["rows"]
    (tmp_path / "nothing").mkdir()
    none = invoke("eval", tmp_path / "nothing", "--bundle", bundle_file)
    assert none.exit_code == 2 and "no corpus file" in none.stderr


def test_cli_unreadable_input_is_exit_2_with_the_file(bundle_file, tmp_path):
    (tmp_path / "broken.parquet").write_bytes(b"not parquet at all")
    done = tactful("eval", tmp_path / "broken.parquet", "--bundle", bundle_file)
    assert done.returncode == 2
    assert "broken.parquet" in done.stderr and "Traceback" not in done.stderr
    assert invoke("eval", tmp_path / "nope.jsonl", "--bundle", bundle_file).exit_code == 2
    bad = invoke("eval", tmp_path / "nope.jsonl", "--bundle", bundle_file, "--min-recall", "sarcasm")
    assert bad.exit_code == 2 and "NAME=VALUE" in bad.stderr
    assert invoke("eval", tmp_path / "nope.jsonl", "--bundle", bundle_file, "--min-accuracy", "95").exit_code == 2


def test_cli_schema_describes_the_shipped_corpus():
    done = invoke("eval", "--schema")
    assert done.exit_code == 0
    schema = json.loads(done.stdout)
    assert schema == corpus_schema()
    validator = jsonschema.Draft202012Validator(schema)
    rows = [json.loads(line) for path in sorted((ROOT / "frameworks" / "corpus").glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert rows
    for row in rows:
        validator.validate(row)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(dict(rows[0], expect={"guard": ["typo"]}))


def test_cli_compiles_sources_through_the_cli_layer(tmp_path):
    shop = ROOT / "tests" / "runtime" / "fixtures" / "shop"
    row = {"id": "s1", "intent": "shop.double_charge", "channel": "email", "message": "Charged twice, I want a refund",
           "expect": {"reply": "private when wants_refund", "escalate": ["finance"]}}
    corpus = write_jsonl(tmp_path / "shop.jsonl", [row])
    done = invoke("eval", corpus, "--source", shop, "--format", "json")
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["expectations"] == {"total": 2, "met": 2, "accuracy": 1.0}
    assert invoke("eval", corpus, "--source", shop, "--bundle", corpus).exit_code == 2  # one or the other
