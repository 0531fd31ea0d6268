"""templates/: one Jinja2 template per reply and per handoff, for tools that render them directly.

`templates/<intent>/reply.<reply id>.j2` for each reply, `templates/<intent>/handoff.<escalation>.j2`
for each handoff the framework declares, and `templates/policy-<policy>/handoff.<escalation>.j2` for
each handoff of a policy: every framework inherits those (the bundle marks an inherited escalation
with `policy`), so each is written once, not once per framework (9 of 14 files a framework of the
generated benchmark library had were the same house-policy handoffs). `-` cannot occur in an intent,
so a policy's folder never meets a framework's.
"""

from __future__ import annotations

from tactful.runtime.bundle import Bundle


def emit_templates(bundle: Bundle) -> dict[str, str]:
    out: dict[str, str] = {}
    inherited: dict[tuple[str, str], str] = {}
    for policy in bundle.policies:
        for esc in policy.escalations:
            if esc.handoff is not None:
                inherited[policy.name, esc.name] = esc.handoff.template
                out[f"templates/policy-{policy.name}/handoff.{esc.name}.j2"] = esc.handoff.template + "\n"
    for fw in bundle.frameworks:
        base = f"templates/{fw.intent}"
        for reply in fw.replies:
            out[f"{base}/reply.{reply.id}.j2"] = reply.template + "\n"
        for esc in fw.escalations:
            if esc.handoff is None:
                continue
            if esc.policy is not None and inherited.get((esc.policy, esc.name)) == esc.handoff.template:
                continue  # the policy's file
            out[f"{base}/handoff.{esc.name}.j2"] = esc.handoff.template + "\n"
    return out
