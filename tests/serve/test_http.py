"""The HTTP service, over real HTTP: drafts, frameworks, errors in the library's words, limits."""

from __future__ import annotations

import json

import httpx
import pytest

from bundle_builder import SLOTS, ctx, make_bundle
from tactful.runtime import Library

pytestmark = pytest.mark.slow
INTENT = "billing.duplicate_charge"


def test_healthz_names_the_revision(server):
    r = httpx.get(server.url + "/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "revision": make_bundle().revision, "frameworks": 1}


def test_a_draft_is_the_librarys_draft(server):
    body = {"intent": INTENT, "slots": SLOTS, "context": ctx("CHARGEBACK. NOW. YOU CHARGED ME TWICE", seed="conv-9")}
    r = httpx.post(server.url + "/v1/draft", json=body)
    assert r.status_code == 200, r.text
    expected = Library(make_bundle()).draft(INTENT, SLOTS, body["context"]).to_dict()
    assert r.json() == expected
    assert r.json()["send_as_written"] is False and r.json()["escalations"][0]["team"] == "finance"


def test_null_slots_and_fields_mean_not_given(server):
    body = {"intent": INTENT, "slots": {**SLOTS, "order_id": None}, "context": {**ctx(), "contact_count": None}}
    r = httpx.post(server.url + "/v1/draft", json=body)
    assert r.status_code == 200 and "for order" not in r.json()["text"]


def test_unknown_intent_is_404_with_the_librarys_message(server):
    r = httpx.post(server.url + "/v1/draft", json={"intent": "billing.duplicate_charg", "slots": SLOTS, "context": ctx()})
    assert r.status_code == 404
    assert r.json() == {
        "detail": [{"type": "unknown_intent", "loc": ["body", "intent"],
                    "msg": "there is no framework for intent `billing.duplicate_charg`; did you mean `billing.duplicate_charge`?"}],
        "message": "there is no framework for intent `billing.duplicate_charg`; did you mean `billing.duplicate_charge`?",
    }


def test_missing_slots_are_422_listing_every_one(server):
    r = httpx.post(server.url + "/v1/draft", json={"intent": INTENT, "slots": {}, "context": ctx()})
    assert r.status_code == 422
    assert r.json()["message"] == "`billing.duplicate_charge` needs the required slot `case_reference`"
    assert [d["loc"] for d in r.json()["detail"]] == [["body", "slots", "case_reference"]]


def test_a_wrong_context_type_is_422_naming_the_field(server):
    r = httpx.post(server.url + "/v1/draft", json={"intent": INTENT, "slots": SLOTS, "context": {**ctx(), "contact_count": "three"}})
    assert r.status_code == 422
    assert r.json()["detail"] == [{"type": "invalid_context", "loc": ["body", "context", "contact_count"],
                                   "msg": "context field `contact_count` must be a number, not 'three'"}]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"slots": {}, "context": {}}, ["body", "intent"]),
        ({"intent": INTENT, "slots": {"amount": 49}}, ["body", "slots", "amount"]),
        ({"intent": INTENT, "context": {"message": ["a", "list"]}}, ["body", "context", "message"]),
        ({"intent": INTENT, "surprise": 1}, ["body", "surprise"]),
    ],
)
def test_invalid_bodies_are_422_naming_the_field(server, body, loc):
    r = httpx.post(server.url + "/v1/draft", json=body)
    assert r.status_code == 422
    assert [d["loc"][: len(loc)] for d in r.json()["detail"]][0] == loc


def test_a_body_that_is_not_json_is_422(server):
    r = httpx.post(server.url + "/v1/draft", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "Traceback" not in r.text


def test_bodies_over_64_kib_are_413(server):
    big = {"intent": INTENT, "slots": SLOTS, "context": ctx("x" * (64 * 1024))}
    r = httpx.post(server.url + "/v1/draft", json=big)
    assert r.status_code == 413
    assert r.json()["message"] == "the request body is larger than 64 KiB"


def test_a_chunked_body_over_64_kib_is_413(server):
    def chunks():
        yield b'{"intent": "billing.duplicate_charge", "context": {"message": "'
        for _ in range(80):
            yield b"y" * 1024
        yield b'"}}'

    r = httpx.post(server.url + "/v1/draft", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_a_body_just_under_the_limit_is_drafted(server):
    body = {"intent": INTENT, "slots": SLOTS, "context": ctx("")}
    room = 64 * 1024 - len(json.dumps(body).encode())
    body["context"]["message"] = "a" * room
    assert len(json.dumps(body).encode()) == 64 * 1024
    assert httpx.post(server.url + "/v1/draft", content=json.dumps(body), headers={"content-type": "application/json"}).status_code == 200


def test_frameworks_are_listed_and_shown(server):
    listed = httpx.get(server.url + "/v1/frameworks").json()
    assert [f["intent"] for f in listed] == [INTENT]
    assert listed[0]["slots"][0] == {"name": "case_reference", "type": "text", "required": True,
                                     "private": True, "example": "BIL-20931"}
    one = httpx.get(server.url + f"/v1/frameworks/{INTENT}")
    assert one.status_code == 200
    assert one.json() == json.loads(make_bundle().frameworks[0].model_dump_json())


def test_an_unknown_framework_is_404(server):
    r = httpx.get(server.url + "/v1/frameworks/billing.nope")
    assert r.status_code == 404
    assert r.json()["message"].startswith("there is no framework for intent `billing.nope`")


def test_the_openapi_document_describes_the_api(server):
    doc = httpx.get(server.url + "/openapi.json").json()
    assert set(doc["paths"]) == {"/v1/draft", "/v1/verify", "/v1/frameworks", "/v1/frameworks/{intent}", "/healthz"}
    draft = doc["components"]["schemas"]["DraftOut"]
    assert list(draft["properties"]) == ["framework", "revision", "reply", "text", "moves", "send_as_written",
                                         "guards", "escalations", "tags", "owner"]


def test_internal_errors_never_show_a_traceback(tmp_path, monkeypatch):
    """In-process (the only way to make the library fail on purpose): a bug answers a bare 500."""
    import asyncio

    from tactful.service import app as serve

    path = tmp_path / "bundle.json"
    path.write_text(make_bundle().model_dump_json(), encoding="utf-8")
    app = serve.create_app(path, watch_interval=None)

    def broken(*a, **k):
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr(app.state.holder.library, "draft", broken)

    async def call():
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/v1/draft", json={"intent": INTENT, "slots": SLOTS, "context": ctx()})

    r = asyncio.run(call())
    assert r.status_code == 500
    assert r.json() == {"detail": "internal error"}
    assert "secret" not in r.text and "Traceback" not in r.text
