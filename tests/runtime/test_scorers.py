"""Learned scorers: features, the score, `scores at least … on …` from source to bundle, runtime and
trace, and the checks on bad input (unknown scorer, missing or corrupt weights, a score out of range)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from tactful import api
from tactful.emit.bundle import bundle_json
from tactful.runtime import load_bundle, load_library
from tactful.runtime.errors import BundleError
from tactful.runtime.format import condition_text
from tactful.runtime.scorers import Scorer, features, probability, scorer_problem, tokens, total
from tactful.runtime.trace import compact_trace, format_trace

WEIGHTS = {"tactful_scorer": 1, "unit": 16, "bias": -32,
           "weights": {"goodbye": 24, "for good": 24, "everyone": 8, "refund": -40}}

SOURCE = '''
scorer farewell_words "Sounds like a farewell (a hand-made model)."
  weights "weights/farewell.json"

signal farewell "A farewell, by the learned scorer or by the phrase."
  when message scores at least 0.6 on farewell_words or message mentions "so long"
  fires "goodbye everyone, I'm gone for good"
  quiet "goodbye, and thanks for the refund"

framework desk.leaving "Leaving"
  owner support
  guard farewell "Read it yourself first."
  guard message scores at least 0.95 on farewell_words as very_sure "Very sure."
  reply private
    next "We'll write back today."
  reply public
    next "Please send us a DM."
'''


def _project(root, weights: object = WEIGHTS, source: str = SOURCE):
    (root / "weights").mkdir(exist_ok=True)
    text = weights if isinstance(weights, str) else json.dumps(weights)
    (root / "weights" / "farewell.json").write_text(text, encoding="utf-8")
    (root / "desk.tact").write_text(source, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    result = api.compile([_project(tmp_path_factory.mktemp("scorer"))])
    assert result.bundle is not None, [str(d) for d in result.diagnostics]
    return result.bundle


# --- features and the score -------------------------------------------------------------------------


def test_tokens_are_lower_case_words_with_inner_apostrophes_kept_and_curly_ones_made_straight():
    assert tokens("I’m DONE, it's over!! 3am... re-do_it") == ["i'm", "done", "it's", "over", "3am", "re", "do", "it"]


def test_features_are_distinct_words_and_adjacent_pairs():
    assert features("Bye bye bye") == {"bye", "bye bye"}
    assert features("Goodbye, everyone.") == {"goodbye", "everyone", "goodbye everyone"}
    assert features("") == set()


def test_a_feature_counts_once_however_often_it_occurs():
    weights = {"goodbye": 24, "goodbye goodbye": 5}
    assert total(weights, -32, "goodbye") == -8
    assert total(weights, -32, "goodbye goodbye goodbye") == -32 + 24 + 5


def test_the_score_is_the_logistic_of_the_sum_in_sixteenths():
    s = Scorer("x", WEIGHTS["bias"], WEIGHTS["weights"])
    units = -32 + 24 + 24 + 8  # goodbye, for good, everyone
    assert s.score("goodbye everyone, for good") == pytest.approx(1 / (1 + math.exp(-units / 16)))
    assert s.score("") == pytest.approx(1 / (1 + math.exp(2)))
    assert s.score(None) == 0.0  # a field without a text scores nothing
    assert probability(16 * 800) == 1.0 and probability(-16 * 800) == 0.0  # no overflow


def test_contributions_say_which_features_weighed_most():
    s = Scorer("x", WEIGHTS["bias"], WEIGHTS["weights"])
    assert s.contributions("a refund, goodbye for good") == [("refund", -40), ("for good", 24), ("goodbye", 24)]


@pytest.mark.parametrize(("data", "problem"), [
    ({"bias": 1.5, "weights": {}}, "`bias` is a whole number"),
    ({"bias": 0, "weights": []}, "`weights` is an object"),
    ({"bias": 0, "weights": {"a": "1"}}, "the weight of 'a'"),
    ({"bias": 0, "weights": {"Bye": 1}}, "'Bye' is not a feature"),
    ({"bias": 0, "weights": {"a b c": 1}}, "'a b c' is not a feature"),
    ({"bias": 0, "weights": {"a": 1 << 30}}, "the weight of 'a'"),
])
def test_weights_that_are_not_whole_sixteenths_of_features_are_refused(data, problem):
    assert problem in (scorer_problem(data) or "")


def test_the_runtime_does_not_import_numpy():
    code = "import sys, tactful.runtime, tactful.runtime.scorers; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- from source to the bundle and the runtime --------------------------------------------------------


def test_the_bundle_stores_the_weights_once_and_the_condition_by_name(built):
    data = json.loads(bundle_json(built))
    assert data["schema_version"] == "5.2"
    scorer = next(x for x in data["scorers"] if x["name"] == "farewell_words")
    # each weight once, its features joined by `|`
    assert (scorer["bias"], scorer["weights"]) == (-32, {"-40": "refund", "24": "for good|goodbye", "8": "everyone"})
    assert next(x for x in built.scorers if x.name == "farewell_words").weights == WEIGHTS["weights"]
    when = next(s for s in data["signals"] if s["name"] == "farewell")["when"]
    assert when["any"][0] == {"scores": "farewell_words", "at_least": 0.6}
    assert condition_text(when["any"][0]) == "message scores at least 0.6 on farewell_words"
    assert "for good" not in json.dumps(when)  # the weights are not copied into the condition


def test_the_bundle_round_trips_to_the_same_bytes(built):
    text = bundle_json(built)
    assert bundle_json(load_bundle(text)) == text


@pytest.mark.parametrize(("message", "expected"), [
    ("goodbye everyone, I'm gone for good", True),   # -32+24+24+8 = 24: 0.82
    ("goodbye for good", True),                      # 16: 0.73
    ("goodbye", False),                              # -8: 0.38
    ("goodbye for good, thanks for the refund", False),  # -24: 0.18
    ("so long", True),                               # the phrase route
    ("", False),
])
def test_the_signal_holds_when_the_score_reaches_the_number(built, message, expected):
    assert load_library(built).signal_holds("farewell", {"message": message}) is expected


def test_the_draft_holds_the_guards_and_the_trace_shows_the_score(built):
    lib = load_library(built)
    context = {"message": "goodbye everyone, for good", "channel": "email", "visibility": "private"}
    draft = lib.draft("desk.leaving", {}, context, trace=True)
    held = [g.name for g in draft.guards]
    assert "farewell" in held and "very_sure" not in held  # 0.82: not the 0.95 one
    sure = draft.trace.guards[1]["condition"]
    assert sure["op"] == "scores" and sure["held"] is False
    assert sure["actual"] == round(1 / (1 + math.exp(-24 / 16)), 6)  # rounded, so runtimes agree
    assert sure["because"] == [["for good", 24], ["goodbye", 24], ["everyone", 8]]  # |weight|, then text
    assert ('message scores at least 0.95 on farewell_words: 0.82 (not held) — "for good" +1.5, "goodbye" +1.5, '
            '"everyone" +0.5') in format_trace(draft.trace)
    assert compact_trace(draft.trace)["guards"][1] == [0, sure["actual"]]  # the compact form leaves `because` out


# --- why a score: the features that drove it ----------------------------------------------------------


def test_contributions_leave_out_features_without_a_weight_or_weighing_zero_and_break_ties_by_text():
    s = Scorer("x", 0, {"b": 16, "a": -16, "c": 0, "a b": 3})
    assert s.contributions("b a c d") == [("a", -16), ("b", 16)]  # "b a" is not "a b"
    assert s.contributions("a b") == [("a", -16), ("b", 16), ("a b", 3)]
    assert s.contributions(None) == []


def test_the_trace_keeps_the_five_largest_and_shows_a_negative_weight_with_a_minus(built):
    from tactful.runtime.trace import BECAUSE_SHOWN, because
    words = {f"w{i}": (i + 1) * (-1) ** i for i in range(8)}  # w0 1, w1 -2, …, w7 -8
    s = Scorer("x", 0, words)
    got = because(s, " ".join(words))
    assert len(got) == BECAUSE_SHOWN == 5
    assert got == [["w7", -8], ["w6", 7], ["w5", -6], ["w4", 5], ["w3", -4]]
    lib = load_library(built)
    context = {"message": "goodbye, thanks for the refund", "channel": "email", "visibility": "private"}
    node = lib.draft("desk.leaving", {}, context, trace=True).trace.guards[1]["condition"]
    assert node["because"] == [["refund", -40], ["goodbye", 24]]
    assert '"refund" −2.5, "goodbye" +1.5' in format_trace(lib.draft("desk.leaving", {}, context, trace=True).trace)


def test_a_message_without_weighted_words_shows_the_score_alone(built):
    lib = load_library(built)
    context = {"message": "hello there", "channel": "email", "visibility": "private"}
    trace = lib.draft("desk.leaving", {}, context, trace=True).trace
    assert trace.guards[1]["condition"]["because"] == []
    assert "message scores at least 0.95 on farewell_words: 0.12 (not held)\n" in format_trace(trace)


def test_expand_trace_works_because_out_again_from_the_bundle_and_the_text(built):
    from tactful.runtime.trace import expand_trace
    lib = load_library(built)
    context = {"message": "goodbye everyone, for good", "channel": "email", "visibility": "private"}
    draft = lib.draft("desk.leaving", {}, context, trace=True)
    full = draft.to_dict()
    signals = {s.name: s for s in lib.bundle.signals}
    expanded = expand_trace(compact_trace(draft.trace), lib.framework("desk.leaving"), signals, context,
                            full["trace"]["features"], full["reply"], lib.bundle.scorers)
    assert expanded == full["trace"]


def test_a_bundle_whose_condition_names_a_missing_scorer_is_refused(built):
    data = json.loads(bundle_json(built))
    data["scorers"] = [x for x in data["scorers"] if x["name"] != "farewell_words"]
    lib = load_library(data)
    with pytest.raises(BundleError, match="scorer `farewell_words`, which the bundle does not declare"):
        lib.signal_holds("farewell", {"message": "goodbye"})


@pytest.mark.parametrize(("weights", "words"), [
    ({"1.5": "goodbye"}, "`1.5` is not a weight"),              # the schema: whole numbers
    ({"24": "goodbye", "8": "goodbye"}, "has two weights"),
    ({"24": "Goodbye"}, "is not a feature"),
])
def test_a_bundle_with_weights_that_are_not_valid_is_refused(built, weights, words):
    data = json.loads(bundle_json(built))
    next(x for x in data["scorers"] if x["name"] == "farewell_words")["weights"] = weights
    with pytest.raises(BundleError, match=words):
        load_library(data).signal_holds("farewell", {"message": "goodbye"})


# --- checks on bad input ------------------------------------------------------------------------------


def _codes(result):
    return [(d.code, d.span.line, d.span.column) for d in result.diagnostics]


def test_an_unknown_scorer_is_reported_where_it_is_named_with_a_close_name(tmp_path):
    root = _project(tmp_path, source=SOURCE.replace("on farewell_words or", "on farewel_words or"))
    result = api.check([root])
    [d] = result.diagnostics
    assert (d.code, d.span.line) == ("T1117", 6)
    assert "did you mean `farewell_words`?" in d.hint


@pytest.mark.parametrize(("weights", "words"), [
    (None, "does not exist"),
    ("{not json", "is not valid JSON (line 1"),
    ({"bias": 1, "weights": {}}, "is not a scorer's weights file"),
    ({**WEIGHTS, "unit": 100}, "has `unit` 100"),
    ({**WEIGHTS, "bias": "low"}, "`bias` is a whole number"),
])
def test_a_missing_or_corrupt_weights_file_is_reported_at_its_path(tmp_path, weights, words):
    root = _project(tmp_path, WEIGHTS if weights is None else weights)
    if weights is None:
        (root / "weights" / "farewell.json").unlink()
    result = api.check([root])
    [d] = result.diagnostics
    assert (d.code, d.span.file, d.span.line, d.span.column) == ("T1118", "desk.tact", 3, 11)
    assert words in d.message and "tactful train" in d.hint
    assert api.compile([root]).bundle is None


def test_a_score_outside_0_to_1_is_reported(tmp_path):
    root = _project(tmp_path, source=SOURCE.replace("at least 0.95", "at least 95"))
    assert _codes(api.check([root])) == [("T1409", 13, 9)]


def test_a_scorer_declared_twice_is_reported_once(tmp_path):
    root = _project(tmp_path, source=SOURCE + '\nscorer farewell_words "again"\n  weights "weights/farewell.json"\n')
    assert [c for c, _, _ in _codes(api.check([root]))] == ["T1110"]


# --- what the weights file says for people: label and trained_on --------------------------------------


def test_the_bundle_keeps_the_files_label_and_trained_on_and_reads_them_back(tmp_path):
    weights = {**WEIGHTS, "label": "farewell", "trained_on": {"digest": "sha256:" + "0" * 64, "rows": 321, "split": "dev"}}
    bundle = api.compile([_project(tmp_path, weights)]).bundle
    x = next(x for x in bundle.scorers if x.name == "farewell_words")
    assert (x.label, x.trained_on.digest, x.trained_on.rows) == ("farewell", "sha256:" + "0" * 64, 321)
    stored = next(s for s in json.loads(bundle_json(bundle))["scorers"] if s["name"] == "farewell_words")
    assert stored["label"] == "farewell" and stored["trained_on"] == {"digest": "sha256:" + "0" * 64, "rows": 321}
    assert load_bundle(json.loads(bundle_json(bundle))).scorers == bundle.scorers


def test_a_file_without_or_with_odd_metadata_still_compiles_without_it(tmp_path):
    weights = {**WEIGHTS, "label": 7, "trained_on": {"digest": "sha256:x", "rows": "many"}}
    bundle = api.compile([_project(tmp_path, weights)]).bundle
    x = next(x for x in bundle.scorers if x.name == "farewell_words")
    assert (x.label, x.trained_on) == ("", None)
    stored = next(s for s in json.loads(bundle_json(bundle))["scorers"] if s["name"] == "farewell_words")
    assert "label" not in stored and "trained_on" not in stored
