"""`at least N of (a; b; c)`: parsed with its span, nested within the depth limit, checked (T1408),
and formatted idempotently."""

from __future__ import annotations

import pytest

from syntax_helpers import parse_text
from tactful import api
from tactful.source import SourceFile
from tactful.syntax import ast
from tactful.syntax.layout import format_source

GUARD = '''framework demo.cues "Cues"
  owner support
  guard {cond} as cues "Two cues."
  reply public
    next "ok"
  reply private
    next "ok"
'''


def _guard_cond(text: str):
    module, diagnostics = parse_text(text)
    assert not diagnostics, [d.message for d in diagnostics]
    fw = module.entries[0]
    return next(m for m in fw.members if isinstance(m, ast.Guard)).when


def test_parses_count_items_and_span():
    cond_text = 'at least 2 of (message mentions "bye", "farewell"; vip; not vip or contact_count >= 3)'
    text = GUARD.format(cond=cond_text)
    cond = _guard_cond(text)
    assert isinstance(cond, ast.AtLeast)
    assert cond.count == 2
    assert [type(x) for x in cond.items] == [ast.Mentions, ast.NameCond, ast.Or]
    assert [p.value for p in cond.items[0].phrases] == ["bye", "farewell"]  # the comma list stays the item's
    assert text[cond.span.start:cond.span.end] == cond_text
    item = cond.items[2]
    assert text[item.span.start:item.span.end] == "not vip or contact_count >= 3"


def test_nests_inside_and_around_other_conditions():
    cond = _guard_cond(GUARD.format(cond="vip and not at least 1 of (at least 2 of (a; b; c); d)"))
    assert isinstance(cond, ast.And) and isinstance(cond.items[1], ast.Not)
    inner = cond.items[1].item
    assert isinstance(inner, ast.AtLeast) and isinstance(inner.items[0], ast.AtLeast)


def test_at_and_least_remain_usable_as_names():
    cond = _guard_cond(GUARD.format(cond="at or least"))
    assert [x.name.value for x in cond.items] == ["at", "least"]


def test_items_may_continue_on_the_next_line_after_a_semicolon():
    cond = _guard_cond(GUARD.format(cond="at least 2 of (a;\n      b; c)"))
    assert len(cond.items) == 3


def test_items_separated_by_commas_are_a_syntax_error_not_a_traceback():
    _, diagnostics = parse_text(GUARD.format(cond="at least 2 of (a, b, c)"))
    assert [d.code for d in diagnostics] == ["T1001"]
    assert "at least N of" in diagnostics[0].message
    assert "separate the conditions with `;`" in diagnostics[0].hint
    assert diagnostics[0].span.column == 25  # the first comma


def test_depth_counts_at_least_levels(tmp_path):
    cond = "a"
    for _ in range(ast.MAX_CONDITION_DEPTH + 1):
        cond = f"at least 1 of ({cond}; b)"
    _, diagnostics = parse_text(GUARD.format(cond=cond))
    assert [d.code for d in diagnostics] == ["T1407"]


def _check(tmp_path, cond: str):
    (tmp_path / "tactful.toml").write_text("", encoding="utf-8")
    (tmp_path / "cues.tact").write_text("field vip bool\nfield away bool\n" + GUARD.format(cond=cond), encoding="utf-8")
    return api.check([tmp_path]).diagnostics


@pytest.mark.parametrize("count", ["0", "3", "1.5", "-1"])
def test_a_count_outside_1_to_the_items_is_T1408(tmp_path, count):
    diagnostics = _check(tmp_path, f'at least {count} of (vip; away)')
    assert [d.code for d in diagnostics] == ["T1408"]
    d = diagnostics[0]
    assert (d.span.line, d.span.column) == (5, 9)
    assert "1 to 2" in d.hint


@pytest.mark.parametrize("count", ["1", "2"])
def test_a_count_from_1_to_the_items_is_accepted(tmp_path, count):
    assert _check(tmp_path, f"at least {count} of (vip; away)") == []


def test_items_are_checked_like_any_condition(tmp_path):
    diagnostics = _check(tmp_path, "at least 1 of (vip; unknown_thing)")
    assert [d.code for d in diagnostics] == ["T1104"]
    assert "unknown_thing" in diagnostics[0].message


def test_fmt_is_canonical_and_idempotent():
    source = GUARD.format(cond='at  least 2 of ( message mentions "a","b";vip ;not vip or vip; at least 1 of (vip; vip and vip))')
    once = format_source(SourceFile("demo/sample.tact", source)).text
    assert next(ln for ln in once.splitlines() if "guard" in ln) == ('  guard at least 2 of (message mentions "a", "b"; vip; not vip or vip; '
                                    'at least 1 of (vip; vip and vip)) as cues "Two cues."')
    assert format_source(SourceFile("demo/sample.tact", once)).text == once
    assert _guard_cond(once) == _guard_cond(source)
