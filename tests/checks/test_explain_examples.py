"""`tactful explain` teaches by example: every example it shows is a deliberate case of its own code
(placed in a framework the way its indentation says, the code is reported), and every text snippet it
recommends (`{name or 'fallback'}`, `[, {name}]`) is valid in a text."""

from __future__ import annotations

import re

import pytest

from tactful import api
from tactful.codes import CODES

BASE = """use stdlib.signals

framework demo.example "Example"
  owner support
  slot case_reference required private
    example "BIL-1234"
  slot customer_name
    example "Dana"
  guard sarcasm "Read the whole thread first."
@MEMBERS@
  reply private
@MOVES@
    restate "Case {case_reference} is still open."
    next "I've passed case {case_reference} to the team; you'll hear back today."
  reply public
    acknowledge "That sounds frustrating."
    next "Send us a private message and we'll look at it today."
  example "a message"
    message "Where is my refund?"
@ITEMS@
    channel email
    slots case_reference "BIL-1234"
    expect send
"""
_MOVES = ("acknowledge", "ask", "restate", "next", "close")


def placed(snippet: str) -> str:
    """A file holding the snippet where its indentation puts it: a file's head, a framework member, a
    reply's move or an example's line."""
    if snippet.strip() and all(ln.startswith("#") for ln in snippet.strip().split("\n")):
        return snippet  # a file of comments only
    first = snippet.split("\n", 1)[0]
    indent = len(first) - len(first.lstrip())
    slots = {"@MEMBERS@": "", "@MOVES@": "", "@ITEMS@": ""}
    head = ""
    if indent == 0:
        head = snippet + "\n"
    elif indent == 2:
        slots["@MEMBERS@"] = snippet.rstrip("\n")
    elif first.split()[0] in _MOVES:
        slots["@MOVES@"] = snippet.rstrip("\n")
    else:
        slots["@ITEMS@"] = snippet.rstrip("\n")
    text = BASE
    for mark, value in slots.items():
        text = text.replace(mark + "\n", value + "\n" if value else "")
    return head + text


def diagnostics(tmp_path, text: str) -> list[str]:
    (tmp_path / "tactful.toml").write_text("", encoding="utf-8")
    (tmp_path / "example.tact").write_text(text, encoding="utf-8")
    return [d.code.value for d in api.check([tmp_path / "example.tact"]).diagnostics]


def test_the_frame_is_clean(tmp_path):
    assert diagnostics(tmp_path, placed("")) == []


@pytest.mark.parametrize("code", [c for c in CODES.values() if c.example], ids=lambda c: c.code)
def test_every_example_is_a_case_of_its_code(tmp_path, code):
    found = diagnostics(tmp_path, placed(code.example))
    assert code.code in found, (code.example, found)


SNIPPETS = sorted({m for c in CODES.values() for t in (c.explanation, c.fix)
                   for m in re.findall(r"`([^`]*\{[^`]*)`", t) if m.startswith(("{", "[")) and "{…}" not in m})


def test_there_are_text_snippets_to_check():
    assert "{customer_name or 'there'}" in SNIPPETS and "[, {customer_name}]" in SNIPPETS


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_every_recommended_text_snippet_is_valid_in_a_text(tmp_path, snippet):
    used = snippet.replace("{name", "{customer_name").replace("…", " ")
    text = placed(f'    acknowledge "Thanks{used}, that sounds frustrating."\n')
    found = diagnostics(tmp_path, text)
    assert not [c for c in found if c.startswith("T10")], (used, found)
