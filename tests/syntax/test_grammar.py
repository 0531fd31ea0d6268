"""The grammar itself: it builds with Lark's strict mode (no shift/reduce conflicts, no terminals
whose regexes collide), and every clean file of the repository parses without a syntax error."""

from __future__ import annotations

import pytest

from syntax_helpers import SYNTAX_CODES, clean_sources, has_junk, parse_text, source_id
from tactful.syntax.engine import grammar_for_tests


def test_grammar_builds_in_strict_mode():
    pytest.importorskip("interegular", reason="strict mode needs interegular (in the dev extra)")
    grammar_for_tests(strict=True)


@pytest.mark.parametrize("path", clean_sources(), ids=source_id)
def test_clean_sources_parse_without_errors(path):
    module, diagnostics = parse_text(path.read_text(encoding="utf-8"), source_id(path))
    assert [d for d in diagnostics if d.code in SYNTAX_CODES] == []
    assert not has_junk(module)
    assert module.entries, "every clean file declares something"
