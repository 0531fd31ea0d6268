"""`tactful build` outputs: bundle.json and one Jinja2 template per reply and handoff."""

from __future__ import annotations

import json

from tactful.emit.conformance import emit_conformance
from tactful.runtime.bundle import Bundle


def bundle_json(bundle: Bundle) -> str:
    """The canonical bundle text: sorted keys, two-space indent, UTF-8, one trailing newline."""
    data = json.loads(bundle.model_dump_json())  # pydantic's Rust serializer, then sorted and indented
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def templates(bundle: Bundle) -> dict[str, str]:
    out: dict[str, str] = {}
    for fw in bundle.frameworks:
        base = f"templates/{fw.intent}"
        for reply in fw.replies:
            out[f"{base}/reply.{reply.id}.j2"] = reply.template + "\n"
        for esc in fw.escalations:
            if esc.handoff is not None:
                out[f"{base}/handoff.{esc.name}.j2"] = esc.handoff.template + "\n"
    return out


def emit(bundle: Bundle) -> dict[str, str]:
    outputs = {"bundle.json": bundle_json(bundle)}
    outputs.update(templates(bundle))
    outputs.update(emit_conformance(bundle))
    return dict(sorted(outputs.items()))
