"""From sources to drafts, as users run it: `tactful build`, `draft`, `test`, conformance.json."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tactful import api
from tactful.emit.conformance import conformance
from tactful.runtime import Library, load_library

HERE = Path(__file__).parent
SHOP = HERE / "fixtures" / "shop"
FAILING = HERE / "fixtures" / "failing"
FRAMEWORKS = HERE.parent.parent / "frameworks"


def tactful(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tactful", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def shop_bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("shop")
    done = tactful("build", SHOP, "--out", out)
    assert done.returncode == 0, done.stderr
    return out / "bundle.json"


@pytest.fixture(scope="module")
def shop(shop_bundle) -> Library:
    return load_library(shop_bundle)


# --- the library on a compiled bundle ---------------------------------------------------------------


def test_a_compiled_framework_drafts(shop):
    d = shop.draft("shop.double_charge", {"case_reference": "BIL-20931", "amount": "$49.00", "order_id": "A-1"},
                   {"message": "I want a refund please", "channel": "email", "seed": "conv-1"})
    assert d.reply.id == "private.wants_refund" and d.reply.when == "wants_refund"
    assert [m.kind for m in d.moves] == ["acknowledge", "restate", "next"]
    assert d.moves[1].text == "You were charged $49.00 twice for order A-1, and you'd like the duplicate refunded."
    assert d.moves[0].text in {"That sounds really frustrating.", "I can see why that's a problem.", "I'd be annoyed too."}


def test_compiled_templates_and_the_runtime_agree(shop):
    """For replies without a pick, the draft's text is the compiled reply template, rendered."""
    from tactful.runtime.render import make_environment

    fw = shop.framework("shop.double_charge")
    slots = {"case_reference": "BIL-20931", "amount": "$49.00", "order_id": None}
    for channel, message in (("email", "hello"), ("x", "hello")):
        d = shop.draft(fw.intent, slots, {"message": message, "channel": channel})
        reply = next(r for r in fw.replies if r.id == d.reply.id)
        variables = {f.name: None for f in shop.bundle.fields} | slots | {"message": message, "channel": channel}
        variables["visibility"] = d.reply.visibility
        assert make_environment().from_string(reply.template).render(values=variables) == d.text


def test_a_compiled_optional_segment_and_fallbacks(shop):
    d = shop.draft("shop.double_charge", {"case_reference": "BIL-20931"},
                   {"message": "refund", "channel": "email", "seed": "s", "customer_name": "Dana"})
    assert "twice, and" in d.text and "for order" not in d.text
    assert "charged that amount twice" in d.text  # the fallback
    assert "None" not in d.text


def test_the_handoff_of_a_compiled_escalation(shop):
    d = shop.draft("shop.double_charge", {"case_reference": "BIL-20931"},
                   {"message": "this is a bank dispute now {{ 7*7 }}", "channel": "email"})
    assert d.escalations[0].team == "finance"
    assert d.escalations[0].handoff == (
        "Double charge of an unknown amount reported by the customer.\nIn their words: this is a bank dispute now {{ 7*7 }}")


def test_the_shipped_frameworks_load_and_draft():
    result = api.compile([FRAMEWORKS])
    if result.bundle is None:
        pytest.skip(f"frameworks/ does not compile right now ({result.errors} errors)")
    library = Library(result.bundle)
    from tactful.runtime.examples import run

    report = run(library)
    assert report.examples and not report.failed


# --- the command line ------------------------------------------------------------------------------


def test_draft_text_shows_the_hold_first(shop_bundle):
    done = tactful("draft", "shop.double_charge", "--bundle", shop_bundle, "--message", "THANKS A LOT FOR CHARGING ME TWICE AGAIN",
                   "--channel", "email", "--slot", "case_reference=BIL-20931", "--seed", "c")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "HOLD: do not send this draft as written."
    assert any("(sarcasm)" in line for line in lines[1:4])
    assert lines[-1].startswith("I can see the same payment twice")


def test_draft_json_has_the_documented_keys(shop_bundle):
    done = tactful("draft", "shop.double_charge", "--bundle", shop_bundle, "--message", "hi", "--channel", "x",
                   "--example-slots", "--format", "json")
    assert done.returncode == 0, done.stderr
    d = json.loads(done.stdout)
    assert list(d) == ["framework", "revision", "reply", "text", "moves", "send_as_written", "guards", "escalations", "tags", "owner"]
    assert d["reply"]["id"] == "public.default" and d["send_as_written"] is True


def test_example_slots_fill_what_is_not_given(shop_bundle):
    done = tactful("draft", "shop.double_charge", "--bundle", shop_bundle, "--message", "hello", "--channel", "email",
                   "--example-slots", "--slot", "case_reference=ZZZ-0001", "--format", "json")
    assert "case ZZZ-0001" in json.loads(done.stdout)["text"]


def test_draft_from_sources(tmp_path):
    done = tactful("draft", "shop.double_charge", "--source", SHOP, "--message", "hello", "--channel", "email",
                   "--slot", "case_reference=BIL-20931", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["reply"]["id"] == "private.default"


def test_draft_runtime_errors_exit_1(shop_bundle):
    done = tactful("draft", "shop.double_charge", "--bundle", shop_bundle, "--message", "hi", "--channel", "email")
    assert done.returncode == 1
    assert done.stderr == "error: `shop.double_charge` needs the required slot `case_reference`\n"
    done = tactful("draft", "shop.double_chrage", "--bundle", shop_bundle, "--message", "hi", "--channel", "email")
    assert done.returncode == 1 and "did you mean `shop.double_charge`?" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--message", "hi", "--channel", "email"],  # neither --bundle nor --source
        ["--message", "hi", "--channel", "email", "--slot", "no-equals-sign"],
        ["--channel", "email"],  # no --message
        ["--message", "hi", "--channel", "email", "--visibility", "secret"],
    ],
)
def test_draft_usage_errors_exit_2(shop_bundle, args):
    if "--slot" in args or "--visibility" in args:
        args = [*args, "--bundle", str(shop_bundle)]
    done = tactful("draft", "shop.double_charge", *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_draft_with_a_broken_bundle_says_why(tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text("{", encoding="utf-8")
    done = tactful("draft", "x.y", "--bundle", path, "--message", "hi", "--channel", "email")
    assert done.returncode == 2
    assert "is not valid JSON (line 1, column 2" in done.stderr


def test_test_passes_on_a_good_library():
    done = tactful("test", SHOP)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS  shop.double_charge: a refund request  (shop.tact:" in done.stdout
    assert "3 examples: 3 passed, 0 failed." in done.stdout


def test_test_reports_failures_with_their_lines():
    done = tactful("test", FAILING)
    assert done.returncode == 1
    out = done.stdout
    assert "FAIL  shop.wrong: expects the wrong things  (wrong.tact:21)" in out
    assert "wrong.tact:25: expected the draft to be sendable as written" in out
    assert "got held by `refund_word`" in out
    assert "wrong.tact:26: expected an escalation to `legal`" in out
    assert "wrong.tact:27: expected the text to contain 'refunded'" in out
    assert "wrong.tact:6: expected `refund_word` to fire on 'I was refunded' (fires); it stayed quiet" in out
    assert "PASS  shop.wrong: right expectations" in out
    assert "2 examples: 1 passed, 1 failed." in out
    coverage = out.splitlines()[-1]
    assert coverage.startswith("Not exercised by any example") and "reply shop.wrong public.default" in coverage


def test_test_junit_for_ci():
    done = tactful("test", FAILING, "--format", "junit")
    assert done.returncode == 1
    root = ET.fromstring(done.stdout)
    examples, signals = root.findall("testsuite")
    assert examples.get("tests") == "2" and examples.get("failures") == "1"
    failed = [c for c in examples.findall("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["expects the wrong things"]
    assert failed[0].get("file") == "wrong.tact" and failed[0].get("line") == "21"
    assert "wrong.tact:26: expected an escalation to `legal`" in failed[0].find("failure").text
    assert any(c.find("failure") is not None for c in signals.findall("testcase") if c.get("classname") == "signal.refund_word")


def test_test_with_compile_errors_exits_1(tmp_path):
    (tmp_path / "tactful.toml").write_text("", encoding="utf-8")
    (tmp_path / "bad.tact").write_text('framework a.b "x"\n  owner nobody_at_all\n', encoding="utf-8")
    done = tactful("test", tmp_path)
    assert done.returncode == 1
    assert "ERROR bad.tact: does not compile" in done.stdout
    assert "T1107" not in done.stdout + done.stderr, "tactful check prints the diagnostics, tactful test does not"


# --- conformance.json ------------------------------------------------------------------------------


def test_build_writes_conformance_json(shop_bundle):
    data = json.loads((shop_bundle.parent / "conformance.json").read_text(encoding="utf-8"))
    bundle = json.loads(shop_bundle.read_text(encoding="utf-8"))
    assert data["revision"] == bundle["revision"]
    assert [c["id"] for c in data["drafts"]] == [
        "shop.double_charge/a refund request", "shop.double_charge/a chargeback threat in public", "shop.double_charge/third contact"]
    assert {s["signal"] for s in data["signals"]} >= {"wants_refund", "legal_threat"}


def _expanded(library: Library, case: dict) -> dict:
    """A case's compact trace in the full form, from the bundle (as another runtime would read it)."""
    from tactful.runtime.trace import expand_trace

    req, draft = case["request"], case["expected"]["draft"]
    signals = {s.name: s for s in library.bundle.signals}
    return expand_trace(case["expected"]["trace"], library.framework(req["intent"]), signals, req["context"],
                        case["features"], draft["reply"], library.bundle.scorers)


def test_conformance_cases_replay_to_their_expected_output(shop_bundle):
    """What another runtime would do: load the bundle, replay every case, compare."""
    from tactful.runtime.features import compute
    from tactful.runtime.trace import compact_trace

    library = load_library(shop_bundle)
    data = json.loads((shop_bundle.parent / "conformance.json").read_text(encoding="utf-8"))
    for case in data["drafts"]:
        req = case["request"]
        assert library.draft(req["intent"], req["slots"], req["context"]).to_dict() == case["expected"]["draft"]
        assert compute(req["context"]["message"]) == case["features"]
        # the trace is part of the contract, so another runtime can show that it reached the verdict the same way
        traced = library.draft(req["intent"], req["slots"], req["context"], trace=True)
        assert compact_trace(traced.trace) == case["expected"]["trace"]
        assert _expanded(library, case) == traced.to_dict()["trace"]  # nothing of the full form is lost
    for case in data["signals"]:
        assert library.signal_holds(case["signal"], {"message": case["message"]}) is case["holds"]


def test_conformance_traces_say_which_words_matched(shop_bundle):
    library = load_library(shop_bundle)
    data = json.loads((shop_bundle.parent / "conformance.json").read_text(encoding="utf-8"))
    case = next(c for c in data["drafts"] if c["id"] == "shop.double_charge/a refund request")
    message = case["request"]["context"]["message"]
    trace = _expanded(library, case)
    chosen = next(r for r in trace["replies"] if r["status"] == "chosen")
    assert chosen["id"] == case["expected"]["draft"]["reply"]["id"]
    spans = chosen["condition"]["of"]["spans"]  # `when wants_refund`: the signal's `mentions`
    assert [s["text"] for s in spans] == ["refund"] and message[spans[0]["start"]:spans[0]["end"]] == "refund"
    # compact: the reply's node is the signal's ([held]), whose tree is stored once with its spans
    index = [r.id for r in library.framework(case["request"]["intent"]).replies].index(chosen["id"])
    assert case["expected"]["trace"]["replies"][index] == [1]
    assert case["expected"]["trace"]["signals"]["wants_refund"][1:] == [[spans[0]["start"], spans[0]["end"]]]


def test_draft_explain_says_why_in_text_and_in_json(shop_bundle):
    args = ("draft", "shop.double_charge", "--bundle", shop_bundle, "--example-slots", "--channel", "email",
            "--message", "Thanks a lot for charging me twice. I want my money back", "--contact-count", "3")
    text = tactful(*args, "--explain")
    assert text.returncode == 0, text.stderr
    assert "HOLD" in text.stdout and "WHY" in text.stdout
    assert "✓ HELD   guard third_contact" in text.stdout and "contact_count = 3" in text.stdout
    assert "“money back” at" in text.stdout
    data = json.loads(tactful(*args, "--explain", "--format", "json").stdout)
    assert {g["name"] for g in data["trace"]["guards"] if g["held"]} == {g["name"] for g in data["guards"]}
    assert "trace" not in json.loads(tactful(*args, "--format", "json").stdout)


def test_conformance_records_refusals_as_errors(shop):
    from tactful.runtime.bundle import Example

    fw = shop.framework("shop.double_charge")
    broken = Example(name="no slots", message="hi", channel="email", visibility="private", expect=[], location=fw.location)
    bundle = shop.bundle.model_copy(update={"frameworks": [fw.model_copy(update={"examples": [broken]})]})
    case = conformance(bundle)["drafts"][0]
    assert case["expected"] == {"error": {
        "type": "missing_slots", "message": "`shop.double_charge` needs the required slot `case_reference`",
        "problems": [{"loc": ["slots", "case_reference"], "msg": "required slot `case_reference` of `shop.double_charge` is missing"}]}}


def test_conformance_json_is_byte_identical_across_builds(shop_bundle, tmp_path):
    """Built again, from another working directory into another folder: the same bytes."""
    done = tactful("build", SHOP.resolve(), "--out", tmp_path / "again", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (shop_bundle.parent / "conformance.json").read_text(encoding="utf-8")
    assert (tmp_path / "again" / "conformance.json").read_text(encoding="utf-8") == text
    data = json.loads(text)  # one case a line: a diff names the cases that changed
    lines = {line.strip().removesuffix(",") for line in text.splitlines()}
    for case in data["drafts"] + data["signals"]:
        assert json.dumps(case, ensure_ascii=False, sort_keys=True, separators=(",", ":")) in lines
