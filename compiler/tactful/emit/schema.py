"""The bundle's JSON Schema, generated from the schema the runtime validates bundle.json with.

One definition (tactful.runtime.format.core_schema) gives both: the runtime's validator and this
JSON Schema, so what `tactful schema` promises is what the runtime accepts.
"""

from __future__ import annotations

import json

from pydantic.json_schema import GenerateJsonSchema

from tactful.runtime.format import SCHEMA_VERSION, core_schema


def bundle_schema() -> dict:
    schema = GenerateJsonSchema(ref_template="#/$defs/{model}").generate(core_schema(), mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://tactful.dev/schema/bundle-{SCHEMA_VERSION}.json"
    schema["title"] = f"Tactful bundle {SCHEMA_VERSION}"
    return schema


def bundle_schema_text() -> str:
    return json.dumps(bundle_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
