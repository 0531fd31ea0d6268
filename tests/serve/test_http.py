"""The HTTP service, over real HTTP: drafts, frameworks, errors in the library's words, limits."""

from __future__ import annotations

import json

import httpx
import pytest

from tactful.emit.bundle import bundle_json
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
    message = "there is no framework for intent `billing.duplicate_charg`; did you mean `billing.duplicate_charge`?"
    assert r.json() == {"type": "unknown_intent", "message": message, "problems": [{"loc": ["intent"], "msg": message}]}


def test_missing_slots_are_422_listing_every_one(server):
    r = httpx.post(server.url + "/v1/draft", json={"intent": INTENT, "slots": {}, "context": ctx()})
    assert r.status_code == 422
    assert r.json()["message"] == "`billing.duplicate_charge` needs the required slot `case_reference`"
    assert [d["loc"] for d in r.json()["problems"]] == [["slots", "case_reference"]]


def test_a_wrong_context_type_is_422_naming_the_field(server):
    r = httpx.post(server.url + "/v1/draft", json={"intent": INTENT, "slots": SLOTS, "context": {**ctx(), "contact_count": "three"}})
    assert r.status_code == 422
    assert r.json()["problems"] == [{"loc": ["context", "contact_count"],
                                     "msg": "context field `contact_count` must be a number, not 'three'"}]


# The same mistake gets the same answer from Python and from HTTP: DraftError.to_dict() is the body.
SAME_MISTAKES = {
    "unknown intent": {"intent": "billing.nope", "slots": SLOTS, "context": ctx()},
    "missing slot": {"intent": INTENT, "slots": {}, "context": ctx()},
    "a slot given as a number": {"intent": INTENT, "slots": {**SLOTS, "case_reference": 4815162}, "context": ctx()},
    "an unknown slot": {"intent": INTENT, "slots": {**SLOTS, "ammount": "$1"}, "context": ctx()},
    "a context value of the wrong type": {"intent": INTENT, "slots": SLOTS, "context": {**ctx(), "contact_count": "three"}},
    "a list as a context value": {"intent": INTENT, "slots": SLOTS, "context": {**ctx(), "message": ["a", "list"]}},
    "an unknown context field": {"intent": INTENT, "slots": SLOTS, "context": {**ctx(), "contct_count": 3}},
    "intent null": {"intent": None, "slots": SLOTS, "context": ctx()},
    "intent a number": {"intent": 7, "slots": SLOTS, "context": ctx()},
    "a list as context": {"intent": INTENT, "slots": SLOTS, "context": ["message", "hi"]},
    "slots a text": {"intent": INTENT, "slots": "BIL-20931", "context": ctx()},
}


@pytest.mark.parametrize("mistake", list(SAME_MISTAKES))
def test_python_and_http_give_the_same_body_for_the_same_mistake(server, mistake):
    from tactful.runtime import DraftError

    body = SAME_MISTAKES[mistake]
    with pytest.raises(DraftError) as e:
        Library(make_bundle()).draft(body["intent"], body["slots"], body["context"])
    r = httpx.post(server.url + "/v1/draft", json=body)
    assert (r.status_code, r.json()) == (e.value.status, e.value.to_dict())


def test_a_slot_given_as_a_number_must_be_text(server):
    r = httpx.post(server.url + "/v1/draft", json=SAME_MISTAKES["a slot given as a number"])
    assert r.json()["type"] == "invalid_slots"
    assert r.json()["problems"] == [{"loc": ["slots", "case_reference"], "msg": "slot `case_reference` must be text, not 4815162"}]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"slots": {}, "context": {}}, ["intent"]),
        ({"intent": INTENT, "surprise": 1}, ["surprise"]),
    ],
)
def test_a_body_that_is_not_a_draft_request_is_422_invalid_request(server, body, loc):
    r = httpx.post(server.url + "/v1/draft", json=body)
    assert r.status_code == 422
    assert r.json()["type"] == "invalid_request"
    assert [p["loc"] for p in r.json()["problems"]] == [loc]
    assert set(r.json()) == {"type", "message", "problems"}


def test_a_body_that_is_not_json_is_422(server):
    r = httpx.post(server.url + "/v1/draft", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["type"] == "invalid_request" and r.json()["message"].startswith("the body is not valid JSON")
    assert "Traceback" not in r.text


def test_an_unknown_path_is_404_in_the_same_shape(server):
    r = httpx.get(server.url + "/v1/nothing")
    assert r.status_code == 404
    assert r.json() == {"type": "not_found", "message": "there is no GET /v1/nothing",
                        "problems": [{"loc": ["path"], "msg": "there is no GET /v1/nothing"}]}


def test_bodies_over_64_kib_are_413(server):
    big = {"intent": INTENT, "slots": SLOTS, "context": ctx("x" * (64 * 1024))}
    r = httpx.post(server.url + "/v1/draft", json=big)
    assert r.status_code == 413
    assert r.json() == {"type": "request_too_large", "message": "the request body is larger than 64 KiB",
                        "problems": [{"loc": ["body"], "msg": "the request body is larger than 64 KiB"}]}


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
    as_in_bundle = make_bundle().frameworks[0].model_copy(update={"examples": []})  # bundle.json leaves them out
    assert one.json() == json.loads(as_in_bundle.model_dump_json())


def test_an_unknown_framework_is_404(server):
    r = httpx.get(server.url + "/v1/frameworks/billing.nope")
    assert r.status_code == 404
    assert r.json()["type"] == "unknown_intent"
    assert r.json()["message"].startswith("there is no framework for intent `billing.nope`")
    assert [p["loc"] for p in r.json()["problems"]] == [["path", "intent"]]


def test_the_openapi_document_describes_the_api(server):
    doc = httpx.get(server.url + "/openapi.json").json()
    assert set(doc["paths"]) == {"/v1/draft", "/v1/verify", "/v1/frameworks", "/v1/frameworks/{intent}", "/healthz"}
    draft = doc["components"]["schemas"]["DraftOut"]
    assert list(draft["properties"]) == ["framework", "revision", "reply", "text", "moves", "send_as_written",
                                         "guards", "escalations", "tags", "owner"]


def test_the_openapi_document_describes_every_error_and_the_context(server):
    doc = httpx.get(server.url + "/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert set(schemas["ErrorOut"]["properties"]) == {"type", "message", "problems"}
    assert set(schemas["ProblemOut"]["properties"]) == {"loc", "msg"}
    assert "HTTPValidationError" not in schemas, "the 422 is ours, not FastAPI's default"
    responses = doc["paths"]["/v1/draft"]["post"]["responses"]
    for status in ("404", "413", "422"):
        assert responses[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    context = schemas["DraftRequest"]["properties"]["context"]
    assert context["required"] == ["message"]
    assert context["properties"]["message"] == {"type": "string"} or context["properties"]["message"]["type"] == "string"
    assert "instagram" in context["properties"]["channel"]["anyOf"][0]["enum"]
    assert context["properties"]["contact_count"]["anyOf"][0]["type"] == "number"
    assert schemas["DraftRequest"]["required"] == ["intent"]


def test_internal_errors_never_show_a_traceback(tmp_path, monkeypatch):
    """In-process (the only way to make the library fail on purpose): a bug answers a bare 500."""
    import asyncio

    from tactful.service import app as serve

    path = tmp_path / "bundle.json"
    path.write_text(bundle_json(make_bundle()), encoding="utf-8")
    app = serve.create_app(path, watch_interval=None)

    def broken(*a, **k):
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr(app.state.holder.backend.library, "draft", broken)

    async def call():
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/v1/draft", json={"intent": INTENT, "slots": SLOTS, "context": ctx()})

    r = asyncio.run(call())
    assert r.status_code == 500
    assert r.json() == {"type": "internal_error", "message": "internal error", "problems": []}
    assert "secret" not in r.text and "Traceback" not in r.text
