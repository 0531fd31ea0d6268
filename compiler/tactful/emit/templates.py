"""templates/: one Jinja2 template per reply and per handoff, for tools that render them directly."""

from __future__ import annotations

from tactful.runtime.bundle import Bundle


def emit_templates(bundle: Bundle) -> dict[str, str]:
    out: dict[str, str] = {}
    for fw in bundle.frameworks:
        base = f"templates/{fw.intent}"
        for reply in fw.replies:
            out[f"{base}/reply.{reply.id}.j2"] = reply.template + "\n"
        for esc in fw.escalations:
            if esc.handoff is not None:
                out[f"{base}/handoff.{esc.name}.j2"] = esc.handoff.template + "\n"
    return out
