"""Valid JSON that used to get a 500: NaN and Infinity, lone surrogates ("\\ud800") in every field;
the same through the Python API (a DraftError naming the field, not UnicodeEncodeError) (issue #12).

In-process (httpx's ASGI transport): the app's answers, without a server."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from bundle_builder import SLOTS, ctx
from serve_helpers import write_bundle
from tactful.runtime import DraftError, Library
from tactful.service.app import create_app

INTENT = "billing.duplicate_charge"
S = "\\ud800"  # as written in JSON: a lone surrogate, which json.loads accepts


def body(intent=f'"{INTENT}"', slots=None, context=None) -> str:
    slots = slots if slots is not None else json.dumps(SLOTS)
    context = context if context is not None else json.dumps(ctx())
    return f'{{"intent": {intent}, "slots": {slots}, "context": {context}}}'


HOSTILE = {
    "intent NaN": ('{"intent": NaN}', ["intent"]),
    "intent Infinity": (body(intent="Infinity"), ["intent"]),
    "slot NaN": (body(slots='{"case_reference": "BIL-20931", "amount": NaN}'), ["slots", "amount"]),
    "context NaN": (body(context='{"message": "hi", "channel": "email", "contact_count": NaN}'), ["context", "contact_count"]),
    "context -Infinity": (body(context='{"message": "hi", "channel": "email", "contact_count": -Infinity}'),
                          ["context", "contact_count"]),
    "message surrogate": (body(context=f'{{"message": "a{S}b", "channel": "email"}}'), ["context", "message"]),
    "slot surrogate": (body(slots=f'{{"case_reference": "BIL-20931", "amount": "{S}"}}'), ["slots", "amount"]),
    "intent surrogate": (body(intent=f'"{S}"'), ["intent"]),
    "context key surrogate": (body(context=f'{{"message": "hi", "channel": "email", "{S}": "x"}}'), ["context"]),
    "slot key surrogate": (body(slots=f'{{"case_reference": "BIL-20931", "{S}": "x"}}'), ["slots"]),
    "seed surrogate": (body(context=f'{{"message": "hi", "channel": "email", "seed": "{S}"}}'), ["context", "seed"]),
    "channel surrogate": (body(context=f'{{"message": "hi", "channel": "{S}"}}'), ["context", "channel"]),
    "customer_name surrogate": (body(context=f'{{"message": "hi", "channel": "email", "customer_name": "{S}"}}'),
                                ["context", "customer_name"]),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "bundle.json"
    write_bundle(path)
    return create_app(path, watch_interval=None)


def post_all(app, bodies: list[str]) -> list[httpx.Response]:
    async def go():
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return [await client.post("/v1/draft", content=b, headers={"content-type": "application/json"})
                    for b in bodies]

    return asyncio.run(go())


@pytest.mark.parametrize("case", list(HOSTILE))
def test_valid_json_never_gets_a_500(app, case):
    raw, where = HOSTILE[case]
    (r,) = post_all(app, [raw])
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    locs = [item["loc"] for item in r.json()["problems"]]  # the one error shape (docs/reference/http.md)
    assert any(loc[: len(where)] == where for loc in locs), locs


def test_a_surrogate_in_a_message_is_a_draft_error_in_the_python_api():
    from bundle_builder import make_bundle

    library = Library(make_bundle())
    for slots, context, loc in [
        (SLOTS, ctx("a\ud800b"), ("context", "message")),
        ({**SLOTS, "order_id": "\udcff"}, ctx(), ("slots", "order_id")),
        (SLOTS, ctx(seed="\ud800"), ("context", "seed")),
        (SLOTS, ctx(customer_name="\ud800"), ("context", "customer_name")),
        (SLOTS, ctx(contact_count=float("nan")), ("context", "contact_count")),
        (SLOTS, ctx(contact_count=float("inf")), ("context", "contact_count")),
    ]:
        with pytest.raises(DraftError) as caught:
            library.draft(INTENT, slots, context)
        assert loc in [p.loc for p in caught.value.problems], (loc, caught.value)
        json.dumps(caught.value.to_dict(), ensure_ascii=True)  # the error itself can be reported


def test_signal_holds_refuses_a_surrogate_too():
    from bundle_builder import make_bundle

    with pytest.raises(DraftError):
        Library(make_bundle()).signal_holds("legal_threat", {"message": "sue \ud800"})
