"""The language server's model of a project (authoring/project.py) and api.check_sources: a file
checked from memory in its project's context reports what `tactful check` reports for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tactful import api
from tactful.authoring.project import Project

REPO = Path(__file__).resolve().parents[2]

SIGNALS = '''signal angry "Angry."
  when message mentions "furious"
  fires "I am furious"
  quiet "I am fine"
'''
REFUND = '''use shared.signals
use stdlib.phrases

framework demo.refund "Refund"
  owner finance
  slot amount money private
    example "$5.00"
  guard angry "Angry: write it yourself."
  reply private
    acknowledge pick validation
    next "We'll refund {amount or 'the payment'} today."
  reply public
    next "Send us a private message."
'''
OTHER = '''framework demo.other "Other"
  owner support
  reply private
    next "Done."
  reply public
    next "Done."
'''
TEAMS = 'team billing_ops "Billing operations."\n'

BROKEN = {
    "a misspelt slot": lambda t: t.replace("{amount or", "{amont or"),
    "a signal no longer imported": lambda t: t.replace("use shared.signals\n", ""),
    "a duplicate intent": lambda t: t.replace("demo.refund", "demo.other"),
    "an unknown team": lambda t: t.replace("owner finance", "owner finanse"),
    "a syntax error": lambda t: t.replace("owner finance", "owner finance finance"),
}


@pytest.fixture
def files() -> dict[str, str]:
    return {"frameworks/shared/signals.tact": SIGNALS, "frameworks/demo/refund.tact": REFUND,
            "frameworks/demo/other.tact": OTHER, "frameworks/teams.tact": TEAMS}


@pytest.fixture
def root(tmp_path, files) -> Path:
    (tmp_path / "tactful.toml").write_text("", encoding="utf-8")
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


def _key(diagnostics, path):
    return [(d.code, d.message, d.hint, d.span) for d in diagnostics if d.span.file == path]


def test_check_sources_reports_what_check_reports_on_disk(root, files):
    on_disk = api.check([root / "frameworks"])
    in_memory = api.check_sources(files, root=root, base="frameworks")
    assert [(d.code, d.span) for d in in_memory.diagnostics] == [(d.code, d.span) for d in on_disk.diagnostics]
    assert in_memory.frameworks == on_disk.frameworks == 2
    broken = dict(files, **{"frameworks/demo/refund.tact": REFUND.replace("{amount or", "{amont or")})
    found = api.check_sources(broken, root=root, base="frameworks")
    assert [d.code.code for d in found.diagnostics] == ["T1201"]
    assert found.diagnostics[0].span.file == "frameworks/demo/refund.tact"


@pytest.mark.parametrize("change", BROKEN, ids=list(BROKEN))
def test_an_edited_file_gets_the_diagnostics_check_gives_it(root, files, change):
    path = "frameworks/demo/refund.tact"
    project = Project(root)
    assert project.analyse(path).diagnostics == []
    edited = BROKEN[change](REFUND)
    assert edited != REFUND
    project.change(path, edited)
    got = project.analyse(path).diagnostics
    expected = api.check_sources(dict(files, **{path: edited}), root=root, base="frameworks").diagnostics
    assert got, "the change breaks the file"
    assert _key(got, path) == _key(expected, path)


def test_closing_a_file_goes_back_to_the_saved_text(root):
    path = "frameworks/demo/refund.tact"
    project = Project(root)
    project.open(path, REFUND.replace("{amount or", "{amont or"))
    assert [d.code.code for d in project.analyse(path).diagnostics] == ["T1201"]
    project.close(path)
    assert project.analyse(path).diagnostics == []


def test_a_change_in_an_imported_file_reaches_the_files_that_use_it(root):
    project = Project(root)
    path = "frameworks/demo/refund.tact"
    assert project.analyse(path).diagnostics == []
    project.open("frameworks/shared/signals.tact", SIGNALS.replace("signal angry", "signal cross"))
    assert [d.code.code for d in project.analyse(path).diagnostics] == ["T1102", "T1104"]  # unused, unknown


def test_teams_declared_in_any_file_of_the_project_are_known(root):
    project = Project(root)
    path = "frameworks/demo/refund.tact"
    project.change(path, REFUND.replace("owner finance", "owner billing_ops"))
    assert project.analyse(path).diagnostics == []
    project.change(path, REFUND.replace("owner finance", "owner billing_opps"))
    assert [d.hint for d in project.analyse(path).diagnostics] == ["did you mean `billing_ops`?"]


def test_the_shipped_library_checks_clean_file_by_file():
    project = Project(REPO)
    for path in ("frameworks/billing/duplicate_charge.tact", "<stdlib>/signals.tact"):
        assert project.analyse(path).diagnostics == [], path
