"""`tactful new` (a framework from the template, listed in the taxonomy) and `check --watch`."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from tactful import api
from tactful.authoring.scaffold import template
from tactful.authoring.watch import changes, watch
from tactful.source import SourceFile
from tactful.syntax.layout import format_source

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "cli"))
from cli_helpers import invoke  # noqa: E402

TOML = '''# Project settings.

[taxonomy]
# every intent the inbox routes
intents = [
  "billing.refund",  # the first one
  "orders.status",
]
'''


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    (tmp_path / "tactful.toml").write_text(TOML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_new_writes_a_framework_that_passes_check_strict_and_its_examples(project):
    r = invoke("new", "billing.price_increase", "--owner", "finance")
    assert r.exit_code == 0, r.stderr
    path = project / "frameworks" / "billing" / "price_increase.tact"
    assert "Created frameworks/billing/price_increase.tact; added to the taxonomy" in r.stderr
    text = path.read_text(encoding="utf-8")
    assert 'framework billing.price_increase "Price increase"\n  owner finance\n' in text
    (project / "tactful.toml").write_text(TOML.replace('  "billing.refund",  # the first one\n  "orders.status",\n', "")
                                          .replace("intents = [\n]", 'intents = ["billing.price_increase"]'),
                                          encoding="utf-8")  # only the new intent, so the check is about it
    result = api.check([project / "frameworks"])
    assert result.diagnostics == [], [d.message for d in result.diagnostics]
    test_run = invoke("test", project / "frameworks")
    assert test_run.exit_code == 0, test_run.stdout
    replies, examples = text.count("\n  reply "), text.count("\n  example ")
    assert replies == examples == 3


def test_new_adds_the_intent_after_its_family_keeping_comments_and_order(project):
    assert invoke("new", "billing.price_increase").exit_code == 0
    assert invoke("new", "pricing.new_plan").exit_code == 0
    assert (project / "tactful.toml").read_text(encoding="utf-8") == TOML.replace(
        '  "billing.refund",  # the first one\n', '  "billing.refund",  # the first one\n  "billing.price_increase",\n'
    ).replace('  "orders.status",\n', '  "orders.status",\n  "pricing.new_plan",\n')


def test_new_refuses_a_bad_intent_and_an_existing_file(project):
    bad = invoke("new", "Billing")
    assert bad.exit_code == 2 and "is not an intent id" in bad.stderr
    assert invoke("new", "billing.price_increase").exit_code == 0
    again = invoke("new", "billing.price_increase")
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert (project / "tactful.toml").read_text(encoding="utf-8").count("billing.price_increase") == 1


def test_the_template_is_formatted():
    text = template("billing.price_increase", "finance")
    assert not format_source(SourceFile("t.tact", text)).changed


FRAMEWORK = '''framework demo.x "X"
  owner support
  reply public
    next "Hello."
  reply private
    next "Hello."
'''


def test_changes_are_known_by_their_line_not_their_position(tmp_path):
    path = "frameworks/demo/x.tact"
    broken = FRAMEWORK.replace('"Hello."', '"Hello {nme}."', 1)
    before = api.check_sources({path: broken}, root=tmp_path, base="frameworks")
    moved = api.check_sources({path: "# a comment above\n\n" + broken}, root=tmp_path, base="frameworks")
    c = changes(before, moved)
    assert c.new == [] and c.fixed == []
    both = broken.replace('"Hello."', '"Hello {nme}."')
    after = api.check_sources({path: both}, root=tmp_path, base="frameworks")
    c = changes(before, after)
    assert [(d.code.code, d.span.line) for d in c.new] == [("T1201", 6)] and c.fixed == []
    c = changes(after, api.check_sources({path: FRAMEWORK}, root=tmp_path, base="frameworks"))
    assert c.new == [] and len(c.fixed) == 2


def _watch_and_save(folder: Path, save) -> list:
    """Watch `folder` (checking it with api.check) in a thread, wait for the first report, then call
    save(n) (n = 0, 1, …: vary the bytes so each write is a change) until a second report comes; the
    reports, each (result, changes)."""
    reports: list = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=([str(folder)], lambda: api.check([folder]),
                                                  lambda r, c: reports.append((r, c))),
                              kwargs={"stop_event": stop, "debounce_ms": 50}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not reports and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reports and reports[0][0].diagnostics == [], "no first check, or it found problems"
        saves = 0
        while len(reports) < 2 and time.monotonic() < deadline:
            # the watcher starts after the first check: save again until it has seen a save
            save(saves)
            saves += 1
            until = time.monotonic() + 1
            while len(reports) < 2 and time.monotonic() < until:
                time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    return reports


def test_watch_checks_again_on_save(tmp_path):
    (tmp_path / "tactful.toml").write_text("", encoding="utf-8")
    folder = tmp_path / "frameworks"
    (folder / "demo").mkdir(parents=True)
    file = folder / "demo" / "x.tact"
    file.write_text(FRAMEWORK, encoding="utf-8")
    broken = FRAMEWORK.replace('"Hello."', '"Hello {nme}."', 1)
    reports = _watch_and_save(folder, lambda n: file.write_text(broken + "\n" * (n % 2), encoding="utf-8"))
    assert reports[0][1] is None
    assert len(reports) >= 2, "no check after the save"
    assert [d.code.code for d in reports[1][1].new] == ["T1201"]


SCORER = '''scorer farewell_words "Sounds like a farewell."
  weights "../shared/farewell.json"

signal farewell "A farewell."
  when message scores at least 0.6 on farewell_words
'''
WEIGHTS = '{"tactful_scorer": 1, "unit": 16, "bias": -32, "weights": {"goodbye": 24}}'


def test_a_check_reports_the_weights_files_its_scorers_read(tmp_path):
    (tmp_path / "tactful.toml").write_text("", encoding="utf-8")
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "frameworks" / "words.tact").write_text(SCORER, encoding="utf-8")
    (tmp_path / "shared" / "farewell.json").write_text(WEIGHTS, encoding="utf-8")
    result = api.check([tmp_path / "frameworks"])
    assert [p.resolve() for p in result.inputs] == [(tmp_path / "shared" / "farewell.json").resolve()]
    assert api.check([Path(__file__).parent]).inputs == ()  # no scorer of its own: the stdlib's are not listed


def test_watch_checks_again_when_a_weights_file_outside_the_watched_folder_is_saved(tmp_path):
    (tmp_path / "tactful.toml").write_text("", encoding="utf-8")
    folder, shared = tmp_path / "frameworks", tmp_path / "shared"
    folder.mkdir()
    shared.mkdir()
    (folder / "words.tact").write_text(SCORER, encoding="utf-8")
    weights = shared / "farewell.json"
    weights.write_text(WEIGHTS, encoding="utf-8")
    bad = '{"tactful_scorer": 1, "unit": 16, "bias": "low", "weights": {}}'
    reports = _watch_and_save(folder, lambda n: weights.write_text(bad + " " * (n % 2), encoding="utf-8"))
    assert len(reports) >= 2, "no check after the weights file was saved"
    assert [d.code.code for d in reports[1][1].new] == ["T1118"]
