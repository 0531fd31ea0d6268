"""The runtime prints a text from its parts (render.Text) exactly as Jinja2 renders the template the
compiler writes for it (parts_template with make_environment): the written templates are what tools
and other runtimes read, so the two must never disagree."""

from __future__ import annotations

import pytest

from tactful.runtime.render import NOT_GIVEN, Text, make_environment, parts_template

PARTS = [
    ["Plain text, {braces} and {% tags %} stay as written.  "],
    ["Line\r\nbreaks\rbecome\nnewlines"],
    ["You were charged ", {"slot": "amount"}, " twice."],
    ["Hi ", {"field": "customer_name", "or": "there"}, ", thanks."],
    ["Hi", {"optional": [" ", {"field": "customer_name"}]}, "."],
    ["Order", {"optional": [" ", {"slot": "order_id"}, " for ", {"slot": "amount", "or": "the amount"}]}, " is noted."],
    [{"slot": "order_id"}, " / ", {"field": "count"}, " / ", {"field": "flag"}],
    ["  ", {"slot": "amount", "or": ""}, "  "],
]
VALUES = [
    {"amount": "$4.00", "customer_name": "Ana", "order_id": "A-1", "count": 3, "flag": True},
    {"amount": None, "customer_name": None, "order_id": None, "count": None, "flag": None},
    {"amount": "", "customer_name": "", "order_id": "  ", "count": 0, "flag": False},
    {"amount": "{{ 7*7 }}", "customer_name": "x\r\ny", "order_id": "B", "count": 2.5, "flag": False},
]


@pytest.mark.parametrize("note", [False, True], ids=["reply", "handoff"])
@pytest.mark.parametrize("parts", PARTS, ids=range(len(PARTS)))
def test_a_text_prints_what_its_template_renders(parts, note):
    template = make_environment(note=note).from_string(parts_template(parts))
    text = Text(parts, NOT_GIVEN if note else "")
    for values in VALUES:
        assert text.render(values) == template.render(values=values).strip(), values


@pytest.mark.parametrize("name", ["7*7", 'x"] ~ 7*7 ~ values["y', "x'] + str(1) + v['y", "x\n{{ 7*7 }}", "__class__", "_o"])
def test_a_text_reads_any_name_as_a_key(name):
    """A text is generated Python code; a name (even one no bundle may hold) is only a string key in
    it, and a value is printed, never evaluated."""
    values = {name: "V", "y": "W"}
    assert Text([{"slot": name}]).render(values) == "V"
    assert Text(["a ", {"optional": [{"field": name, "or": "F"}, "!"]}]).render(values) == "a V!"
    assert Text(["a ", {"optional": [{"field": name}, "!"]}]).render({name: None}) == "a"
    assert Text([{"slot": name}, " {{ 7*7 }}"]).render({name: "{{ 7*7 }}"}) == "{{ 7*7 }} {{ 7*7 }}"


def test_a_long_text_renders():
    parts = [p for i in range(3000) for p in (f"w{i} ", {"slot": "s"}, " ")]
    assert Text(parts).render({"s": "x"}) == "".join(f"w{i} x " for i in range(3000)).strip()


def test_a_phrase_bank_is_checked_once_per_set_of_known_names_and_each_set_is_checked():
    from tactful.runtime.errors import BundleError
    from tactful.runtime.render import Texts

    texts = Texts()
    bank = [{"parts": ["Thanks, ", {"slot": "customer_name"}, "."]}, {"parts": ["Thanks."]}]
    known = frozenset({"customer_name", "message"})
    first = texts.bank(bank, known, "`a` reply `r`")
    assert texts.bank(bank, frozenset({"message", "customer_name"}), "`b` reply `r`") is first  # shared
    assert [parts for _, parts in first] == [bank[0]["parts"], bank[1]["parts"]]
    with pytest.raises(BundleError, match="`c` reply `r`.*`customer_name`"):  # another set of names: checked
        texts.bank(bank, frozenset({"message"}), "`c` reply `r`")
