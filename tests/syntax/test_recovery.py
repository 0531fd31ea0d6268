"""Error recovery: a broken entry becomes Junk with one diagnostic, and parsing resumes at the next
entry, so the healthy frameworks of the file are still parsed and checked."""

from __future__ import annotations

from syntax_helpers import SYNTAX_CODES, parse_text
from tactful import api
from tactful.syntax import ast

THREE_BROKEN_ONE_GOOD = '''\
framework demo.broken_owner "Broken owner"
  owner finance finance
  reply public
    next "On it."

framework demo.good "Good"
  owner finance
  slot amount money required
    example "$5.00"
  reply public
    next "We're refunding {amount} now."
  reply private
    next "We're refunding {ammount} now."

framework demo.broken_text "Broken text"
  owner support
  reply public
    next "We will call you back

framework demo.broken_keyword "Broken keyword"
  ownr support
  reply public
    next "On it."
'''


def test_three_broken_frameworks_give_three_errors_and_the_good_one_is_parsed():
    module, diagnostics = parse_text(THREE_BROKEN_ONE_GOOD)
    syntax = [d for d in diagnostics if d.code in SYNTAX_CODES]
    assert [(d.code, d.span.line) for d in syntax] == [("T1001", 2), ("T1002", 18), ("T1001", 21)]
    frameworks = [e for e in module.entries if isinstance(e, ast.FrameworkDecl)]
    good = [f for f in frameworks if f.intent.value == "demo.good"]
    assert len(good) == 1 and not good[0].has_junk
    assert [type(m).__name__ for m in good[0].members] == ["Owner", "Slot", "Reply", "Reply"]


def test_the_good_framework_is_still_checked(tmp_path):
    (tmp_path / "tactful.toml").write_text("")
    (tmp_path / "mixed.tact").write_text(THREE_BROKEN_ONE_GOOD)
    result = api.check([tmp_path / "mixed.tact"])
    got = [(d.code, d.span.line, d.span.column) for d in result.diagnostics]
    # the three syntax errors, and the checker's finding in the good framework: nothing else (the
    # broken frameworks' missing replies are not piled on)
    assert got == [("T1001", 2, 17), ("T1201", 13, 27), ("T1002", 18, 10), ("T1001", 21, 3)]


def test_a_broken_library_entry_does_not_hide_the_next_one():
    text = 'team support support\nteam night_shift "Nights"\nsignal upset\n  when message mentions\n'
    module, diagnostics = parse_text(text)
    assert [d.code for d in diagnostics] == ["T1001", "T1001"]
    assert [type(e).__name__ for e in module.entries] == ["Junk", "TeamDecl", "Junk"]
    assert module.entries[1].name.value == "night_shift"


def test_every_syntax_error_of_a_framework_is_reported():
    text = ('framework demo.two "Two"\n  owner support support\n  reply public\n    next "On it."\n'
            '  reply private\n    next "On it." "again"\n')
    _, diagnostics = parse_text(text)
    assert [(d.code, d.span.line) for d in diagnostics] == [("T1001", 2), ("T1001", 6)]
