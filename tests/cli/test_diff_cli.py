"""`tactful diff OLD NEW`: each side a folder, a built bundle.json or a git revision (read with git
show, no checkout); formats; --fail-on; errors exit 2 without a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from cli_helpers import assert_no_traceback, invoke, project

OLD = '''framework demo.refund "Refund"
  owner finance
  slot case_reference required private
    pattern /[A-Z]{3}-[0-9]{4,}/
    example "BIL-20931"
  guard message mentions "overdraft" as hardship "Hardship: write it yourself."
  escalate finance when message mentions "chargeback" as bank_dispute
  reply public
    acknowledge "A refund that hasn't arrived is worrying."
    next "Send us a private message with your case reference so finance can check it."
  reply private
    acknowledge "A refund that hasn't arrived is worrying."
    next "I've asked finance to trace case {case_reference}; you'll hear from them within two business days."
'''
NEW = (OLD.replace('  slot case_reference required private\n', '  slot case_reference required\n')
          .replace('  guard message mentions "overdraft" as hardship "Hardship: write it yourself."\n', '')
          .replace('within two business days', 'by Friday'))


@pytest.fixture
def sides(tmp_path):
    return (project(tmp_path / "old", {"frameworks/refund.tact": OLD}), project(tmp_path / "new", {"frameworks/refund.tact": NEW}))


def test_two_folders_in_pretty(sides):
    old, new = sides
    r = invoke("diff", old / "frameworks", new / "frameworks")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "demo.refund" in out and "2 high, 0 medium, 1 low" in out
    assert "slot `case_reference` is now public (was private)  [public-slot]" in out
    assert "removed guard `hardship`  [removed-guard]" in out
    assert "[-within two business days.-] {+by Friday.+}" in out


def test_fail_on_exits_1_for_the_kinds_named(sides):
    old, new = sides
    r = invoke("diff", old / "frameworks", new / "frameworks", "--fail-on", "removed-guard,removed-escalation,public-slot")
    assert r.exit_code == 1 and "public-slot, removed-guard" in r.stderr
    assert invoke("diff", old / "frameworks", new / "frameworks", "--fail-on", "removed-escalation").exit_code == 0
    assert invoke("diff", old / "frameworks", new / "frameworks", "--fail-on", "high").exit_code == 1


def test_an_unknown_fail_on_kind_is_a_usage_error(sides):
    old, new = sides
    r = invoke("diff", old, new, "--fail-on", "removed-gaurd")
    assert r.exit_code == 2 and "unknown change kind removed-gaurd" in r.stderr


def test_markdown_and_json(sides):
    old, new = sides
    md = invoke("diff", old / "frameworks", new / "frameworks", "--format", "markdown").stdout
    assert md.index("### Needs a careful review") < md.index("### Other changes")
    out = json.loads(invoke("diff", old / "frameworks", new / "frameworks", "--format", "json").stdout)
    assert out["counts"] == {"changed-reply": 1, "public-slot": 1, "removed-guard": 1}


def test_a_built_bundle_against_a_folder(sides, tmp_path):
    old, new = sides
    assert invoke("build", old / "frameworks", "--out", tmp_path / "out").exit_code == 0
    r = invoke("diff", tmp_path / "out" / "bundle.json", new / "frameworks", "--format", "json")
    assert r.exit_code == 0 and len(json.loads(r.stdout)["changes"]) == 3


def test_a_side_that_does_not_compile_exits_2_with_its_errors(sides):
    old, new = sides
    (new / "frameworks" / "refund.tact").write_text(NEW.replace("{case_reference}", "{case_ref}"), encoding="utf-8")
    r = invoke("diff", old / "frameworks", new / "frameworks")
    assert r.exit_code == 2 and "T1201" in r.stderr and "does not compile" in r.stderr
    assert_no_traceback(r.stdout, r.stderr)


def test_a_side_that_is_nothing_exits_2(sides, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not a git repository
    r = invoke("diff", "no-such-thing", sides[1])
    assert r.exit_code == 2 and "no-such-thing is neither a folder nor a file" in r.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_two_git_revisions_without_a_checkout(tmp_path, monkeypatch):
    repo = project(tmp_path / "repo", {"frameworks/refund.tact": OLD})

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo,
                              capture_output=True, text=True, check=True)
        return done.stdout

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "old")
    (repo / "frameworks" / "refund.tact").write_text(NEW, encoding="utf-8")
    git("commit", "-qam", "new")
    (repo / "frameworks" / "refund.tact").write_text("this is not tactful\n", encoding="utf-8")  # the work tree is not read
    monkeypatch.chdir(repo)
    r = invoke("diff", "HEAD~1", "HEAD", "--format", "json", "--fail-on", "public-slot")
    assert r.exit_code == 1, r.output
    out = json.loads(r.stdout)
    assert (out["old"], out["new"]) == ("HEAD~1", "HEAD")
    assert out["counts"] == {"changed-reply": 1, "public-slot": 1, "removed-guard": 1}
    assert git("status", "--porcelain").strip() == "M frameworks/refund.tact"  # nothing checked out or written
    r = invoke("diff", "HEAD~1", "HEAD", "--path", "elsewhere")
    assert r.exit_code == 2 and "no .tact files under elsewhere" in r.stderr


def test_a_built_bundle_against_a_folder_does_not_count_the_examples_it_does_not_carry(tmp_path):
    """bundle.json leaves the frameworks' examples out (they are in conformance.json): against a
    folder, examples are not compared, so none shows up as added."""
    example = ('  example "a refund question"\n    message "Where is my refund?"\n    channel email\n'
               '    slots case_reference "BIL-20931"\n    expect reply private\n')
    old = project(tmp_path / "old", {"frameworks/refund.tact": OLD + example})
    new = project(tmp_path / "new", {"frameworks/refund.tact": NEW + example})
    assert invoke("build", old / "frameworks", "--out", tmp_path / "out").exit_code == 0
    r = invoke("diff", tmp_path / "out" / "bundle.json", new / "frameworks", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["counts"] == {"changed-reply": 1, "public-slot": 1, "removed-guard": 1}
    both = json.loads(invoke("diff", old / "frameworks", new / "frameworks", "--format", "json").stdout)
    assert both["counts"] == {"changed-reply": 1, "public-slot": 1, "removed-guard": 1}
    without = project(tmp_path / "without", {"frameworks/refund.tact": NEW})
    removed = json.loads(invoke("diff", old / "frameworks", without / "frameworks", "--format", "json").stdout)
    assert removed["counts"].get("removed-example") == 1  # two folders still compare their examples
