"""The mistakes writers make, one at a time: each is reported once, at the mistake, with a hint that
names the fix; nothing that follows from it is reported again, and a misspelt name is never offered
as the fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tactful import api

REPLIES = """  reply private
    acknowledge "That sounds frustrating."
    next "I've passed it to the team; you'll hear back today."
  reply public
    acknowledge "That sounds frustrating."
    next "Send us a private message and we'll look at it today."
"""


def check(tmp_path: Path, text: str) -> list:
    (tmp_path / "tactful.toml").write_text("", encoding="utf-8")
    (tmp_path / "case.tact").write_text(text, encoding="utf-8")
    return api.check([tmp_path / "case.tact"]).diagnostics


def one(tmp_path: Path, text: str):
    found = check(tmp_path, text)
    assert len(found) == 1, [(d.code.value, d.message) for d in found]
    return found[0]


def test_a_broken_guard_line_reports_neither_the_unused_import_nor_the_example(tmp_path):
    d = check(tmp_path, 'use stdlib.signals\n\nframework demo.a "A"\n  owner support\n  guard all_caps = "Shouting"\n'
              '  escalate finance when refund_words and\n' + REPLIES +
              '  example "e"\n    message "hi"\n    channel email\n    expect guard all_caps\n    expect escalate finance\n')
    assert [x.code.value for x in d] == ["T1001", "T1001"], [(x.code.value, x.message) for x in d]


def test_a_misspelt_declaration_is_reported_once_and_never_offered_as_the_fix(tmp_path):
    d = check(tmp_path, 'use stdlib.signals\n\nframework demo.a "A"\n  owner support\n  guard all_cap "Shouting"\n'
              '  escalate finanse when legal_threat\n    handoff "Legal: {message}"\n' + REPLIES +
              '  example "e"\n    message "hi"\n    channel email\n    expect no guard all_cap\n    expect escalate finance\n')
    assert [(x.code.value, x.hint) for x in d] == [
        ("T1104", "did you mean `all_caps`?"),
        ("T1107", "did you mean `finance`?"),
    ]


@pytest.mark.parametrize(("line", "message", "hint"), [
    ('  guard contact_count = 3 "Third time"', "`=` is not a comparison", "did you mean `is` or `==`?"),
    ('  guard message mentions “refund” "Refunds"', "`“` is a curly quote", 'replace “…” with "…"'),
    ('  about """\n    never closed', 'this `"""` text is never closed', 'end it with `"""`'),
])
def test_a_syntax_mistake_gets_its_own_hint(tmp_path, line, message, hint):
    d = one(tmp_path, f'framework demo.a "A"\n  owner support\n{line}\n' + REPLIES)
    assert message in d.message and hint in d.hint, (d.message, d.hint)


def test_a_dash_in_an_intent_id(tmp_path):
    d = one(tmp_path, 'framework late-orders.gift "A"\n  owner support\n' + REPLIES)
    assert (d.code.value, d.message) == ("T1106", "an intent id cannot contain `-`")
    assert d.hint.endswith("`late_orders.gift`")


def test_a_move_dedented_to_member_level(tmp_path):
    d = one(tmp_path, 'framework demo.a "A"\n  owner support\n  reply private\n    acknowledge "That sounds frustrating."\n'
            '  next "I\'ve passed it on."\n  reply public\n    next "Send us a private message."\n')
    assert (d.code.value, d.span.line) == ("T1001", 5)
    assert d.message == "`next` is a move, so it belongs inside a `reply`"
    assert "indent it under its `reply`" in d.hint


def test_an_unclosed_brace_says_the_brace_is_missing(tmp_path):
    d = one(tmp_path, 'framework demo.a "A"\n  owner support\n  slot order_id required\n' +
            REPLIES.replace("I've passed it", "I've passed {order_id"))
    assert d.code.value == "T1004" and "missing `}`" in d.message


def test_a_slot_in_a_condition(tmp_path):
    d = one(tmp_path, 'framework demo.a "A"\n  owner support\n  slot vip\n  guard vip "VIP"\n' +
            REPLIES.replace("hear back today", "hear back today[, {vip}]"))
    assert d.code.value == "T1104" and "is a slot" in d.message
    assert "conditions read context fields, not slots" in d.hint and "declare a `field" in d.hint


@pytest.mark.parametrize("where", ["guard", "context"])
def test_an_unknown_context_field_gets_a_did_you_mean_and_the_list(tmp_path, where):
    guard = '  guard contct_count >= 3 "Again"\n' if where == "guard" else ""
    context = "    context contct_count 3\n" if where == "context" else ""
    d = one(tmp_path, f'framework demo.a "A"\n  owner support\n{guard}' + REPLIES +
            f'  example "e"\n    message "hi"\n    channel email\n{context}    expect send\n')
    assert "did you mean `contact_count`?" in d.hint
    assert "context fields: " in d.hint and "`customer_name`" in d.hint


def test_an_optional_slot_in_a_handoff_note_is_no_warning(tmp_path):
    found = check(tmp_path, 'framework demo.a "A"\n  owner support\n  slot nickname\n'
                  '  escalate legal when message mentions "lawyer"\n    handoff "From {nickname}: {message}"\n' + REPLIES +
                  '  example "e"\n    message "my lawyer"\n    channel email\n    expect escalate legal\n')
    assert found == []


@pytest.mark.parametrize("text", ["", "\n\n", "# to do: the refund framework\n\n# more later\n"])
def test_a_file_that_declares_nothing_is_a_warning(tmp_path, text):
    d = one(tmp_path, text)
    assert d.code.value == "T1006" and "declares nothing" in d.message


def test_re2_rejections_reach_stderr_only_as_our_diagnostic(tmp_path):
    """RE2 (C++) logs rejected patterns through absl on stderr; only T1402 may appear."""
    (tmp_path / "tactful.toml").write_text("", encoding="utf-8")
    (tmp_path / "case.tact").write_text(
        'framework demo.a "A"\n  owner support\n  slot ref required\n    pattern /(?<=A)[0-9]+/\n    example "A12"\n'
        '  guard message matches /(a)\\1/ "Backreference"\n' + REPLIES.replace("hear back today", "hear back today ({ref})") +
        '  example "e"\n    message "hi"\n    channel email\n    slots ref "A12"\n    expect send\n', encoding="utf-8")
    for command in ("check", "test"):
        done = subprocess.run([sys.executable, "-m", "tactful", command, str(tmp_path)], capture_output=True, text=True)
        assert done.returncode == 1
        output = done.stderr + done.stdout
        # check prints both rejections; test names the broken file and leaves the diagnostics to check
        assert output.count("[T1402]") == (2 if command == "check" else 0), output
        for noise in ("re2.cc", "absl", "InitializeLog", "E0000"):
            assert noise not in output, output
