"""Message features, as defined in tactful.runtime.features (conformance.json holds other runtimes to them)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tactful.runtime.features import COMPUTE, FEATURES, compute


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", dict(caps_ratio=0.0, letter_count=0, word_count=0, length=0, exclamation_count=0, question_count=0, max_repeated_punctuation=0)),
        ("YOU CHARGED ME TWICE!!!", dict(caps_ratio=1.0, letter_count=17, word_count=4, length=23, exclamation_count=3, question_count=0, max_repeated_punctuation=3)),
        ("Why?! Why?!?", dict(caps_ratio=2 / 6, letter_count=6, word_count=2, length=12, exclamation_count=2, question_count=3, max_repeated_punctuation=3)),
        ("don't can’t 42", dict(word_count=3, letter_count=8, caps_ratio=0.0)),
        ("ÉTÉ à Zürich", dict(letter_count=10, caps_ratio=0.4, word_count=3, length=12)),
        ("1234 !!", dict(caps_ratio=0.0, letter_count=0, word_count=1, max_repeated_punctuation=2)),
        ("one? two!", dict(max_repeated_punctuation=1, question_count=1, exclamation_count=1)),
    ],
)
def test_features(message, expected):
    got = compute(message)
    assert set(got) == set(FEATURES)
    for name, value in expected.items():
        assert got[name] == pytest.approx(value), name


def test_caps_ratio_never_exceeds_one():
    for message in ("ⒶⒷⒸ abc", "ǅ", "ΣΣΣ", "ABC"):
        assert 0 <= COMPUTE["caps_ratio"](message) <= 1


def test_features_are_the_ones_the_language_reference_lists():
    assert set(FEATURES) == {"caps_ratio", "letter_count", "word_count", "length", "exclamation_count",
                             "question_count", "max_repeated_punctuation", "audience", "mentioned_contacts"}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("400k of you watched part 2", 400_000),
        ("my channel has 1.2M subscribers", 1_200_000),
        ("half a million of you watched me rant", 500_000),
        ("Showed my 800k followers the necklace", 800_000),
        ("2,500 followers and 40k views", 40_000),
        ("85k people have liked my post about this", 85_000),
        ("the van cost 50k", 0),  # a bare number with a magnitude is not an audience
        ("I have 3 kids", 0),
        ("", 0),
    ],
)
def test_audience(message, expected):
    assert COMPUTE["audience"](message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Any update? Third time asking.", 3),
        ("after three emails and two chats nobody has helped", 6),  # five before, and this one
        ("I wrote yesterday and only got an automated reply, and I wrote the day before that too.", 3),
        ("I've emailed twice and chatted once already.", 4),
        ("Asked where my order is three times now, no answer.", 4),
        ("Following up on my last message", 2),
        ("Chasing again. Emailed Monday, called Tuesday, still nothing.", 3),
        ("After six weeks of emails I have referred this to the ombudsman", 3),
        ("Charged me three times for one order", 0),  # times, but not contacts
        ("Where is my order?", 0),
    ],
)
def test_mentioned_contacts(message, expected):
    assert COMPUTE["mentioned_contacts"](message) == expected


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["I", "we've", " emailed", " called", " you", " twice", " 3", " times", ".", ",", "\x0b",
                                 "\x1c", "\t", " third", " email", " again", " still no reply", " weeks of chasing",
                                 "EMAILED", "emailed", " a few", " messages", "\n", " X", "Ok", "fine",
                                 " back and forth"]),
                max_size=10).map("".join))
def test_the_contact_gate_never_hides_a_stated_contact(message):
    """The RE2 gate in front of mentioned_contacts names the patterns a message may match: on ASCII
    text exactly those Python's `re` finds (so it skips only patterns that would find nothing)."""
    from tactful.runtime import features

    matching = [i for i in range(len(features._CONTACT_PATTERNS)) if features._contact(i).search(message)]
    candidates = features._contact_candidates(message) or []
    assert sorted(candidates) == matching if message.isascii() else set(matching) <= set(candidates)


@pytest.mark.parametrize("message", [".\x0bemailed them", "fine.\x1c\x0bChased", "I've\temailed"])
def test_the_contact_gate_reads_white_space_as_python_does(message):
    from tactful.runtime import features

    assert features.mentioned_contacts(message) > 0
