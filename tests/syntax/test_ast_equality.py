"""AST equality ignores spans: the same entries written at other positions compare equal, and a
different word does not."""

from __future__ import annotations

import pytest

from syntax_helpers import clean_sources, parse_text, source_id

PREFIXES = ["\n", "\n\n\n", "# a comment\n", "# one\n\n# two\n   \n", "\n# indented comments count for nothing\n    # too\n"]


def _between_entries(text: str, insert: str) -> str:
    """text with `insert` before every entry line (column 1, outside triple-quoted texts)."""
    out, in_long = [], False
    for line in text.split("\n"):
        if not in_long and line[:1].isalpha():
            out.append(insert.rstrip("\n"))
        out.append(line)
        if line.count('"""') % 2:
            in_long = not in_long
    return "\n".join(out)


@pytest.mark.parametrize("path", clean_sources(), ids=source_id)
def test_leading_blank_lines_and_comments_do_not_change_entries(path):
    text = path.read_text(encoding="utf-8")
    base, _ = parse_text(text)
    for prefix in PREFIXES:
        moved, diagnostics = parse_text(prefix + text)
        assert diagnostics == [] or [d.code for d in diagnostics] == [d.code for d in parse_text(text)[1]]
        assert moved.entries == base.entries, f"prefix {prefix!r} changed the AST"
        assert moved.entries[0].span != base.entries[0].span, "the spans did move: equality ignored them"


@pytest.mark.parametrize("path", clean_sources(), ids=source_id)
def test_comments_between_entries_do_not_change_entries(path):
    text = path.read_text(encoding="utf-8")
    base, _ = parse_text(text)
    moved, _ = parse_text(_between_entries(text, "# between entries\n\n"))
    assert moved.entries == base.entries
    assert len(moved.comments) > len(base.comments)


def test_a_different_word_is_a_different_ast():
    text = 'framework demo.a "A"\n  owner support\n  reply public\n    next "On it."\n'
    a, _ = parse_text(text)
    b, _ = parse_text(text.replace("support", "finance"))
    c, _ = parse_text(text.replace("On it.", "On it!"))
    assert a.entries != b.entries
    assert a.entries != c.entries
    assert a.entries == parse_text("\n\n" + text)[0].entries
