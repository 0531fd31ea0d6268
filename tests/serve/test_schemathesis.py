"""A bounded schemathesis run against the live service's /openapi.json: no server errors, and every
answer to valid input matches the document (status codes, content types, response schemas). The
operations with input to break, POST /v1/draft and POST /v1/verify, are also fuzzed with invalid bodies.

(Schemathesis' own pytest plugin does not load under this pytest version, so the test drives its
strategies with hypothesis directly, per operation, in both positive and negative modes.)
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

pytestmark = pytest.mark.slow
OPERATIONS = ["POST /v1/draft", "POST /v1/verify", "GET /v1/frameworks", "GET /v1/frameworks/{intent}", "GET /healthz"]


@pytest.fixture(scope="module")
def api_schema(server):
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


def test_the_document_lists_every_operation(api_schema):
    labels = sorted(op.ok().label for op in api_schema.get_all_operations())
    assert labels == sorted(OPERATIONS)


CASES = [(label, GenerationMode.POSITIVE) for label in OPERATIONS] + [
    ("POST /v1/draft", GenerationMode.NEGATIVE), ("POST /v1/verify", GenerationMode.NEGATIVE)]


@pytest.mark.parametrize(("label", "mode"), CASES, ids=[f"{label} {mode.value}" for label, mode in CASES])
def test_the_api_matches_its_document(api_schema, label, mode):
    operation = next(op.ok() for op in api_schema.get_all_operations() if op.ok().label == label)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def check(case):
        response = case.call()
        assert response.status_code < 500, f"{case.method} {case.formatted_path} → {response.status_code}: {response.text[:300]}"
        if mode is GenerationMode.POSITIVE:
            case.validate_response(response)

    check()
