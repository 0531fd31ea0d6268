"""literals.pattern_needs: the literal pieces every match of an RE2 pattern contains. Sound (a text
it says cannot match never matches), and silent (None) on whatever it does not read, including
every pattern RE2 refuses, so that such a pattern is still compiled, and refused, when reached."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import re2

from tactful.runtime.literals import folded_text, may_match, pattern_needs

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("pattern", "needs"), [
    (r"(?i)\bsue\b", (True, ({"sue"},))),
    (r"ab?c", (False, ({"abc", "ac"},))),
    (r"(?i)\b(Standing|stood)\s+on\s+THE", (True, ({"standing", "stood"}, {"on"}, {"the"}))),
    (r"x{2}y", (False, ({"x"}, {"y"}))),
    (r"abc+", (False, ({"ab"}, {"c"}))),
    (r"(?i)\x{41}b", (True, ({"ab"},))),
    (r"a|[bc]", (False, ())),  # a branch that needs nothing
    (r"(a|b)*c", (False, ({"c"},))),
    (r"(?:a|b)\.c", (False, ({"a.c", "b.c"},))),
    (r"(?i)é", (True, ())),  # its case variants are RE2's to know
])
def test_what_a_pattern_needs(pattern, needs):
    folded, sets = pattern_needs(pattern)
    assert (folded, tuple(map(set, sets))) == needs


@pytest.mark.parametrize("pattern", [
    r"(a)\1", "a**", "a{2}{3}", "[z-a]", "(?=a)", "(?P<n>a)", r"\p{Foo}", "(a|b", "a)", r"\Qa\E", "a{1001}",
    "a{3,2}", r"\x{D800}", r"\x{110000}", "[a", "(?i)(?-i)a", r"\_", "*a",
])
def test_what_it_does_not_read_it_leaves_to_re2(pattern):
    assert pattern_needs(pattern) is None


def test_it_folds_as_re2_does():
    """Under (?i) RE2 matches `s` and `k` to the long s and the Kelvin sign: so does the reading."""
    for pattern, text in [(r"(?i)sue", "ſue"), (r"(?i)kill", "\u212aill"), (r"(?i)sue", "SUE")]:
        assert re2.search(pattern, text)
        assert may_match(pattern_needs(pattern), text, folded_text(text))


def _corpus() -> list[str]:
    messages = ["", "ſ \u212a İ ı", "I’m OK", "Ich ÜBER straße"]
    for path in sorted((ROOT / "frameworks" / "corpus").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if isinstance(row.get("message"), str):
                messages.append(row["message"])
    return messages


def _patterns() -> list[str]:
    """Every `matches` pattern of the shipped library's sources (as the bundle stores them)."""
    from tactful import api

    bundle = api.compile([ROOT / "frameworks"]).bundle
    assert bundle is not None
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str) and node.get("op") == "matches":
                found.append(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bundle.model_dump())
    return found


def test_a_text_it_rules_out_never_matches():
    patterns, messages = _patterns(), _corpus()
    assert patterns and messages
    read = 0
    for pattern in patterns:
        needs = pattern_needs(pattern)
        if needs is None:
            continue
        read += 1
        regex = re2.compile(pattern)
        for message in messages:
            if not may_match(needs, message, folded_text(message)):
                assert regex.search(message) is None, (pattern, message)
    assert read >= len(patterns) // 2  # it reads most patterns the library is written in
