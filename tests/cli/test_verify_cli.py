"""`tactful verify`: exit codes (0 ok or warn, 1 block, 2 usage or input), the two formats, stdin, and
the project's [verify] table (which codes block), read from tactful.toml."""

from __future__ import annotations

import json

import pytest
from cli_helpers import assert_no_traceback, invoke, project

REFUND = '''framework demo.refund "Refund"
  owner finance
  slot case_reference required private
    pattern /[A-Z]{3}-[0-9]{4,}/
    example "BIL-20931"
  slot amount money private
    example "$49.00"
  reply public
    acknowledge "A refund that hasn't arrived is worrying, and we want it with you."
    next "Send us a private message with your case reference so finance can check it."
  reply private
    acknowledge "A refund that hasn't arrived is worrying."
    restate "Your refund[ of {amount}] has not reached you yet."
    next "I've asked finance to trace case {case_reference}; you'll hear from them within two business days."
'''
DRAFT = ("A refund that hasn't arrived is worrying. Your refund of $49.00 has not reached you yet. "
         "I've asked finance to trace case BIL-20931; you'll hear from them within two business days.")
SLOTS = ["--slot", "case_reference=BIL-20931", "--slot", "amount=$49.00"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The project, built once: most tests read its bundle (compiling costs more than verifying)."""
    root = project(tmp_path_factory.mktemp("built") / "refund", {"refund.tact": REFUND})
    assert invoke("build", root, "--out", root / "out").exit_code == 0
    return root


@pytest.fixture
def refund(tmp_path):
    return project(tmp_path / "refund", {"refund.tact": REFUND})


def verify(root, text, *more, source=False):
    path = root / "reply.txt"
    path.write_text(text + "\n", encoding="utf-8")
    given = ["--source", root] if source else ["--bundle", root / "out" / "bundle.json"]
    return invoke("verify", "demo.refund", "--text", path, *given, *SLOTS, "--channel", "email", *more)


def test_the_draft_verifies_ok(built):
    r = verify(built, DRAFT, source=True)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("OK:")
    assert "without --message, the framework's guards and escalations were not run" in r.stderr
    assert "note:" not in verify(built, DRAFT, "--message", "Where is my refund?").stderr


def test_a_changed_amount_blocks_with_exit_1(built):
    r = verify(built, DRAFT.replace("$49.00", "$94.00"))
    assert r.exit_code == 1
    assert "block[V112] fact-changed" in r.stdout and "“$94.00”" in r.stdout and "write $49.00" in r.stdout


def test_a_style_warning_exits_0_and_1_under_strict(built):
    text = "Sorry for the inconvenience. " + DRAFT
    assert verify(built, text).exit_code == 0
    assert verify(built, text, "--strict").exit_code == 1


def test_json_has_the_verdict_and_spans(built):
    r = verify(built, "Hi [NAME]. " + DRAFT, "--format", "json")
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    assert out["verdict"] == "block"
    assert [(f["code"], f["span"]["text"]) for f in out["findings"]] == [("V130", "[NAME]")]


def test_the_text_from_stdin_on_a_public_channel(built):
    public = ("A refund that hasn't arrived is worrying, and we want it with you. Send us a private message "
              "with your case reference so finance can check it. Or mail dana@example.com.")
    r = invoke("verify", "demo.refund", "--text", "-", "--bundle", built / "out" / "bundle.json", *SLOTS, "--channel", "x",
               "--visibility", "public", "--format", "json", input=public)
    assert r.exit_code == 1
    assert [f["code"] for f in json.loads(r.stdout)["findings"]] == ["V121"]


def test_the_projects_verify_table_sets_what_blocks(built, tmp_path, monkeypatch):
    (tmp_path / "tactful.toml").write_text('[verify]\nhouse-style = "block"\nV112 = "off"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # with --bundle, the project is the current folder's
    assert verify(built, "Sorry for the inconvenience. " + DRAFT).exit_code == 1
    assert verify(built, DRAFT.replace("$49.00", "$94.00")).exit_code == 0


def test_with_sources_the_project_is_theirs(refund):
    (refund / "tactful.toml").write_text('[verify]\nhouse-style = "block"\n', encoding="utf-8")
    assert verify(refund, "Sorry for the inconvenience. " + DRAFT, source=True).exit_code == 1


def test_a_wrong_verify_table_is_an_input_error_and_a_check_error(refund):
    (refund / "tactful.toml").write_text('[verify]\nV999 = "block"\nV140 = "loud"\n', encoding="utf-8")
    r = verify(refund, DRAFT, source=True)
    assert r.exit_code == 2
    assert "`V999` is not a verify code" in r.stderr and "must be \"block\", \"warn\" or \"off\"" in r.stderr
    c = invoke("check", refund)
    assert c.exit_code == 1 and "V999" in c.stderr


@pytest.mark.parametrize("args, needle", [
    (["--channel", "email"], "either --bundle"),
    (["--source", "SRC"], "--channel"),
    (["--source", "SRC", "--channel", "email", "--slot", "amount"], "NAME=VALUE"),
])
def test_usage_errors_exit_2(built, args, needle):
    path = built / "reply.txt"
    path.write_text(DRAFT, encoding="utf-8")
    r = invoke("verify", "demo.refund", "--text", path, *[str(built) if a == "SRC" else a for a in args])
    assert r.exit_code == 2 and needle in r.stderr
    assert_no_traceback(r.stdout, r.stderr)


def test_bad_requests_and_unreadable_text_exit_2(built, tmp_path):
    bundle = built / "out" / "bundle.json"
    r = invoke("verify", "demo.refun", "--text", "-", "--bundle", bundle, "--channel", "email", input=DRAFT)
    assert r.exit_code == 2 and "did you mean `demo.refund`" in r.stderr
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    r = invoke("verify", "demo.refund", "--text", tmp_path / "latin1.txt", "--bundle", bundle, "--channel", "email")
    assert r.exit_code == 2 and "not UTF-8" in r.stderr
    r = invoke("verify", "demo.refund", "--text", tmp_path / "missing.txt", "--bundle", bundle, "--channel", "email")
    assert r.exit_code == 2 and "cannot read" in r.stderr
    assert_no_traceback(r.stdout, r.stderr)


def test_sources_with_errors_are_reported_and_exit_2(refund):
    (refund / "refund.tact").write_text(REFUND.replace("{case_reference}", "{case_ref}"), encoding="utf-8")
    r = verify(refund, DRAFT, source=True)
    assert r.exit_code == 2 and "T1201" in r.stderr
    assert_no_traceback(r.stdout, r.stderr)
