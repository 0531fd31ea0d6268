"""Spans point at the text they describe: names at the name, texts at their quotes, keyword-led
nodes at their keyword, and line/column agree with the offsets."""

from __future__ import annotations

import pytest

from syntax_helpers import clean_sources, nodes, parse_text, source_id
from tactful.source import SourceFile
from tactful.syntax import ast

KEYWORD = {
    ast.Use: "use", ast.TeamDecl: "team", ast.ChannelDecl: "channel", ast.FieldDecl: "field",
    ast.SignalDecl: "signal", ast.PhraseBank: "phrases", ast.StyleDecl: "style", ast.PolicyDecl: "policy",
    ast.FrameworkDecl: "framework", ast.Owner: "owner", ast.Tags: "tags", ast.Serves: "serves",
    ast.About: "about", ast.Slot: "slot", ast.Escalate: "escalate", ast.Guard: "guard", ast.Except: "except",
    ast.Reply: "reply", ast.Example: "example", ast.ExMessage: "message", ast.ExChannel: "channel",
    ast.ExContext: "context", ast.ExSlots: "slots", ast.Expect: "expect",
}


def _check_spans(text: str, module: ast.Module) -> int:
    src = SourceFile("x.tact", text)
    checked = 0
    for node in nodes(module.entries):
        span = node.span
        at = text[span.start:span.end]
        where = f"{type(node).__name__} at {span.line}:{span.column}: {at[:60]!r}"
        assert 0 <= span.start <= span.end <= len(text), where
        assert src.position(span.start) == (span.line, span.column), where
        assert src.position(span.end) == (span.end_line, span.end_column), where
        match node:
            case ast.Name(value=value):
                assert at == value, where
            case ast.Text():
                assert at[:1] == '"' and at[-1:] == '"' and len(at) >= 2, where
            case ast.Regex(pattern=pattern):
                assert at[:1] == "/" == at[-1:] and at[1:-1].replace("\\/", "/") == pattern, where
            case ast.TextSlot(name=name):
                assert at.startswith("{") and at.endswith("}") and name.value in at, where
            case ast.TextOptional():
                assert at.startswith("[") and at.endswith("]"), where
            case ast.TextLiteral(text=literal) if "\\" not in at and "\n" not in literal:
                assert at == literal, where
            case ast.Move(kind=kind):
                assert at.startswith(kind.value), where
            case _ if type(node) in KEYWORD:
                assert at.split()[0] == KEYWORD[type(node)], where
        checked += 1
    return checked


@pytest.mark.parametrize("path", clean_sources(), ids=source_id)
def test_spans_point_at_their_text(path):
    text = path.read_text(encoding="utf-8")
    module, _ = parse_text(text)
    assert _check_spans(text, module) > 0


def test_spans_after_leading_lines_are_shifted_not_reset():
    text = 'framework demo.a "A"\n  owner support\n  reply public\n    next "Hi {name}."\n'
    module, _ = parse_text("\n\n# two lines down\n" + text)
    fw = module.entries[0]
    assert (fw.span.line, fw.span.column) == (4, 1)
    assert (fw.intent.span.line, fw.intent.span.column) == (4, 11)
    owner = fw.members[0]
    assert (owner.team.span.line, owner.team.span.column) == (5, 9)
    slot = fw.members[1].moves[0].text.slots()[0]
    assert (slot.span.line, slot.span.column, slot.span.end_column) == (7, 14, 20)
    assert (slot.name.span.column, slot.name.span.end_column) == (15, 19)


def test_spans_inside_a_recovered_entry_are_absolute():
    """Recovery parses pieces of the file on their own: their spans must still be file offsets."""
    text = ('team support support\n\nframework demo.a "A"\n  owner finanse finanse\n'
            '  reply public\n    next "Hi {name}."\n')
    module, diagnostics = parse_text(text)
    assert [(d.span.line, d.span.column) for d in diagnostics] == [(1, 14), (4, 17)]
    fw = module.entries[-1]
    assert isinstance(fw, ast.FrameworkDecl)
    assert _check_spans(text, module) > 5
    reply = fw.members[-1]
    assert (reply.span.line, reply.moves[0].text.slots()[0].span.column) == (5, 14)


def test_names_end_at_the_word_whatever_spaces_follow():
    """The lexer reads a word with the spaces after it in one go (parser.py): spans must not know."""
    text = ('framework demo.spaces   "Spaces"\n  owner support  \t\n  tags alpha \t ,  beta\n'
            '  reply public\n    next\t"Hi."\n  reply private \n    next "Hi."\n')
    module, diagnostics = parse_text(text)
    assert diagnostics == []
    assert _check_spans(text, module) > 10
    fw = module.entries[0]
    assert [n.value for n in fw.members[1].names] == ["alpha", "beta"]
    assert (fw.members[0].team.span.column, fw.members[0].team.span.end_column) == (9, 16)


@pytest.mark.parametrize("when", [
    "not is_outage_active and (all_caps or shouting)",
    "(all_caps or shouting) and not is_outage_active",
    "(all_caps and shouting) or (abuse and sarcasm)",
    "not (all_caps or shouting)",
    "abuse or ((all_caps))",
])
def test_a_condition_around_a_group_spans_its_parentheses(when):
    """An `and`, `or` or `not` whose first or last operand is in parentheses spans them: its span is
    what the bundle stores as the condition's source text, which once lost a closing parenthesis."""
    text = f'framework demo.a "A"\n  owner support\n  guard {when} as g "Hold."\n  reply public\n    next "Hi."\n'
    module, diagnostics = parse_text(text)
    assert diagnostics == []
    guard = next(n for n in nodes(module.entries) if isinstance(n, ast.Guard))
    span = guard.when.span
    assert text[span.start:span.end] == when
