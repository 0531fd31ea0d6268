"""Message features, as defined in tactful.runtime.features (conformance.json holds other runtimes to them)."""

from __future__ import annotations

import pytest

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
                             "question_count", "max_repeated_punctuation"}
