"""`mentions` is confirmed phrase by phrase with the boundaries checked in Python (PhraseFinder): it
must say exactly what the rule written as one RE2 pattern (mentions_pattern below, Unicode word
boundaries) says."""

from __future__ import annotations

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from tactful.runtime.types import PhraseFinder, phrase_parts

PHRASES = ["sue", "late fee", "late fees", "can't afford", "é", "x_y", "1 star", "?!", "sue you"]
ALPHABET = list("suea tlfcn'’ éxy_1!?\n") + ["Sue", "SUE", "late  fees", "can’t", "issue", "Suez", "é́", "١"]


def mentions_pattern(phrases) -> str:
    """The rule of `mentions` as one RE2 pattern: any of the phrases, case-insensitive, with a
    Unicode word boundary wherever a phrase starts or ends with a word character."""
    alternatives = []
    for phrase in phrases:
        parts = phrase_parts(phrase)
        if parts is not None:
            body, starts, ends = parts
            alternatives.append((r"(?:^|[^\pL\pN\pM_])" if starts else "") + f"(?:{body})"
                                + (r"(?:[^\pL\pN\pM_]|$)" if ends else ""))
    return "(?i)(?:" + "|".join(alternatives) + ")"


def reference(phrases, text) -> bool:
    options = re2.Options()
    options.max_mem = 64 << 20
    return re2.compile(mentions_pattern(phrases), options).search(text) is not None


@settings(max_examples=150, deadline=None)
@given(text=st.lists(st.sampled_from(ALPHABET), max_size=14).map("".join),
       phrases=st.lists(st.sampled_from(PHRASES), min_size=1, max_size=3))
def test_phrase_finder_agrees_with_the_one_pattern(text, phrases):
    assert PhraseFinder(phrases)(text) == reference(phrases, text)


def test_a_rejected_occurrence_does_not_hide_a_later_one():
    finder = PhraseFinder(["late fee", "late fees"])
    assert finder("two late fees")  # "late fee" fails its boundary; "late fees" holds
    assert PhraseFinder(["sue"]).spans("issue sue") == [(6, 9)]
    assert not PhraseFinder(["sue"])("issue Suez")
    assert PhraseFinder(["can't afford"]).spans("I can’t  afford it") == [(2, 15)]
    assert not PhraseFinder(["sue"])(None)


# The compiled `mentions` first asks whether the message's words hold a phrase's first word (a word
# index, no RE2), then confirms with PhraseFinder. Whatever the text, that must say exactly what the
# rule's one RE2 pattern says: a phrase's first word is always a whole word of a text it occurs in,
# under RE2's case folding (the Kelvin sign is a k and the long s an s to RE2's (?i)).
TRICKY_PHRASES = [*PHRASES, "#metoo", "@support team", "'cause", "ok", "kiss", "ſue", "Straße", "co-op", "a&e"]
TRICKY_ALPHABET = [*ALPHABET, "K", "ſ", "İ", "ı", "#", "@", "metoo", "support", " team", "ok", "OK", "kiss",
                   "ſtraße", "STRASSE", "co", "-", "op", "a&e", "A&E", "&", "'", "cause", "\u0301"]


def compiled_mentions(phrases):
    from tactful.runtime.conditions import ConditionCompiler, function_source

    compiler = ConditionCompiler([], ["message"])
    code = compiler.compile({"mentions": phrases}, "a test")  # as bundle.json stores it
    return compiler.run(function_source("holds", "values", [code], [f"return {code.expr}"]))["holds"]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(TRICKY_ALPHABET), max_size=12).map("".join),
       phrases=st.lists(st.sampled_from(TRICKY_PHRASES), min_size=1, max_size=3))
def test_the_word_index_never_hides_an_occurrence(text, phrases):
    assert compiled_mentions(phrases)({"message": text}) == reference(phrases, text)


@pytest.mark.parametrize(("phrases", "text", "expected"), [
    (["kiss"], "\u212aISS me", True),  # RE2 folds the Kelvin sign into k
    (["sue"], "I will ſue", True),  # and the long s into s
    (["#metoo"], "so #MeToo", True),
    (["#metoo"], "so #metoos", False),
    (["@support team"], "hey @Support  team!", True),
    (["co-op"], "the Co-op shop", True),
    (["Straße"], "in der STRASSE", False),  # RE2's simple folding does not make ß into ss
    (["Straße"], "in der straße", True),  # a non-ASCII first word is looked for by RE2
    (["sue"], "an issue", False),
    (["sue"], None, False),
])
def test_mentions_examples(phrases, text, expected):
    assert compiled_mentions(phrases)({"message": text}) is expected
    assert reference(phrases, text or "") is expected


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from([*"aZk_9 '’.-é", "\u0301", "\u212a", "ſ", "İ", "١", "²", "Ⅻ", "😀", "\u200d",
                                              "\u0903", "ǅ", "ß"]), max_size=16))
def test_message_words_are_the_runs_re2_reads(text):
    from tactful.runtime.conditions import message_words

    lowered = text.lower().replace("ſ", "s")
    expected = {m.group() for m in re2.finditer(r"[\pL\pN\pM_]+", lowered)}
    assert message_words(text) == expected


@settings(max_examples=300, deadline=None)
@given(phrase=st.text(alphabet=st.sampled_from([*"aZk_9 '’.-#&é", "\u0301", "ſ", "١", "K"]), max_size=14))
def test_phrase_words_are_its_ascii_runs(phrase):
    from tactful.runtime.conditions import phrase_words

    runs = {m.group() for m in re2.finditer(r"[\pL\pN\pM_]+", phrase)}
    assert phrase_words(phrase) == {run.lower() for run in runs if run.isascii()}


def test_the_words_of_ascii_text_are_its_runs_of_word_characters():
    """message_words reads ASCII text without a regex; it is the regex's reading, run by run."""
    import random
    import re

    from tactful.runtime.conditions import message_words, phrase_words

    rng = random.Random(7)
    alphabet = "aZ09_ -'’.,!?\t\n\x00\x7f~{}[]" + "".join(map(chr, range(32, 127)))
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        if not text.isascii():
            continue
        expected = frozenset(re.findall(r"[a-z0-9_]+", text.lower()))
        assert message_words(text) == (expected if text else frozenset())
        assert phrase_words(text) == expected
