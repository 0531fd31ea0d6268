"""A lazy TextSet (the signals' RE2 patterns) answers pattern by pattern until it builds its
filter, and both ways give the same answer for every pattern and message."""

from __future__ import annotations

import pytest

from tactful.runtime.conditions import TextSet
from tactful.runtime.errors import BundleError

PATTERNS = [r"(?i)\bsue\b", r"a*", r"^$", r"(?i)\b(he|she)\b[^.!?]{0,50}\b(hurt|hit)", "é+", r"\d{3,}"]
MESSAGES = ["I will SUE you", "", "she said he hit me", "café", "order 12345", "nothing here", "ab"]


def _set(lazy: bool) -> tuple[TextSet, dict]:
    namespace: dict = {}
    text_set = TextSet("message", "h0", namespace, lazy=lazy)
    for i, pattern in enumerate(PATTERNS):
        assert text_set.add(pattern, f"signal `s{i}`") == i
    return text_set, namespace


@pytest.mark.parametrize("message", [*MESSAGES, None])
def test_a_lazy_set_answers_as_its_filter_does(message):
    lazy, lazy_ns = _set(lazy=True)
    eager, eager_ns = _set(lazy=False)
    eager.build()
    hits_lazy = lazy_ns["_scanh0"](message, {})
    hits_eager = eager_ns["_scanh0"](message, {})
    assert [i in hits_lazy for i in range(len(PATTERNS))] == [i in hits_eager for i in range(len(PATTERNS))]
    assert not lazy.built


def test_a_lazy_set_builds_its_filter_after_some_messages():
    lazy, namespace = _set(lazy=True)
    first = {}
    for n in range(TextSet.BUILD_AFTER + len(MESSAGES)):
        message = MESSAGES[n % len(MESSAGES)]
        hits = namespace["_scanh0"](message, {})
        assert lazy.built == (n >= TextSet.BUILD_AFTER - 1)
        assert first.setdefault(message, [i in hits for i in range(len(PATTERNS))]) == [i in hits for i in range(len(PATTERNS))]


def test_a_pattern_re2_rejects_is_refused_when_a_condition_reaches_it():
    namespace: dict = {}
    text_set = TextSet("message", "h0", namespace, lazy=True)
    good = text_set.add("a", "signal `a`")
    bad = text_set.add(r"(a)\1", "signal `backref`")
    hits = namespace["_scanh0"]("aa", {})
    assert good in hits
    with pytest.raises(BundleError, match=r"signal `backref`: RE2 rejects the pattern"):
        bad in hits  # noqa: B015
    with pytest.raises(BundleError, match=r"signal `backref`: RE2 rejects the pattern"):
        text_set.build()
