"""POST /v1/verify, in process (FastAPI's TestClient over the app): the library's verification as
JSON, a per-request policy, and errors in the same shape as /v1/draft's."""

from __future__ import annotations

import pytest
from bundle_builder import SLOTS, ctx, make_bundle
from fastapi.testclient import TestClient
from serve_helpers import write_bundle
from tactful.runtime import Library, VerifyPolicy
from tactful.service.app import create_app

INTENT = "billing.duplicate_charge"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("verify") / "bundle.json"
    write_bundle(path)
    with TestClient(create_app(path, watch_interval=None)) as c:
        yield c


@pytest.fixture(scope="module")
def draft() -> str:
    return Library(make_bundle()).draft(INTENT, SLOTS, ctx(seed="c1")).text


def test_a_verification_is_the_librarys(client, draft):
    text = draft.replace("$49.00", "$59.00")
    r = client.post("/v1/verify", json={"intent": INTENT, "text": text, "slots": SLOTS, "context": ctx(seed="c1")})
    assert r.status_code == 200, r.text
    assert r.json() == Library(make_bundle()).verify(INTENT, text, SLOTS, ctx(seed="c1")).to_dict()
    assert r.json()["verdict"] == "block" and r.json()["findings"][0]["span"]["text"] == "$59.00"


def test_the_draft_is_ok(client, draft):
    r = client.post("/v1/verify", json={"intent": INTENT, "text": draft, "slots": SLOTS, "context": ctx(seed="c1")})
    assert r.status_code == 200 and r.json()["verdict"] == "ok" and r.json()["findings"] == []


def test_a_request_policy_changes_levels(client, draft):
    body = {"intent": INTENT, "text": draft.replace("$49.00", "$59.00"), "slots": SLOTS, "context": ctx(seed="c1"),
            "policy": {"fact-changed": "warn"}}
    r = client.post("/v1/verify", json=body)
    assert r.status_code == 200 and r.json()["verdict"] == "warn"
    assert VerifyPolicy.from_settings(body["policy"]).level("V112") == "warn"


def test_an_unknown_policy_code_is_422_naming_it(client, draft):
    r = client.post("/v1/verify", json={"intent": INTENT, "text": draft, "slots": SLOTS, "context": ctx(),
                                        "policy": {"V999": "block"}})
    assert r.status_code == 422
    assert r.json()["problems"][0]["loc"][:2] == ["policy", "V999"]  # the one error shape of every 4xx


def test_errors_are_the_drafts(client, draft):
    r = client.post("/v1/verify", json={"intent": "billing.duplicate_charg", "text": draft, "slots": SLOTS, "context": ctx()})
    assert r.status_code == 404 and r.json()["type"] == "unknown_intent"
    assert r.json()["problems"][0]["loc"] == ["intent"]
    r = client.post("/v1/verify", json={"intent": INTENT, "slots": SLOTS, "context": ctx()})
    assert r.status_code == 422 and r.json()["problems"][0]["loc"] == ["text"]


def test_the_openapi_document_describes_verify(client):
    doc = client.get("/openapi.json").json()
    assert "/v1/verify" in doc["paths"]
    assert list(doc["components"]["schemas"]["VerificationOut"]["properties"]) == ["framework", "revision", "reply",
                                                                                   "verdict", "findings"]


# --- tactful serve: the project's [verify] table, under each request's policy ------------------------


@pytest.mark.slow
def test_serve_uses_the_projects_verify_table(tmp_path, draft):
    from serve_helpers import start_server, stop_server

    (tmp_path / "tactful.toml").write_text('[verify]\nfact-changed = "warn"\n', encoding="utf-8")
    path = tmp_path / "bundle.json"
    write_bundle(path)
    server = start_server(path, "--no-watch", cwd=tmp_path)  # with a bundle, the project is the current folder's
    try:
        changed = {"intent": INTENT, "text": draft.replace("$49.00", "$59.00"), "slots": SLOTS, "context": ctx(seed="c1")}
        with server.client() as c:
            assert c.post("/v1/verify", json=changed).json()["verdict"] == "warn"  # V112 blocks by default
            assert c.post("/v1/verify", json={**changed, "policy": {"V112": "block"}}).json()["verdict"] == "block"
            assert c.post("/v1/verify", json={**changed, "policy": {"fact-changed": "off"}}).json()["verdict"] == "ok"
        assert "verify levels from tactful.toml" in server.log()
    finally:
        stop_server(server)


def test_serve_refuses_a_wrong_verify_table(tmp_path):
    import subprocess
    import sys

    (tmp_path / "tactful.toml").write_text('[verify]\nV999 = "block"\n', encoding="utf-8")
    path = tmp_path / "bundle.json"
    write_bundle(path)
    done = subprocess.run([sys.executable, "-m", "tactful", "serve", str(path), "--port", "0"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "tactful.toml:2" in done.stderr and "`V999` is not a verify code" in done.stderr
