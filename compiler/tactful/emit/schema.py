"""The bundle's JSON Schema, generated from the pydantic models the runtime loads."""

from __future__ import annotations

import json

from tactful.runtime.bundle import SCHEMA_VERSION, Bundle


def bundle_schema() -> dict:
    schema = Bundle.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://tactful.dev/schema/bundle-{SCHEMA_VERSION}.json"
    schema["title"] = f"Tactful bundle {SCHEMA_VERSION}"
    return schema


def bundle_schema_text() -> str:
    return json.dumps(bundle_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
