"""A hand-edited bundle cannot carry code: every name is an identifier, checked at load, and
templates read values by subscript, so no name is ever evaluated (issue #12, "a bundle can carry
template code").

The attack: a slot named `7*7` and a part using it rendered `49`; `message.upper()` ran; and
`9**(9**9)` never returned. Each test tampers with a bundle the compiler built.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tactful.runtime import BundleError, Library, load_bundle, load_library
from tactful.runtime import bundle as b
from tactful.runtime.format import MOVE_KINDS, entry_name
from tactful.runtime.render import make_environment, template_source

SHOP = Path(__file__).parent / "fixtures" / "shop"
HOSTILE = ["7*7", "message.upper()", "9**(9**9)", "a b", "x}}{{7*7", "../../etc/passwd", "", "1abc", "é", "x\n"]


@pytest.fixture(scope="module")
def built() -> dict:
    from tactful import api

    from bundle_builder import bundle_data

    result = api.compile([SHOP])
    assert result.bundle is not None, [d.message for d in result.diagnostics]
    return bundle_data(result.bundle)


# --- where names live in a bundle -------------------------------------------------------------------

# a `module` is a label from a file path; `slot` and `field` are also a text part's, `signal`, `bool`,
# `compare`, `is` and `in` a condition's (docs/reference/bundle.md)
_NAME_KEYS = {"name", "field", "team", "id", "intent", "owner", "slot", "signal", "bool", "compare", "is", "in"}
_FREE_TEXT = {"at"}
_NAME_MAPS = {"phrases"}  # maps whose keys are names


def name_paths(data: object, path: tuple = ()) -> Iterator[tuple]:
    """Every path in the bundle's JSON that holds a name: a value, a list item or a mapping key."""
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*path, key)
            if key in _NAME_MAPS and isinstance(value, dict):
                for k in value:
                    yield (*here, ("key", k))
                for k, v in value.items():
                    yield from name_paths(v, (*here, k))
            elif key == "features" and path == ():
                yield from ((*here, i) for i in range(len(value)))
            elif key == "name" and len(path) >= 2 and path[-2] == "guards":
                continue  # a guard without `as` is named by its condition as written: free text
            elif key in _NAME_KEYS and isinstance(value, str) and not _FREE_TEXT & set(map(str, path)):
                yield here
            elif key in MOVE_KINDS and isinstance(value, str):  # a move that picks from a phrase bank
                yield here
            elif key not in ("at",):
                yield from name_paths(value, here)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from name_paths(item, (*path, i))


def tamper(data: dict, path: tuple, value: str) -> dict:
    data = copy.deepcopy(data)
    node = data
    for step in path[:-1]:
        node = node[step]
    last = path[-1]
    if isinstance(last, tuple):  # a mapping key
        node[value] = node.pop(last[1])
    else:
        node[last] = value
    return data


def loc(path: tuple) -> str:
    """The location as BundleError writes it: `frameworks[0].slots[1].name`."""
    out = ""
    for step in path:
        if isinstance(step, tuple):
            break
        out += f"[{step}]" if isinstance(step, int) else f".{step}"
    return out.lstrip(".")


def names_the_field(message: str, path: tuple) -> bool:
    """Whether the message's location is path's (pydantic adds the tag of a condition or a text
    part, as in `when.any.of[0].mentions.field`: the path's steps must appear in it, in order)."""
    found = re.search(r"at (\S+): ", message)
    if not found:
        return False
    steps = iter(re.findall(r"[^.\[\]]+", found[1]))
    return all(str(step) in steps for step in path if not isinstance(step, tuple))


def test_the_bundle_has_names_in_every_kind_of_place(built):
    """The walk below must reach every kind of name, or the tamper test proves little."""
    kinds = {tuple(s for s in p if isinstance(s, str))[-1] if not isinstance(p[-1], tuple) else p[-2] for p in name_paths(built)}
    assert {"name", "field", "team", "intent", "owner", "phrases", "features", "slot",
            "signal"} <= kinds | {p[0] for p in name_paths(built)}
    assert kinds & set(MOVE_KINDS), "the shop fixture picks from a phrase bank"
    slot_parts = [p for p in name_paths(built) if "parts" in p]
    assert slot_parts, "the shop fixture uses slots in its texts"


def kind_of_place(data: dict, path: tuple) -> tuple:
    """Where a name sits, without which item of a list or which key of a mapping: the field's path
    with indices and keys left out, and the keys beside it (which tell apart the models of a union,
    such as the kinds of condition). Names in the same kind of place pass the same check."""
    node = data
    for step in path[:-1]:
        node = node[step]
    steps = tuple("[]" if isinstance(s, int) else ("{}" if isinstance(s, tuple) else s) for s in path)
    beside = frozenset(node) if isinstance(node, dict) and not isinstance(path[-1], tuple) else None
    return steps, beside


def test_every_name_in_a_built_bundle_is_checked_at_load(built):
    """Tamper with a name in each kind of place, and with a seeded sample of all the others: the
    bundle is refused with a BundleError naming the field."""
    load_bundle(built)  # untouched, it loads
    paths = list(name_paths(built))
    assert len(paths) > 50
    first: dict[tuple, int] = {}
    for i, path in enumerate(paths):
        first.setdefault(kind_of_place(built, path), i)
    assert len(first) > 30
    sample = set(random.Random(12).sample(range(len(paths)), 15))
    for i in sorted(set(first.values()) | sample):
        path = paths[i]
        for hostile in ("7*7", "message.upper()", "9**(9**9)") if i in sample else ("9**(9**9)",):
            with pytest.raises(BundleError) as caught:
                load_library(tamper(built, path, hostile))
            message = str(caught.value)
            assert names_the_field(message, path), (path, message)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_slot_named_like_code_is_refused_with_the_field(built, hostile):
    """The issue's attack exactly: rename a slot and every part that uses it."""
    data = copy.deepcopy(built)
    fw = next(f for f in data["frameworks"] if any(s["name"] == "order_id" for s in f.get("slots", ())))
    i = next(i for i, s in enumerate(fw["slots"]) if s["name"] == "order_id")
    fw["slots"][i]["name"] = hostile
    text = repr(fw).replace("'order_id'", repr(hostile))
    fw.update(eval(text))  # noqa: S307 - a test's own repr of JSON data
    fi = data["frameworks"].index(fw)
    with pytest.raises(BundleError, match=re.escape(f"frameworks[{fi}].slots[{i}].name")):
        load_library(data)


def test_the_error_says_what_a_name_may_hold(built):
    data = tamper(built, ("teams", 0, "name"), "7*7")
    with pytest.raises(BundleError, match=r"teams\[0\]\.name: `7\*7` is not a name"):
        load_bundle(data)


# --- templates never evaluate a name ------------------------------------------------------------


@pytest.mark.parametrize("name", ["7*7", "message.upper()", "9**99", "none", "true", "self", "loop", "range",
                                  'x"] ~ 7*7 ~ values["y', "x\n{{ 7*7 }}", "__class__"])
def test_a_template_reads_any_name_as_a_value(name):
    """Even a name no bundle may hold (the model is bypassed here) is only a string in a template:
    the value is printed, nothing is evaluated, and keywords (`none`, `true`) or Jinja2's special
    names (`self`, `loop`) mean nothing."""
    part = b.SlotPart.model_construct(kind="slot", name=name, source="slot", fallback=None)
    optional = b.OptionalPart.model_construct(kind="optional", parts=[part])
    env = make_environment()
    assert env.from_string(template_source([part])).render(values={name: "V"}) == "V"
    assert env.from_string(template_source([optional])).render(values={name: "V"}) == "V"
    assert env.from_string(template_source([optional])).render(values={name: None}) == ""


@pytest.mark.parametrize("name", ["none", "true", "false", "self", "loop", "range", "values", "picks", "not_", "and_"])
def test_slots_named_like_jinja_words_render_their_values(name):
    """A valid slot name that is a Jinja2 keyword or special name renders the slot's value."""
    from bundle_builder import ctx, duplicate_charge, loc as at, make_bundle, move, reply

    fw = duplicate_charge(
        slots=[*duplicate_charge().slots, b.Slot(name=name, location=at(2))],
        replies=[reply("private.default", "private", [move("next", f"Got {{{name}}}[ and again {{{name}}}].")])],
    )
    library = Library(make_bundle([fw]))
    d = library.draft(fw.intent, {"case_reference": "BIL-20931", name: "VALUE"}, ctx())
    assert d.text == "Got VALUE and again VALUE."


# --- nesting --------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [65, 900, 5000])
def test_a_condition_nested_deeper_than_the_compiler_allows_is_refused(built, depth):
    """The compiler never nests a condition beyond 32 (T1407); a tampered bundle that does is a
    BundleError, whatever the depth, and never a RecursionError."""
    data = copy.deepcopy(built)
    fw = next(f for f in data["frameworks"] if any(isinstance(g, dict) for g in f.get("guards", ())))
    when: dict = {"bool": "is_outage_active"}
    for _ in range(depth):
        when = {"not": when}
    guard = next(g for g in fw["guards"] if isinstance(g, dict))
    guard["name"] = entry_name(guard)  # left out while its condition was a signal of that name
    guard["when"] = when
    with pytest.raises(BundleError, match="nested"):
        load_library(data).prepare()  # refused at load (too deep for the schema) or when prepared


@pytest.mark.parametrize("key", ["matches", "mentions"])
def test_a_lone_surrogate_in_a_pattern_is_a_bundle_error_that_prints(built, key):
    """JSON can spell a lone surrogate (\\ud800), which RE2 cannot take: a BundleError when the
    framework is prepared, whose message can be written to any stream (the surrogate, where it
    quotes it, escaped)."""
    import json

    from tactful.runtime import load_library
    from tactful.runtime.errors import BundleError

    data = copy.deepcopy(built)

    def tamper(node) -> bool:
        if isinstance(node, dict):
            value = node.get(key)
            if isinstance(value, str):
                node[key] = "\ud800"
                return True
            if isinstance(value, list) and value and isinstance(value[0], str):
                value[0] = "a\ud800"
                return True
            return any(tamper(v) for v in node.values())
        return isinstance(node, list) and any(tamper(v) for v in node)

    assert tamper(data)
    with pytest.raises(BundleError) as refused:
        load_library(json.dumps(data)).prepare()
    message = str(refused.value)
    message.encode("utf-8")  # printable
    assert "surrogate" in message or "\\ud800" in message


@pytest.mark.parametrize("when", [
    {"atleast": 3, "of": [{"bool": "is_outage_active"}, {"bool": "is_outage_active"}]},
    {"atleast": 0, "of": [{"bool": "is_outage_active"}]},
    {"atleast": 1, "of": []},
])
def test_an_at_least_count_the_compiler_would_refuse_is_a_bundle_error(built, when):
    """The compiler allows `at least N of` only for N from 1 to the number of items (T1408)."""
    data = copy.deepcopy(built)
    fw = next(f for f in data["frameworks"] if any(isinstance(g, dict) for g in f.get("guards", ())))
    guard = next(g for g in fw["guards"] if isinstance(g, dict))
    guard["name"] = entry_name(guard)
    guard["when"] = when
    with pytest.raises(BundleError, match="at least"):
        load_library(data).prepare()


@pytest.mark.parametrize("part", ["frameworks", "signals", "fields", "channels", "policies"])
def test_a_name_given_twice_is_refused_not_silently_replaced(built, part):
    """A second entry with the same name (a hand-merged bundle) would replace the first one, and
    which rule a draft followed would depend on the order: the load refuses it and names it."""
    data = copy.deepcopy(built)
    if not data.get(part):
        pytest.skip(f"the fixture's bundle has no {part}")
    data[part].append(copy.deepcopy(data[part][0]))
    key = "intent" if part == "frameworks" else "name"
    with pytest.raises(BundleError, match=f"two .*`{re.escape(data[part][0][key])}`"):
        load_library(data)
