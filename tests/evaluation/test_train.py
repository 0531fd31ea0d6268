"""`tactful train`: weights learned from the dev half only, the same bytes for the same corpus, small,
readable by the compiler, and a learned scorer that tells the label's messages from others."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tactful import api
from tactful.cli import main
from tactful.evaluation.corpus import read_corpus, split_of
from tactful.evaluation.train import MAX_WEIGHTS, TrainError, library_examples, train, training_examples
from tactful.runtime.scorers import Scorer
from tactful.semantics.scorers import Weights, read_weights

HELP = ["I can't go on anymore", "nobody would miss me if I was gone", "I want it all to stop for good",
        "I'm so tired of being alive", "this is my last message, goodbye everyone", "I don't want to be here anymore"]
ROUTINE = ["where is my parcel", "please refund the double charge", "the app crashes on login",
           "how do I change my email", "can I pause my plan", "my order arrived broken",
           "thanks, that fixed it", "is there a dark mode", "the invoice has the wrong address"]


def _rows(n: int = 6):
    """Rows with ids chosen so that each half has its share of both kinds."""
    rows, i = [], 0
    for k in range(n):
        for text, label in [(t, True) for t in HELP] + [(t, False) for t in ROUTINE]:
            i += 1
            expect = {"send_as_written": False, "guards": ["crisis"]} if label else {"send_as_written": True}
            rows.append({"id": f"t-{i:04d}", "intent": "service.outage", "channel": "email",
                         "context": {"visibility": "private"}, "message": f"{text} ({k})", "expect": expect})
    return rows


@pytest.fixture()
def corpus(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _rows()), encoding="utf-8")
    return path


def test_the_same_corpus_gives_the_same_bytes(corpus):
    rows = read_corpus([corpus]).rows
    first = train(rows, "crisis").to_json()
    assert train(list(reversed(rows)), "crisis").to_json() == first  # row order does not matter either


def test_only_the_dev_half_is_read(corpus):
    rows = read_corpus([corpus]).rows
    trained = train(rows, "crisis")
    assert trained.rows == sum(1 for r in rows if split_of(r.id) == "dev")
    # changing a test row changes nothing
    changed = [r._replace(message="completely different words") if split_of(r.id) == "test" else r for r in rows]
    assert train(changed, "crisis").to_json() == trained.to_json()
    # changing a dev row does
    changed = [r._replace(message="completely different words") if split_of(r.id) == "dev" else r for r in rows]
    assert train(changed, "crisis").to_json() != trained.to_json()


def test_left_out_ids_are_not_trained_on(corpus):
    rows = read_corpus([corpus]).rows
    dev = [r.id for r in rows if split_of(r.id) == "dev"]
    assert train(rows, "crisis", leave_out=dev[:5]).rows == len(dev) - 5


def test_the_file_is_small_whole_numbers_the_compiler_reads(corpus, tmp_path):
    trained = train(read_corpus([corpus]).rows, "crisis")
    assert 0 < len(trained.weights) <= MAX_WEIGHTS
    assert all(isinstance(v, int) and v != 0 for v in trained.weights.values())
    path = tmp_path / "crisis.json"
    path.write_text(trained.to_json(), encoding="utf-8")
    read = read_weights(path)
    assert isinstance(read, Weights) and read.weights == trained.weights and read.bias == trained.bias
    data = json.loads(trained.to_json())
    assert data["trained_on"]["split"] == "dev" and data["suggested_at_least"] == 0.5


def test_the_scorer_tells_the_label_from_routine_messages(corpus):
    trained = train(read_corpus([corpus]).rows, "crisis")
    s = Scorer("crisis_words", trained.bias, trained.weights)
    assert all(s.score(t) >= 0.5 for t in HELP)
    assert all(s.score(t) < 0.5 for t in ROUTINE)


def test_a_label_no_dev_row_has_is_an_error(corpus):
    with pytest.raises(TrainError, match="no row of the dev half"):
        train(read_corpus([corpus]).rows, "violence")


def test_library_examples_count_for_their_own_signal_only(tmp_path):
    (tmp_path / "s.tact").write_text('''signal crisis "x"
  when message mentions "zzz"
  fires "I want to disappear"
  quiet "I want to disappear into my holiday"
signal violence "y"
  when message mentions "zzz"
  fires "I'll hurt him"
''', encoding="utf-8")
    found = library_examples([tmp_path])
    assert [(x.message, x.guards, x.send, x.signal) for x in found] == [
        ("I want to disappear", ("crisis",), False, "crisis"),
        ("I want to disappear into my holiday", (), True, "crisis"),
        ("I'll hurt him", ("violence",), False, "violence")]


def test_the_cli_writes_the_file_and_a_scorer_compiles_from_it(corpus, tmp_path):
    out = tmp_path / "lib" / "crisis.json"
    out.parent.mkdir()
    result = CliRunner().invoke(main, ["train", str(corpus), "--label", "crisis", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "scores at least 0.5" in result.output
    (tmp_path / "lib" / "s.tact").write_text('scorer mine "m"\n  weights "crisis.json"\n\nsignal help_words "h"\n'
                                             '  when message scores at least 0.5 on mine\n', encoding="utf-8")
    compiled, lib = api.compile_library([tmp_path / "lib"])
    assert lib is not None, [str(d) for d in compiled.diagnostics]
    assert lib.signal_holds("help_words", {"message": "I can't go on anymore"}) is True
    assert lib.signal_holds("help_words", {"message": "where is my parcel"}) is False


def test_the_cli_reports_a_label_it_cannot_learn(corpus, tmp_path):
    result = CliRunner().invoke(main, ["train", str(corpus), "--label", "nope", "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 2 and "no row of the dev half" in result.output
    assert not (tmp_path / "x.json").exists()


def test_training_files_are_used_whole_and_their_bad_rows_reported(corpus, tmp_path):
    """A labelled file given with --training is training material: every row counts (no split); a
    row that is not valid is skipped with its line, the rest still trains."""
    extra = tmp_path / "training" / "safety.jsonl"
    extra.parent.mkdir()
    rows = [{"id": f"x-{i}", "intent": "service.outage", "channel": "email", "context": {"visibility": "private"},
             "message": m, "expect": e} for i, (m, e) in enumerate([
                 ("zebra crossing goodbye forever", {"send_as_written": False, "guards": ["crisis"]}),
                 ("zebra print case please", {"send_as_written": True})])]
    extra.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{not json\n", encoding="utf-8")
    found, bad = training_examples([extra.parent])
    assert [(x.message, x.guards, x.send) for x in found] == [
        ("zebra crossing goodbye forever", ("crisis",), False), ("zebra print case please", (), True)]
    assert [(b.line, b.reason) for b in bad] == [(3, "not_json")]
    base = train(read_corpus([corpus]).rows, "crisis")
    more = train(read_corpus([corpus]).rows, "crisis", library=found)
    assert more.rows == base.rows + 2 and more.positives == base.positives + 1

    out = tmp_path / "w.json"
    result = CliRunner().invoke(main, ["train", str(corpus), "--label", "crisis", "--out", str(out),
                                       "--training", str(extra.parent)])
    assert result.exit_code == 0, result.output
    assert f"{extra}:3: warning: row skipped (not_json)" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["trained_on"]["rows"] == more.rows


def test_the_corpus_given_as_training_trains_nothing_more(corpus, tmp_path):
    """The corpus folder passed as training material by mistake would train on its test half: its
    rows have the corpus's ids, so each is skipped, and the weights are those of the corpus alone."""
    rows = read_corpus([corpus]).rows
    found, bad = training_examples([corpus], rows)
    assert found == [] and len(bad) == len(rows) and {b.reason for b in bad} == {"duplicate_id"}
    out = tmp_path / "w.json"
    result = CliRunner().invoke(main, ["train", str(corpus), "--label", "crisis", "--out", str(out), "--training", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "is a corpus row's" in result.output
    assert out.read_text(encoding="utf-8") == train(rows, "crisis").to_json()


def test_examples_folders_give_tact_examples_only(corpus, tmp_path):
    """--examples reads .tact files: a corpus or weights file in the folder is not training material."""
    (tmp_path / "s.tact").write_text('signal crisis "x"\n  when message mentions "zzz"\n  fires "I want to disappear"\n', encoding="utf-8")
    (tmp_path / "w.json").write_text("{}", encoding="utf-8")
    assert [x.message for x in library_examples([tmp_path])] == ["I want to disappear"]


def test_the_corpus_may_be_a_folder(corpus, tmp_path):
    out = tmp_path / "w.json"
    result = CliRunner().invoke(main, ["train", str(corpus.parent), "--label", "crisis", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == train(read_corpus([corpus]).rows, "crisis").to_json()


def test_max_weights_keeps_the_largest(corpus, tmp_path):
    rows = read_corpus([corpus]).rows
    full = train(rows, "crisis")
    small = train(rows, "crisis", max_weights=3)
    assert len(small.weights) == 3 < len(full.weights)
    largest = sorted(full.weights.items(), key=lambda fv: (-abs(fv[1]), fv[0]))[:3]
    assert {f for f, _ in largest} == set(small.weights)
    out = tmp_path / "w.json"
    result = CliRunner().invoke(main, ["train", str(corpus), "--label", "crisis", "--out", str(out), "--max-weights", "3"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == small.to_json()
