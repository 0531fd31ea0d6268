"""`mentions` is confirmed phrase by phrase with the boundaries checked in Python (PhraseFinder): it
must say exactly what the rule's one RE2 pattern (mentions_pattern, Unicode word boundaries) says."""

from __future__ import annotations

import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from tactful.runtime.conditions import mentions_pattern
from tactful.runtime.types import PhraseFinder

PHRASES = ["sue", "late fee", "late fees", "can't afford", "é", "x_y", "1 star", "?!", "sue you"]
ALPHABET = list("suea tlfcn'’ éxy_1!?\n") + ["Sue", "SUE", "late  fees", "can’t", "issue", "Suez", "é́", "١"]


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
