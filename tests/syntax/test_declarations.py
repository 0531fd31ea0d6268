"""A declarations-only parse (what a second checking process reads of a file it does not check) sees
what the whole parse sees: the same declarations and framework heads, with the same spans."""

from __future__ import annotations

import pytest

from syntax_helpers import clean_sources, nodes, source_id
from tactful.source import SourceFile
from tactful.syntax import ast
from tactful.syntax.parser import parse, parse_declarations

HEAD = 'use stdlib.signals\n\n# the framework\nframework demo.{n} "Demo {n}"\n  owner support\n'
BODY = '  reply public\n    next "We\'re on it."\n  reply private\n    next "We\'re on it."\n'
SHAPES = {
    "the usual file": HEAD.format(n="one") + BODY,
    "two frameworks": HEAD.format(n="one") + BODY + '\nframework demo.two "Two"\n  owner support\n' + BODY,
    "a long text at column 1 in the body": HEAD.format(n="one") + '  about """\nframework demo.fake "Not a head"\n  """\n' + BODY,
    "a declaration with a long text first": 'team night_shift """\n  Nights.\n  """\n' + HEAD.format(n="one") + BODY,
    "a declaration after the framework": HEAD.format(n="one") + BODY + 'team night_shift "Nights"\n',
    "windows line ends": (HEAD.format(n="one") + BODY).replace("\n", "\r\n"),
}


def _stubs(entries) -> list:
    return [ast.FrameworkDecl(e.intent, e.title, (), True, span=e.span.to(e.title.span))
            if isinstance(e, ast.FrameworkDecl) else e for e in entries]


def _spans(entries) -> list:
    return [n.span for n in nodes(list(entries))]


def _compare(src: SourceFile) -> None:
    whole, diagnostics = parse(src)
    assert [d.code for d in diagnostics] == []
    declarations = parse_declarations(src)
    assert declarations.partial
    assert list(declarations.entries) == _stubs(whole.entries)
    assert _spans(declarations.entries) == _spans(_stubs(whole.entries))


@pytest.mark.parametrize("path", clean_sources(), ids=source_id)
def test_declarations_match_the_whole_parse(path):
    _compare(SourceFile(source_id(path), path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("shape", SHAPES)
def test_declarations_match_the_whole_parse_in_every_shape_of_file(shape):
    _compare(SourceFile("demo/shape.tact", SHAPES[shape]))
