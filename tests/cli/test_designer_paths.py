"""A content designer's pull request, walked the way they run it: check a folder or a file, run the
examples while another file is still broken, filter the examples, read why an expectation failed."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_helpers import REPO, assert_no_traceback, invoke

QUICKSTART = REPO / "examples" / "quickstart"
BROKEN = """use stdlib.signals

framework delivery.lost_parcel "Lost parcel"
  owner nobody
"""
SECOND = """framework delivery.wrong_address "Wrong address"
  owner support
  reply private
    acknowledge "A parcel sent to the wrong address is a real worry."
    next "I've asked the carrier to redirect it today and will confirm here by this evening."
  reply public
    acknowledge "A parcel sent to the wrong address is a real worry."
    next "Send us a private message with your order number and we'll get it redirected today."
  example "redirect it"
    message "You sent my parcel to my old address"
    channel email
    expect reply private
  example "in public"
    message "Parcel went to the wrong house"
    channel x
    expect reply public
"""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The getting-started project, with a second intent in the taxonomy and its framework."""
    root = shutil.copytree(QUICKSTART, tmp_path / "shop")
    toml = root / "tactful.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        '  "delivery.late_order",\n', '  "delivery.late_order",\n  "delivery.wrong_address",\n'),
        encoding="utf-8")
    (root / "frameworks" / "addresses").mkdir()
    (root / "frameworks" / "addresses" / "wrong_address.tact").write_text(SECOND, encoding="utf-8")
    return root


def codes(result) -> list[str]:
    return [line.split("]")[0].split("[")[-1] for line in result.stderr.splitlines() if "[T" in line]


def test_checking_the_whole_library_reports_an_intent_without_framework(shop):
    toml = shop / "tactful.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"delivery.wrong_address",\n', '"delivery.wrong_address",\n  "delivery.lost_parcel",\n'), encoding="utf-8")
    r = invoke("check", "--format", "compact", shop / "frameworks")
    assert r.exit_code == 1, r.output
    assert "intent `delivery.lost_parcel` has no framework" in r.stderr
    assert codes(r) == ["T1702"]


@pytest.mark.parametrize("part", ["frameworks/addresses", "frameworks/addresses/wrong_address.tact", "frameworks/delivery"])
def test_a_subfolder_or_a_file_is_checked_on_its_own_merits(shop, part):
    r = invoke("check", "--strict", "--format", "compact", shop / part)
    assert r.exit_code == 0, r.output
    assert "T1702" not in r.stderr


def test_an_empty_subfolder_is_no_error(shop):
    (shop / "frameworks" / "empty").mkdir()
    r = invoke("check", shop / "frameworks" / "empty")
    assert r.exit_code == 0, r.output
    assert "T1702" not in r.stderr


def test_examples_of_the_files_that_compile_run_while_another_is_broken(shop):
    (shop / "frameworks" / "delivery" / "lost_parcel.tact").write_text(BROKEN, encoding="utf-8")
    r = invoke("test", shop / "frameworks")
    assert_no_traceback(r.stdout, r.stderr)
    assert r.exit_code == 1
    assert "ERROR frameworks/delivery/lost_parcel.tact: does not compile (4 errors)" in r.stdout
    assert "[T1107]" not in r.stdout, "the errors are `tactful check`'s to print"
    assert "PASS  delivery.wrong_address: redirect it" in r.stdout
    assert "PASS  delivery.late_order: third time asking" in r.stdout
    assert "6 examples: 6 passed, 0 failed." in r.stdout and "1 file did not compile" in r.stdout


def test_an_intent_without_framework_does_not_stop_the_examples(shop):
    toml = shop / "tactful.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"delivery.wrong_address",\n', '"delivery.wrong_address",\n  "delivery.lost_parcel",\n'), encoding="utf-8")
    r = invoke("test", "--quiet", shop / "frameworks")
    assert r.exit_code == 1
    assert "ERROR tactful.toml: does not compile" in r.stdout
    assert "6 examples: 6 passed, 0 failed." in r.stdout


def test_junit_is_valid_with_an_error_case_per_broken_file(shop):
    (shop / "frameworks" / "delivery" / "lost_parcel.tact").write_text(BROKEN, encoding="utf-8")
    (shop / "frameworks" / "addresses" / "typo.tact").write_text("framework delivery.typo\n  ownr support\n", encoding="utf-8")
    r = invoke("test", "--format", "junit", shop / "frameworks")
    assert r.exit_code == 1
    suites = {s.get("name"): s for s in ET.fromstring(r.stdout).iter("testsuite")}
    sources = suites["tactful sources"]
    assert sources.get("errors") == "2"
    broken = {c.get("name"): c.find("error") for c in sources.iter("testcase")}
    assert set(broken) == {"frameworks/delivery/lost_parcel.tact", "frameworks/addresses/typo.tact"}
    assert "T1303" in broken["frameworks/delivery/lost_parcel.tact"].get("message")
    assert "`nobody` is not a team [T1107]" in broken["frameworks/delivery/lost_parcel.tact"].text
    assert len(list(suites["tactful examples"].iter("testcase"))) == 6


def test_junit_can_be_written_beside_the_report(shop, tmp_path):
    (shop / "frameworks" / "delivery" / "lost_parcel.tact").write_text(BROKEN, encoding="utf-8")
    r = invoke("test", "--quiet", "--junit", tmp_path / "reports" / "junit.xml", shop / "frameworks")
    assert r.exit_code == 1 and "ERROR frameworks/delivery/lost_parcel.tact" in r.stdout
    cases = ET.parse(tmp_path / "reports" / "junit.xml").getroot().iter("testcase")
    assert len([c for c in cases if c.find("error") is not None]) == 1


def test_junit_is_valid_when_nothing_compiles(shop):
    (shop / "tactful.toml").write_text("[taxonomy\n", encoding="utf-8")
    r = invoke("test", "--format", "junit", shop / "frameworks")
    assert r.exit_code == 1
    cases = list(ET.fromstring(r.stdout).iter("testcase"))
    assert [c.get("name") for c in cases] == ["tactful.toml"]
    assert cases[0].find("error") is not None


def test_quiet_prints_failures_and_the_summary_only(shop):
    r = invoke("test", "--quiet", shop / "frameworks")
    assert r.exit_code == 0, r.output
    assert "PASS" not in r.stdout
    assert r.stdout.splitlines()[0].startswith("6 examples: 6 passed, 0 failed.")


def test_intent_and_keyword_select_examples(shop):
    r = invoke("test", "--intent", "delivery.wrong_*", shop / "frameworks")
    assert r.exit_code == 0, r.output
    assert "2 examples: 2 passed" in r.stdout and "late_order" not in r.stdout
    assert "0 signal examples" in r.stdout and "exercised" not in r.stdout
    r = invoke("test", "-k", "PUBLIC", shop / "frameworks")
    assert r.exit_code == 0, r.output
    ran = [line for line in r.stdout.splitlines() if line.startswith("PASS")]
    assert ran == [
        "PASS  delivery.late_order: late order, in public  (frameworks/delivery/late_order.tact:45)",
        "PASS  delivery.wrong_address: in public  (frameworks/addresses/wrong_address.tact:13)",
    ]


def test_a_failed_expectation_says_which_signal_did_not_fire_and_why(shop):
    file = shop / "frameworks" / "addresses" / "wrong_address.tact"
    file.write_text(SECOND.replace("    expect reply private\n", "    expect reply private\n    expect guard all_caps\n"
                                   "    expect escalate comms\n"), encoding="utf-8")
    r = invoke("test", "--quiet", shop / "frameworks")
    assert r.exit_code == 1
    out = r.stdout
    assert "expected guard `all_caps` to hold" in out
    assert "guard `all_caps` did not hold: when all_caps" in out
    assert "✗ signal all_caps" in out  # the trace's own wording (tactful draft --explain)
    assert "✗ caps_ratio >= 0.7 (caps_ratio = 0.0345)" in out
    assert "escalation to `comms` (`press_mention`) did not hold: when press_mention" in out
    assert "none found" in out
