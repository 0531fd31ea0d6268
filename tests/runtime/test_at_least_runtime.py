"""`at least N of (a; b; c)`: from source to the bundle, the runtime's verdict and the trace."""

from __future__ import annotations

import json

import pytest

from tactful import api
from tactful.emit.bundle import bundle_json
from tactful.runtime import load_bundle, load_library
from tactful.runtime.format import condition_op, condition_text
from tactful.runtime.trace import format_trace

SOURCE = '''
field vip bool

signal leaving "weak cues of leaving, counted together"
  when at least 2 of (message mentions "goodbye", "farewell"; vip; contact_count >= 3; message mentions forms of "end" near "it all" within 3 words)
  fires "goodbye, I will end it all"
  quiet "goodbye"

signal all_three "every cue"
  when at least 3 of (message mentions "a"; message mentions "b"; message mentions "c")
  fires "a b c"
  quiet "a b"

signal nested "an at least inside an and, with an or and a not inside it"
  when vip and at least 1 of (not message mentions "x"; message mentions "y" or message mentions "z")
  fires "y"
  quiet "x"
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("atleast")
    (root / "signals.tact").write_text(SOURCE, encoding="utf-8")
    result = api.compile([root])
    assert result.bundle is not None, [str(d) for d in result.diagnostics]
    return result.bundle


@pytest.fixture(scope="module")
def library(built):
    return load_library(built)


def _signal(bundle, name):
    return next(s for s in bundle.signals if s.name == name)


def test_lowers_to_an_atleast_op_with_its_count_and_items(built):
    data = json.loads(bundle_json(built))
    stored = next(s for s in data["signals"] if s["name"] == "leaving")["when"]
    assert sorted(stored) == ["atleast", "of"]
    assert stored["atleast"] == 2
    assert [condition_op(c) for c in stored["of"]] == ["mentions", "bool", "compare", "mentions"]
    assert tuple(map(int, data["schema_version"].split("."))) >= (5, 1)  # the op came with 5.1
    # condition_text gives it back in the language's words (so the bundle stores no `source` for it)
    assert condition_text(stored) == ('at least 2 of (message mentions "goodbye", "farewell"; vip; contact_count >= 3; '
                                      'message mentions forms of "end" near "it all" within 3 words)')
    assert "source" not in next(s for s in data["signals"] if s["name"] == "leaving")


def test_the_bundle_round_trips_to_the_same_bytes(built):
    text = bundle_json(built)
    assert bundle_json(load_bundle(text)) == text


@pytest.mark.parametrize(("message", "context", "expected"), [
    ("goodbye", {}, False),                                     # 1 of 4: one short
    ("goodbye", {"vip": True}, True),                           # exactly 2
    ("nothing to see", {"vip": True, "contact_count": 3}, True),  # exactly 2, neither a text cue
    ("nothing to see", {"vip": True, "contact_count": 2}, False),  # 1 of 4
    ("farewell, I will end it all", {"vip": True, "contact_count": 4}, True),  # all 4
    ("I will end it all", {}, False),                           # the near item alone
    ("goodbye, I will end it all", {}, True),                   # two text items
])
def test_holds_when_at_least_n_items_hold(library, message, context, expected):
    assert library.signal_holds("leaving", {"message": message, **context}) is expected


@pytest.mark.parametrize(("message", "expected"), [
    ("a b c", True), ("c a b", True), ("a b", False), ("b c", False), ("a", False), ("", False)])
def test_n_equal_to_the_number_of_items_needs_every_item(library, message, expected):
    assert library.signal_holds("all_three", {"message": message}) is expected


@pytest.mark.parametrize(("message", "vip", "expected"), [
    ("y", True, True), ("x", True, False), ("x y", True, True), ("hello", True, True), ("y", False, False)])
def test_nested_in_and_with_or_and_not_inside(library, message, vip, expected):
    assert library.signal_holds("nested", {"message": message, "vip": vip}) is expected


def test_many_items_compile_flat_and_count_right(tmp_path):
    """A long list (no parentheses nest per item in the generated code) with N in the middle."""
    items = "; ".join(f'message mentions "w{i}"' for i in range(150))
    (tmp_path / "s.tact").write_text(f'signal many "many"\n  when at least 75 of ({items})\n', encoding="utf-8")
    result, lib = api.compile_library([tmp_path])
    assert lib is not None, [str(d) for d in result.diagnostics]
    words = [f"w{i}" for i in range(150)]
    assert lib.signal_holds("many", {"message": " ".join(words[:75])}) is True
    assert lib.signal_holds("many", {"message": " ".join(words[1::2])}) is True  # 75 odd ones
    assert lib.signal_holds("many", {"message": " ".join(words[:74])}) is False


def test_the_trace_shows_the_count_and_every_item(tmp_path):
    (tmp_path / "desk.tact").write_text('''
field vip bool
framework desk.cues "Cues"
  owner support
  guard at least 2 of (message mentions "goodbye"; vip; message mentions "farewell") as cues "Two cues."
  reply private
    next "We'll write back today."
  reply public
    next "Please send us a DM."
''', encoding="utf-8")
    result, lib = api.compile_library([tmp_path])
    assert lib is not None, [str(d) for d in result.diagnostics]
    context = {"message": "goodbye and farewell", "channel": "email", "visibility": "private", "vip": False}
    draft = lib.draft("desk.cues", {}, context, trace=True)
    node = draft.trace.guards[0]["condition"]
    assert (node["op"], node["count"], node["held"]) == ("atleast", 2, True)
    assert [n["held"] for n in node["of"]] == [True, False, True]
    assert "at least 2 of:" in format_trace(draft.trace)
    context["message"] = "goodbye"
    node = lib.draft("desk.cues", {}, context, trace=True).trace.guards[0]["condition"]
    assert (node["held"], [n["held"] for n in node["of"]]) == (False, [True, False, False])


def test_the_docs_print_it_in_notation_and_in_plain_words(built):
    from tactful.emit.docs import condition_text as docs_text, plain_words

    when = _signal(built, "all_three").when
    assert docs_text(when) == 'at least 3 of (message mentions "a"; message mentions "b"; message mentions "c")'
    assert plain_words(when) == ("at least 3 of these: the message mentions “a” as whole words; the message "
                                 "mentions “b” as whole words; the message mentions “c” as whole words")
    assert docs_text(_signal(built, "nested").when).startswith("vip and at least 1 of (not ")
