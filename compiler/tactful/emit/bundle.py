"""bundle.json: the canonical text of the Bundle, the one contract every runtime loads."""

from __future__ import annotations

import json

from tactful.runtime.bundle import Bundle


def bundle_json(bundle: Bundle) -> str:
    """The canonical bundle text: sorted keys, two-space indent, UTF-8, one trailing newline."""
    data = json.loads(bundle.model_dump_json())  # pydantic's Rust serializer, then sorted and indented
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def emit_bundle(bundle: Bundle) -> dict[str, str]:
    return {"bundle.json": bundle_json(bundle)}
