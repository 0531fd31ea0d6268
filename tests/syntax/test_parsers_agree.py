"""lark-cython is optional: the pure-Python Lark parser must give the very same AST, spans included."""

from __future__ import annotations

from pathlib import Path

import pytest

from tactful.source import SourceFile
from tactful.syntax.engine import _plugins
from tactful.syntax.parser import Parser

from syntax_helpers import nodes

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "frameworks").rglob("*.tact")) + sorted((ROOT / "stdlib").glob("*.tact")) + \
    sorted((ROOT / "tests" / "fixtures" / "checks").rglob("*.tact"))
# words followed by spaces and tabs (the lexer reads them together, then cuts the spaces off), and a
# syntax error right after such a word
SPACED = ('framework demo.spaces   "Spaces"\n  owner support  \t\n  tags alpha \t ,  beta\n'
          '  reply public\n    next\t"Hi."\n  reply private \n    nxt  "Hi."\n')


def _spans(node) -> list:
    """Every span in a node tree, in a fixed order (equality of nodes ignores spans)."""
    return [n.span for n in nodes(node)]


def _parse_all(parser: Parser):
    results = []
    for path in FILES:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        module, diagnostics = parser.parse(SourceFile(path.name, text))
        results.append((module, _spans(module), [(d.code, d.span, d.message) for d in diagnostics]))
    module, diagnostics = parser.parse(SourceFile("spaced.tact", SPACED))
    assert [d.code for d in diagnostics] == ["T1001"]
    results.append((module, _spans(module), [(d.code, d.span, d.message) for d in diagnostics]))
    return results


@pytest.mark.skipif(not _plugins(), reason="lark-cython is not installed: only one parser to compare")
def test_pure_python_and_compiled_parsers_agree():
    compiled = _parse_all(Parser())
    pure = _parse_all(Parser(compiled=False))
    assert len(pure) == len(compiled) > 50
    for (m1, s1, d1), (m2, s2, d2) in zip(compiled, pure):
        assert m1 == m2, m1.path
        assert s1 == s2, m1.path
        assert d1 == d2, m1.path
