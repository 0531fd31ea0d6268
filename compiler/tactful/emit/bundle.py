"""bundle.json: the canonical text of the Bundle, the one contract every runtime loads."""

from __future__ import annotations

import json
import weakref

from tactful.runtime.bundle import Bundle
from tactful.runtime.format import compact


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def bundle_text(data: dict) -> str:
    """The canonical text of a bundle's JSON data (format.py's layout): sorted keys, no spaces, each
    top-level key on a line of its own and each element of its lists too (so a change to one
    framework is a change to one line), UTF-8, one trailing newline."""
    lines = ["{"]
    keys = sorted(data)
    for i, key in enumerate(keys):
        value = data[key]
        end = "," if i < len(keys) - 1 else ""
        if isinstance(value, list) and value:
            lines.append(f"{_dumps(key)}:[")
            lines.extend(_dumps(x) + ("," if j < len(value) - 1 else "") for j, x in enumerate(value))
            lines.append("]" + end)
        else:
            lines.append(f"{_dumps(key)}:{_dumps(value)}{end}")
    lines.append("}")
    return "\n".join(lines) + "\n"


_DATA: dict[int, dict] = {}  # bundle_data's answers, by the id of a bundle still alive


def bundle_data(bundle: Bundle) -> dict:
    """The bundle's JSON data, as bundle.json holds it: made once per bundle (a Bundle is immutable)
    and shared by whoever needs it (bundle.json, the runtime that drafts conformance.json). Do not
    change it."""
    data = _DATA.get(id(bundle))
    if data is None:
        data = _DATA[id(bundle)] = compact(model_data(bundle, lazy=True))
        weakref.finalize(bundle, _DATA.pop, id(bundle), None)
    return data


_WHEN = {"when"}
_FRAMEWORK_OWN = {"guards": True, "escalations": True, "replies": {"__all__": {"when"}}}  # dumped by model_data


def model_data(bundle: Bundle, lazy: bool = False) -> dict:
    """`bundle.model_dump(mode="json")` (equal to it), with each guard or escalation dumped once
    however many frameworks hold it: the compiler gives every framework that inherits a policy's
    entry the policy's own model, and dumping it once per framework was most of the dump.

    lazy: "frameworks" is an iterator that dumps each framework as it is read, for compact(), which
    reads it once: each framework's dump then goes as soon as it is compacted, instead of the whole
    library's dump living (and being walked by the garbage collector) until the end."""
    dumped: dict[int, dict] = {}  # by id of a model the bundle holds (alive for this call)

    def condition(model) -> dict | None:  # the lowerer gives equal conditions one model: dumped once
        if model is None:
            return None
        data = dumped.get(id(model))
        if data is None:
            data = dumped[id(model)] = model.model_dump(mode="json")
        return data

    def entry(model) -> dict:
        data = dumped.get(id(model))
        if data is None:
            data = dumped[id(model)] = model.model_dump(mode="json", exclude=_WHEN)
            data["when"] = condition(model.when)
        return data

    def framework(fw) -> dict:
        data = fw.model_dump(mode="json", exclude=_FRAMEWORK_OWN)
        data["guards"] = [entry(g) for g in fw.guards]
        data["escalations"] = [entry(e) for e in fw.escalations]
        for reply, out in zip(fw.replies, data["replies"]):
            out["when"] = condition(reply.when)
        return data

    full = bundle.model_dump(mode="json", exclude={"frameworks"})
    for policy, data in zip(bundle.policies, full["policies"]):  # the very dumps its frameworks hold
        data["guards"] = [entry(g) for g in policy.guards]
        data["escalations"] = [entry(e) for e in policy.escalations]
    frameworks = map(framework, bundle.frameworks)
    full["frameworks"] = frameworks if lazy else list(frameworks)
    return full


def bundle_json(bundle: Bundle) -> str:
    """The canonical bundle text (bundle_text of bundle_data)."""
    return bundle_text(bundle_data(bundle))


def emit_bundle(bundle: Bundle) -> dict[str, str]:
    return {"bundle.json": bundle_json(bundle)}
