"""The Pygments lexer: registered under both aliases, and colouring what a reader needs to see."""

from __future__ import annotations

from importlib.metadata import entry_points

from pygments import lex
from pygments.lexers import find_lexer_class_by_name
from pygments.token import Comment, Error, Keyword, Name, Operator, String

from tactful.syntax.highlight import TactfulLexer


def tokens(src: str) -> list[tuple[object, str]]:
    return [(t, v) for t, v in lex(src, TactfulLexer()) if v.strip()]


def test_registered_as_a_pygments_plugin_with_both_aliases():
    eps = [ep for ep in entry_points(group="pygments.lexers") if ep.value == "tactful.syntax.highlight:TactfulLexer"]
    assert eps, "pyproject.toml must register tactful.syntax.highlight:TactfulLexer under pygments.lexers"
    assert eps[0].load() is TactfulLexer
    # `tactful` only: Pygments' built-in `tact` is TON's Tact, a smart-contract language, and wins any
    # lookup of that alias; our docs fence code as ```tactful.
    assert TactfulLexer.aliases == ["tactful"]
    assert find_lexer_class_by_name("tactful") is TactfulLexer


def test_texts_show_their_slots_fallbacks_and_optional_segments():
    toks = tokens('  restate "Charged {amount} twice[ for order {order_id}], {name or "there"}."\n')
    assert (Keyword.Pseudo, "restate") in toks
    assert (Name.Variable, "amount") in toks and (Name.Variable, "order_id") in toks
    assert (String.Interpol, "[") in toks and (String.Interpol, "]") in toks
    assert (Operator.Word, "or") in toks and (String.Double, '"there"') in toks


def test_keywords_regexes_comments_and_ids():
    src = ('framework billing.duplicate_charge "Duplicate charge"  # note\n'
           "  escalate legal when message matches /(?i)sue|lawyer/ and not sarcasm\n"
           '  guard contact_count >= 3 as third_contact "Third contact."\n')
    toks = tokens(src)
    assert (Keyword.Declaration, "framework") in toks
    assert (Name.Namespace, "billing.duplicate_charge") in toks
    assert (Comment.Single, "# note") in toks
    assert (String.Regex, "/(?i)sue|lawyer/") in toks
    assert (Operator.Word, "matches") in toks and (Operator.Word, "not") in toks
    assert (Keyword, "as") in toks


def test_never_errors_on_unfinished_or_odd_text():
    for src in ['  next "unterminated\n', '"""\nblock {x\n', "@@@ ~~~ {}[]\n", "\t\n"]:
        assert not [v for t, v in lex(src, TactfulLexer()) if t is Error], src
