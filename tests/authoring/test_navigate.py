"""What the editor is told about a place in a file (authoring/navigate.py), in a small project."""

from __future__ import annotations

from pathlib import Path

import pytest

from tactful.authoring import navigate as nav
from tactful.authoring.project import Project

SIGNALS = 'signal angry "Angry customers."\n  when message mentions "furious"\n  fires "I am furious"\n  quiet "I am fine"\n'
REFUND = '''use shared.signals
use stdlib.phrases

framework demo.refund "Refund"
  owner finance
  slot amount money private
    example "$5.00"
  guard angry as upset "Angry: write it yourself."  # tactful: ignore[T1304] quoting
  reply private when angry
    acknowledge pick validation
    next "We'll refund {amount or 'the payment'} today."
  reply public
    next "Send us a private message."
  example "angry"
    message "I am furious"
    channel email
    expect guard upset
'''


@pytest.fixture
def analysis(tmp_path):
    (tmp_path / "tactful.toml").write_text("", encoding="utf-8")
    for rel, text in {"frameworks/shared/signals.tact": SIGNALS, "frameworks/demo/refund.tact": REFUND}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    project = Project(tmp_path)
    return project, project.analyse("frameworks/demo/refund.tact")


def at(needle: str, delta: int = 0) -> int:
    return REFUND.index(needle) + delta


def labels(a, text: str, offset: int) -> list[str]:
    return [c.label for c in nav.complete(a, text, offset)]


def test_completion_after_keywords(analysis):
    _, a = analysis
    # the framework's own guard first, then the house policy's (whatever stdlib/policy.tact declares)
    from tactful.api import check_sources  # noqa: F401 - the same policy the analysis read
    offered = labels(a, REFUND, at("expect guard upset", 13))
    house = sorted(name for name in offered[1:])
    assert offered[0] == "upset" and offered[1:] == house
    assert {"all_caps", "crisis", "legal_review"} <= set(house)
    line = "    expect "
    assert labels(a, line, len(line)) == ["guard", "no", "escalate", "reply", "text", "send", "hold"]
    line = "  slot amount money "
    assert "money" not in labels(a, line, len(line)) and "required" in labels(a, line, len(line))
    line = "  reply "
    assert labels(a, line, len(line)) == ["public", "private"]
    in_condition = labels(a, REFUND, at("when angry", 5))
    assert in_condition[0] == "angry" and "contact_count" in in_condition and "caps_ratio" in in_condition


def test_keywords_that_can_start_a_line_depend_on_the_block():
    text = 'framework demo.x "X"\n  reply public\n    \n'
    assert labels(None, text, text.index("    \n") + 4) == ["acknowledge", "ask", "restate", "next", "close"]
    assert labels(None, text, text.index("  reply") + 2) == ["owner", "tags", "serves", "about", "slot", "escalate",
                                                             "guard", "except", "reply", "example"]
    assert labels(None, "", 0)[:2] == ["use", "team"]


def test_hover_on_keywords_codes_and_fields(analysis):
    _, a = analysis
    assert nav.hover(a, at("  reply private", 3))[0].startswith("`reply public|private")
    code, span = nav.hover(a, at("T1304", 2))
    assert code.startswith("**T1304**") and REFUND[span.start:span.end] == "T1304"
    assert nav.hover(a, at("message \"I am", 2))[0].startswith("In an example")


def test_definition_and_references_across_files(analysis):
    project, a = analysis
    where = nav.definition(a, at("when angry", 6))
    assert (where.file, where.line) == ("frameworks/shared/signals.tact", 1)
    module = nav.definition(a, at("use shared", 5))
    assert module.file == "frameworks/shared/signals.tact"
    refs = nav.references(a, at("when angry", 6), project.modules("frameworks"))
    assert [(s.file, s.line) for s in refs] == [("frameworks/demo/refund.tact", 8), ("frameworks/demo/refund.tact", 9),
                                                ("frameworks/shared/signals.tact", 1)]


def test_rename_refuses_what_is_not_a_slot_or_a_taken_name(analysis):
    _, a = analysis
    assert "only slots" in nav.rename_slot(a, at("owner finance", 7), "x")
    assert "is not a name" in nav.rename_slot(a, at("{amount", 2), "two words")
    assert len(nav.rename_slot(a, at("{amount", 2), "price")) == 2


def test_quick_fix_replaces_the_misspelt_name_only():
    from tactful.source import SourceFile

    text = 'next "Hi {ammount}."'
    span = SourceFile("x", text).span(text.index("{"), text.index("}") + 1)
    assert nav.quick_fix(text, span, "slot `ammount` is not declared", "did you mean `amount`? (line 3)") == (
        text.index("ammount"), text.index("ammount") + 7, "amount")
    assert nav.quick_fix(text, span, "slot `ammount` is not declared", "declare it") is None
