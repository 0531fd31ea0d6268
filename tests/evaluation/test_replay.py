"""`tactful replay`: counts on a small archive worked out by hand, bad rows with their row numbers,
differences against a second bundle, chunked streaming, every format, and both engines agreeing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROWS, write_jsonl
from tactful.emit.bundle import bundle_json
from bundle_builder import duplicate_charge, make_bundle
from tactful.evaluation.render import render_replay
from tactful.evaluation.replay import SAMPLES, ReplayError, plan, replay

ROOT = Path(__file__).resolve().parents[2]

ARCHIVE = [{k: v for k, v in r.items() if k != "expect"} for r in ROWS]


def _bytes(bundle) -> bytes:
    return bundle_json(bundle).encode()


@pytest.fixture
def bundle() -> bytes:
    return _bytes(make_bundle())


@pytest.fixture
def without_sarcasm() -> bytes:
    """The same library with the sarcasm guard removed."""
    fw = duplicate_charge()
    return _bytes(make_bundle([fw.model_copy(update={"guards": [g for g in fw.guards if g.name != "sarcasm"]})],
                              revision="sha256:" + "cd" * 32))


@pytest.fixture
def archive(tmp_path):
    return write_jsonl(tmp_path / "archive.jsonl", ARCHIVE)


def test_counts_overall_per_intent_and_per_channel(archive, bundle):
    data = replay([archive], bundle, jobs=1).to_dict()
    overall = data["bundle"]["overall"]
    # r2 sarcasm, r3 all caps: held; r4 legal (attorney), r5 comms (public, reporter): escalated
    assert (data["rows"], data["replayed"], overall["holds"], overall["sends"], overall["escalated"]) == (6, 6, 2, 4, 2)
    assert {g: v["count"] for g, v in overall["guards"].items()} == {"sarcasm": 1, "all_caps": 1}
    assert {t: v["count"] for t, v in overall["teams"].items()} == {"legal": 1, "comms": 1}
    assert overall["hold_rate"] == 2 / 6
    assert {r: v["count"] for r, v in overall["replies"].items()} == {"private": 4, "public": 1, "private.1": 1}
    email = data["bundle"]["channels"]["email"]
    assert (email["rows"], email["holds"], email["escalated"]) == (4, 1, 1)
    assert data["bundle"]["intents"]["billing.duplicate_charge"]["rows"] == 6
    assert "against" not in data


def test_bad_rows_are_counted_per_reason_with_their_row_numbers(tmp_path, bundle):
    lines = [json.dumps(ARCHIVE[0]).encode(),
             b'{"intent": "billing.duplicate_charge", "channel": ',  # not JSON
             b'{"intent": "billing.duplicate_charge", "channel": "email", "message": "caf\xe9"}',  # not UTF-8
             json.dumps({"intent": "billing.duplicate_charge", "channel": "email"}).encode(),  # no message
             json.dumps(dict(ARCHIVE[0], intent="billing.nope")).encode(),
             json.dumps(dict(ARCHIVE[0], slots={"case_reference": "lowercase-1"})).encode(),  # fails its pattern
             json.dumps(dict(ARCHIVE[0], contact_count=[3])).encode(),  # a wrong type
             json.dumps(dict(ARCHIVE[0], channel="carrier pigeon")).encode(),
             json.dumps(dict(ARCHIVE[0], id=None)).encode()]  # an archive row needs no id
    path = tmp_path / "dirty.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    data = replay([path], bundle, jobs=1).to_dict()
    reasons = {r: [x["row"] for x in v["rows"]] for r, v in data["bad"]["reasons"].items()}
    assert reasons == {"not_json": [2], "invalid_utf8": [3], "missing_field": [4], "unknown_intent": [5],
                       "invalid_slots": [6], "wrong_type": [7], "invalid_context": [8]}
    assert (data["rows"], data["replayed"], data["bad"]["total"]) == (9, 2, 7)


def test_against_counts_what_changes_by_kind_and_intent_with_bounded_samples(tmp_path, bundle, without_sarcasm):
    sarcastic = [dict(ARCHIVE[1], id=f"s{i}", message=f"Thanks a lot, charged twice ({i})") for i in range(8)]
    path = write_jsonl(tmp_path / "a.jsonl", ARCHIVE + sarcastic)
    data = replay([path], bundle, against=without_sarcasm, jobs=1).to_dict()
    against = data["against"]
    assert against["changed"] == 9  # r2 and the eight sarcastic rows
    assert against["kinds"] == {"guard sarcasm no longer holds": 9, "sends": 9}
    assert against["kinds_by_intent"][0] == {"kind": "guard sarcasm no longer holds", "intent": "billing.duplicate_charge", "rows": 9}
    assert against["holds_delta"] == -9 and against["teams_delta"] == {}
    samples = against["samples"]["sends"]
    assert len(samples) == SAMPLES
    assert [s["row"] for s in samples] == [2, 7, 8, 9, 10]  # the first rows, whatever order chunks finish in
    assert samples[0]["a"]["guards"] == ["sarcasm"] and samples[0]["b"]["send_as_written"] is True
    md = render_replay(replay([path], bundle, against=without_sarcasm, jobs=1), "markdown")
    assert "This change sends 9 more drafts (−64.3%)" in md
    assert "| guard sarcasm no longer holds | 9 |" in md and "<details><summary>sends: 5 samples</summary>" in md


def test_a_row_the_other_bundle_refuses_is_a_difference(archive, bundle):
    other = _bytes(make_bundle([duplicate_charge(intent="billing.double_charge")], revision="sha256:" + "ef" * 32))
    data = replay([archive], bundle, against=other, jobs=1).to_dict()
    assert data["against"]["kinds"] == {"refused by the other bundle (unknown_intent)": 6}


def test_chunks_know_their_first_row_and_stream_the_file_in_pieces(tmp_path, bundle):
    rows = [dict(ARCHIVE[0], id=f"r{i}") for i in range(500)]
    rows[333] = {"intent": "billing.duplicate_charge", "channel": "email"}
    path = write_jsonl(tmp_path / "big.jsonl", rows)
    chunks = plan([path], chunk_bytes=2048)
    assert len(chunks) > 10
    assert sum(c.rows for c in chunks) == 500
    assert [c.first_row for c in chunks] == [1] + [sum(c.rows for c in chunks[:i]) + 1 for i in range(1, len(chunks))]
    data = replay([path], bundle, jobs=1, chunk_bytes=2048).to_dict()
    assert data["bad"]["reasons"]["missing_field"]["rows"][0]["row"] == 334
    assert data["replayed"] == 499


def test_parquet_counts_as_json_lines(tmp_path, archive, bundle):
    import pyarrow as pa
    import pyarrow.parquet as pq

    keys = ["id", "intent", "channel", "contact_count", "context", "message", "slots"]
    pq.write_table(pa.Table.from_pylist([{k: r.get(k) for k in keys} for r in ARCHIVE]), tmp_path / "a.parquet",
                   row_group_size=4)
    from_parquet = replay([tmp_path / "a.parquet"], bundle, jobs=1).to_dict()
    from_jsonl = replay([archive], bundle, jobs=1).to_dict()
    assert from_parquet.pop("files") != from_jsonl.pop("files")
    assert from_parquet == from_jsonl


def _parquet(path: Path, rows: list[dict], **options) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    keys = ["id", "intent", "channel", "contact_count", "context", "message", "slots"]
    pq.write_table(pa.Table.from_pylist([{k: r.get(k) for k in keys} for r in rows]), path, **options)
    return path


def test_row_groups_are_cut_into_runs_of_batches_that_keep_their_row_numbers(tmp_path, bundle, monkeypatch):
    from tactful.evaluation import replay as module

    monkeypatch.setattr(module, "BATCH_ROWS", 4)  # chunks then skip whole batches of their row group
    rows = [dict(ARCHIVE[i % len(ARCHIVE)], id=f"g{i}") for i in range(100)]
    rows[57] = dict(rows[57], intent="nope.nope")
    path = _parquet(tmp_path / "g.parquet", rows, row_group_size=40)
    chunks = plan([path], chunk_rows=12)
    assert [(c.start, c.skip, c.rows) for c in chunks] == [
        (0, 0, 12), (0, 12, 12), (0, 24, 12), (0, 36, 4), (1, 0, 12), (1, 12, 12), (1, 24, 12), (1, 36, 4),
        (2, 0, 12), (2, 12, 8)]
    assert [c.first_row for c in chunks] == [1] + [sum(c.rows for c in chunks[:i]) + 1 for i in range(1, len(chunks))]
    cut = replay([path], bundle, jobs=1, chunk_rows=12).to_dict()
    whole = replay([path], bundle, jobs=1, chunk_rows=100).to_dict()
    assert cut == whole
    assert cut["rows"] == 100 and cut["bad"]["reasons"]["unknown_intent"]["rows"][0]["row"] == 58
    jsonl = replay([write_jsonl(tmp_path / "g.jsonl", rows)], bundle, jobs=1).to_dict()
    assert (cut["bundle"], cut["replayed"], cut["bad"]["total"]) == (jsonl["bundle"], jsonl["replayed"], jsonl["bad"]["total"])


def test_every_worker_gets_several_chunks_of_one_big_row_group(tmp_path, monkeypatch):
    from tactful.evaluation import replay as module

    monkeypatch.setattr(module, "BATCH_ROWS", 4)
    monkeypatch.setattr(module, "CHUNK_ROWS", 32)
    path = _parquet(tmp_path / "one.parquet", [dict(ARCHIVE[0], id=f"o{i}") for i in range(100)], row_group_size=100)
    assert [c.rows for c in plan([path])] == [32, 32, 32, 4]  # the largest chunk, alone
    assert [c.rows for c in plan([path], pieces=8)] == [16] * 6 + [4]  # whole batches, at least 8 chunks' worth


def test_parquet_structs_with_absent_fields_and_other_columns_count_as_json_lines(tmp_path, bundle):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [dict(ARCHIVE[0], id="p1", context={"customer_name": "Ana"}),
            dict(ARCHIVE[0], id="p2", context={"visibility": "private", "customer_tier": "pro"}),
            dict(ARCHIVE[5], id="p3"),
            dict(ARCHIVE[0], id="p4", contact_count=0),  # a wrong value: a bad row either way
            dict(ARCHIVE[0], id="p5", slots={"amount": "$12.00"})]  # an absent case_reference takes its example
    context = pa.struct([("visibility", pa.string()), ("customer_name", pa.string()), ("customer_tier", pa.string())])
    schema = pa.schema([("id", pa.string()), ("intent", pa.string()), ("channel", pa.string()),
                        ("contact_count", pa.int64()), ("context", context), ("message", pa.string()),
                        ("slots", pa.struct([("case_reference", pa.string()), ("amount", pa.string())])),
                        ("transcript", pa.string())])  # an export's own column: never read
    table = pa.Table.from_pylist([dict(r, transcript="…" * 50) for r in rows], schema=schema)
    pq.write_table(table, tmp_path / "s.parquet")
    from_parquet = replay([tmp_path / "s.parquet"], bundle, jobs=1).to_dict()
    from_jsonl = replay([write_jsonl(tmp_path / "s.jsonl", rows)], bundle, jobs=1).to_dict()
    assert from_parquet["bundle"] == from_jsonl["bundle"]
    assert from_jsonl["bundle"]["overall"]["replies"]["private.1"]["count"] == 1  # p3: its third contact
    for data in (from_parquet, from_jsonl):
        assert (data["replayed"], data["bad"]["total"], data["bad"]["reasons"]["wrong_type"]["rows"][0]["row"]) == (4, 1, 4)


def test_progress_is_reported_after_each_chunk(tmp_path, bundle):
    path = write_jsonl(tmp_path / "p.jsonl", [dict(ARCHIVE[0], id=f"r{i}") for i in range(100)])
    seen = []
    replay([path], bundle, jobs=1, chunk_bytes=1024, on_progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 2 and seen[-1] == (100, 100)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_unreadable_or_truncated_archives_are_errors(tmp_path, bundle):
    path = tmp_path / "cut.jsonl"
    path.write_text(json.dumps(ARCHIVE[0]) + "\n" + json.dumps(ARCHIVE[1])[:30], encoding="utf-8")
    with pytest.raises(ReplayError, match="cut.jsonl: the file ends in the middle of a row"):
        replay([path], bundle, jobs=1)
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 nothing")
    with pytest.raises(ReplayError, match="bad.parquet"):
        replay([tmp_path / "bad.parquet"], bundle, jobs=1)
    with pytest.raises(ReplayError, match="no such file"):
        replay([tmp_path / "missing.jsonl"], bundle, jobs=1)


def test_pretty_and_json_formats(archive, bundle, without_sarcasm):
    report = replay([archive], bundle, against=without_sarcasm, jobs=1)
    text = render_replay(report, "pretty")
    assert "6 rows from 1 file: 6 replayed, 0 bad." in text
    assert "Held 2 (33.3%), sent 4 (66.7%), escalated 2 (33.3%)." in text
    for title in ("Guards", "Escalations", "Replies", "Intents", "Channels", "What changes"):
        assert title in text
    assert json.loads(render_replay(report, "json")) == report.to_dict()


# --- engines -----------------------------------------------------------------------------------------


@pytest.fixture
def mixed(tmp_path):
    """A JSON Lines and a Parquet archive with good and bad rows, cut into many chunks."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [dict(ARCHIVE[i % len(ARCHIVE)], id=f"m{i}") for i in range(120)]
    rows[17] = dict(rows[17], intent="nope.nope")
    jsonl = write_jsonl(tmp_path / "m.jsonl", rows)
    keys = ["id", "intent", "channel", "contact_count", "context", "message", "slots"]
    pq.write_table(pa.Table.from_pylist([{k: r.get(k) for k in keys} for r in rows[:60]]), tmp_path / "m.parquet",
                   row_group_size=16)
    return [jsonl, tmp_path / "m.parquet"]


def test_worker_processes_give_what_one_process_gives(mixed, bundle, without_sarcasm):
    one = replay(mixed, bundle, against=without_sarcasm, jobs=1, chunk_bytes=1500).to_dict()
    two = replay(mixed, bundle, against=without_sarcasm, jobs=2, chunk_bytes=1500).to_dict()
    assert one == two
    assert one["rows"] == 180 and one["bad"]["reasons"]["unknown_intent"]["rows"][0]["row"] == 18


@pytest.mark.slow
def test_ray_gives_what_the_embedded_engine_gives(mixed, bundle, without_sarcasm):
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'tactful[ray]')")
    embedded = replay(mixed, bundle, against=without_sarcasm, jobs=1, chunk_bytes=1500).to_dict()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        on_ray = replay(mixed, bundle, against=without_sarcasm, jobs=2, chunk_bytes=1500, engine="ray").to_dict()
    finally:
        ray.shutdown()
    assert on_ray == embedded


# --- the command -------------------------------------------------------------------------------------


def test_cli_markdown_quiet_and_exit_codes(tmp_path, archive, bundle, without_sarcasm):
    (tmp_path / "a.json").write_bytes(bundle)
    (tmp_path / "b.json").write_bytes(without_sarcasm)
    done = subprocess.run([sys.executable, "-m", "tactful", "replay", archive, "--bundle", tmp_path / "a.json",
                           "--against", tmp_path / "b.json", "--format", "markdown", "--jobs", "1"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("## tactful replay\n") and "This change sends 1 more draft" in done.stdout
    assert done.stderr == ""  # not a terminal: no progress bar
    (tmp_path / "cut.jsonl").write_text('{"intent": ', encoding="utf-8")
    failed = subprocess.run([sys.executable, "-m", "tactful", "replay", tmp_path / "cut.jsonl", "--bundle",
                             tmp_path / "a.json", "--quiet"], capture_output=True, text=True)
    assert failed.returncode == 2 and "cut.jsonl" in failed.stderr and "Traceback" not in failed.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_progress_bar_on_a_terminal_and_none_with_quiet(tmp_path, archive, bundle):
    import os
    import pty

    (tmp_path / "a.json").write_bytes(bundle)

    def stderr_on_a_terminal(*extra) -> bytes:
        master, slave = pty.openpty()
        done = subprocess.run([sys.executable, "-m", "tactful", "replay", archive, "--bundle", tmp_path / "a.json",
                               "--jobs", "1", "--format", "json", *extra], stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        seen = b""
        try:
            while chunk := os.read(master, 65536):
                seen += chunk
        except OSError:  # the terminal closed
            pass
        os.close(master)
        assert done.returncode == 0 and json.loads(done.stdout)["rows"] == 6
        return seen

    assert b"replaying" in stderr_on_a_terminal()
    assert stderr_on_a_terminal("--quiet") == b""


def test_cli_compiles_sources_through_the_cli_layer(tmp_path):
    from click.testing import CliRunner

    from tactful.cli import main

    shop = ROOT / "tests" / "runtime" / "fixtures" / "shop"
    rows = [{"intent": "shop.double_charge", "channel": "email", "message": "Charged twice, I want a refund"},
            {"intent": "shop.double_charge", "channel": "email", "contact_count": 3, "message": "Still charged twice."}]
    archive = write_jsonl(tmp_path / "shop.jsonl", rows)
    done = CliRunner().invoke(main, ["replay", str(archive), "--source", str(shop), "--jobs", "1", "--format", "json"])
    assert done.exit_code == 0, done.output
    overall = json.loads(done.stdout)["bundle"]["overall"]
    assert (overall["rows"], overall["holds"], overall["guards"]["third_contact"]["count"]) == (2, 1, 1)
