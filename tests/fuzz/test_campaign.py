"""The fuzz campaign (issue #12, "keep it covered"): mutated sources through check, build and the
runtime; tampered bundles through load_library; hostile requests through the HTTP app. The
invariant everywhere: no exception but a diagnostic or a typed error (DraftError, BundleError, a
4xx) that says where, and no hang.

Bounded and seeded (hypothesis, derandomized): a few seconds in `make test`. `make fuzz` runs the
same campaign with TACTFUL_FUZZ_SCALE=40 (about forty times the cases) and the load test
(tests/serve/test_load_swap.py) longer: see the Makefile."""

from __future__ import annotations

import asyncio
import copy
import json
import math
import os
import tempfile
from functools import cache
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tactful import api
from tactful.codes import CODES
from tactful.runtime import BundleError, DraftError, Library, load_library

SCALE = max(1, int(os.environ.get("TACTFUL_FUZZ_SCALE", "1")))
TESTS = Path(__file__).parents[1]
SHOP = TESTS / "runtime" / "fixtures" / "shop"
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in
              [*sorted((TESTS / "fixtures" / "valid").glob("*.tact")), SHOP / "shop.tact"]]
WORDS = ["framework", "slot", "required", "reply", "public", "private", "when", "not", "and", "or", "(", ")",
         "guard", "escalate", "as", "handoff", "pick", "signal", "use", "expect", "{", "}", "[", "]", '"', "/",
         "{amount}", "{x or 'y'}", "{{ 7*7 }}", "{% if true %}", "\\", "#", "\t", "\x00", "é", "\ud7ff", "🙂",
         "not " * 40, "(" * 40, "7*7", "message.upper()", "none", "self", "-", "..", "../x"]


def fuzz(examples: int):
    return settings(max_examples=examples * SCALE, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@st.composite
def mutated_source(draw) -> str:
    lines = draw(st.sampled_from(SEED_TEXTS)).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "replace_word", "indent"]))
        line = lines[i]
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "insert":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.sampled_from(WORDS)) + line[at:]
        elif op == "replace_word" and line.split():
            words = line.split(" ")
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(WORDS))
            lines[i] = " ".join(words)
        elif op == "indent":
            lines[i] = " " * draw(st.integers(0, 6)) + line.lstrip(" ")
    return "\n".join(lines)


def draft_every_example(library: Library) -> None:
    """Each example of each framework, as a request: a draft or a DraftError, nothing else."""
    for fw in library.bundle.frameworks:
        for ex in fw.examples:
            context = {"message": ex.message, "channel": ex.channel, "visibility": ex.visibility, **ex.context}
            try:
                library.draft(fw.intent, dict(ex.slots), context)
            except DraftError as e:
                assert e.problems and all(p.loc for p in e.problems)


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        (root / "tactful.toml").write_text("", encoding="utf-8")
        yield root


@fuzz(12)
@given(text=mutated_source())
def test_mutated_sources_through_check_build_and_the_runtime(workdir, text):
    path = workdir / "fuzz.tact"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = api.compile([workdir])
    for d in result.diagnostics:
        assert d.code in CODES and d.span.file, d
        src = result.sources.get(d.span.file)
        assert src is not None and 0 <= d.span.start <= d.span.end <= len(src.text), d
    if result.bundle is not None:
        assert result.errors == 0
        api.build_outputs(result.bundle)
        library = Library(result.bundle)  # what check and build accept, the runtime loads
        draft_every_example(library)


# --- tampered bundles ---------------------------------------------------------------------------


@cache
def shop_bundle() -> str:
    result = api.compile([SHOP])
    assert result.bundle is not None
    return api.build_outputs(result.bundle, ["bundle"])["bundle.json"]


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


HOSTILE_VALUES = [None, 0, -1, 10**40, 1e308, math.nan, True, "", "7*7", "{{ 7*7 }}", "message.upper()",
                  "9**(9**9)", "x" * 5000, "\ud800", "²", "١.٠", [], {}, [[[[[]]]]], {"op": "not"},
                  {"op": "signal", "name": "nope"}, {"kind": "slot", "name": "none"}, {"not": {}}, {"signal": "nope"},
                  {"slot": "none"}, {"field": "7*7"}, "house.nope"]


@st.composite
def tampered(draw):
    data = json.loads(shop_bundle())
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        key = path[-1]
        op = draw(st.sampled_from(["replace", "replace", "delete", "duplicate"]))
        if op == "replace":
            parent[key] = copy.deepcopy(draw(st.sampled_from(HOSTILE_VALUES)))
        elif op == "delete" and isinstance(parent, dict):
            del parent[key]
        elif op == "delete":
            parent.pop(key)
        elif isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
    return data


@fuzz(40)
@given(data=tampered())
def test_tampered_bundles_through_load_library(data):
    try:
        library = load_library(data).prepare()  # refused at load, or when prepared
    except BundleError as e:
        assert str(e)
        return
    draft_every_example(library)


# --- hostile requests -----------------------------------------------------------------------------

_leaf = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                  st.text(max_size=30), st.sampled_from(["\ud800", "\udcff", "é", "BIL-20931", "email", "x", "public"]))
_json = st.recursive(_leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                     max_leaves=8)
_names = st.sampled_from(["intent", "slots", "context", "message", "channel", "visibility", "contact_count", "seed",
                          "customer_name", "case_reference", "amount", "order_id", "\ud800", ""])


@st.composite
def request_body(draw) -> str:
    body = {
        "intent": draw(st.one_of(st.sampled_from(["shop.double_charge", "billing.duplicate_charge", "\ud800"]), _json)),
        "slots": draw(st.one_of(st.dictionaries(_names, _leaf, max_size=4), _json)),
        "context": draw(st.one_of(st.dictionaries(_names, _leaf, max_size=5), _json)),
    }
    for key in draw(st.lists(st.sampled_from(list(body)), max_size=2)):
        body.pop(key, None)
    raw = json.dumps(body, allow_nan=True)  # NaN and Infinity, as a client may send them
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(0, len(raw)))]  # and cut bodies
    return raw


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from tactful.service.app import create_app

    path = tmp_path_factory.mktemp("fuzz") / "bundle.json"
    path.write_text(shop_bundle(), encoding="utf-8")
    return create_app(path, watch_interval=None)


@fuzz(40)
@given(raw=request_body())
def test_hostile_requests_through_the_http_app(app, raw):
    async def post():
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://fuzz") as client:
            return await client.post("/v1/draft", content=raw.encode("utf-8", "surrogatepass"),
                                     headers={"content-type": "application/json"})

    r = asyncio.run(post())
    assert r.status_code < 500, (r.status_code, r.text[:300])
    answer = r.json()
    if r.status_code != 200:
        assert answer["type"] and answer["problems"] is not None and all("loc" in p for p in answer["problems"])
