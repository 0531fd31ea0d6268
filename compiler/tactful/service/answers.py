"""What the service answers from a loaded Library: each request as (HTTP status, JSON bytes).

The one place the answers are made, whichever process makes them: the server's own (create_app's
default) or a drafting engine (engine.py, what `tactful serve` uses). Both answer byte for byte
alike, and neither imports the web framework. Every error body has the shape of
`DraftError.to_dict()`: `{"type", "message", "problems": [{"loc", "msg"}]}`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tactful.runtime.bundle import Framework
from tactful.runtime.errors import DraftError, UnknownIntent
from tactful.runtime.library import Library

Answer = tuple[int, bytes]  # HTTP status, JSON body


def error_body(kind: str, message: str, problems: list[tuple[list, str]] = ()) -> dict:
    return {"type": kind, "message": message, "problems": [{"loc": list(loc), "msg": msg} for loc, msg in problems]}


def encode(content: Any) -> bytes:
    """JSON as the web framework writes it; text holding a lone surrogate (valid JSON: "\\ud800")
    is written with \\u escapes instead of failing as UTF-8."""
    try:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def answer(library: Library, operation: str, request: Mapping[str, Any]) -> Answer:
    """The answer to one request (its values as the client sent them). A request the runtime refuses
    is its DraftError's status and `to_dict()`; anything else that goes wrong raises."""
    try:
        match operation:
            case "draft":
                d = library.draft(request["intent"], request["slots"], request["context"])
                return 200, encode(d.to_dict())
            case "verify":
                from tactful.runtime.verify import VerifyPolicy

                policy = VerifyPolicy.from_settings(request["policy"])  # checked by the server already
                v = library.verify(request["intent"], request["text"], request["slots"], request["context"], policy=policy)
                return 200, encode(v.to_dict())
            case "frameworks":
                return 200, encode([summary(fw) for fw in library.bundle.frameworks])
            case "framework":
                return _framework(library, request["intent"])
            case _:
                raise ValueError(f"the service has no operation {operation!r}")
    except DraftError as e:
        return e.status, encode(e.to_dict())


def _framework(library: Library, intent: str) -> Answer:
    try:
        fw = library.framework(intent)
    except UnknownIntent as e:  # the intent is in the path here, not in a body
        return e.status, encode(error_body(e.kind, e.message, [(["path", "intent"], e.message)]))
    return 200, encode(fw.model_dump(mode="json"))


def summary(fw: Framework) -> dict:
    return {
        "intent": fw.intent,
        "title": fw.title,
        "owner": fw.owner,
        "tags": fw.tags,
        "serves": fw.serves,
        "slots": [
            {"name": s.name, "type": s.type, "required": s.required, "private": s.private, "example": s.example}
            for s in fw.slots
        ],
    }


def describe(library: Library) -> dict:
    """What the server keeps of a library it serves through an engine: /healthz's figures and the
    context schema of the OpenAPI document."""
    return {"revision": library.revision, "frameworks": len(library.bundle.frameworks),
            "context_schema": context_schema(library)}


_JSON_TYPES = {"text": "string", "number": "number", "bool": "boolean"}


def context_schema(library: Library) -> dict:
    """The context object the loaded bundle accepts: its fields with their types (channels and
    choices listed), `seed`; `message` is required (and a `channel` or a `visibility`)."""
    channels = [c.name for c in library.bundle.channels]
    props: dict[str, dict] = {}
    for f in library.bundle.fields:
        if f.type == "channel":
            schema: dict = {"type": "string", "enum": channels}
        elif f.type == "visibility":
            schema = {"type": "string", "enum": ["public", "private"]}
        elif f.type == "enum":
            schema = {"type": "string", "enum": list(f.values)}
        else:
            schema = {"type": _JSON_TYPES.get(f.type, "string")}
        if getattr(f, "about", ""):
            schema["description"] = f.about
        props[f.name] = {"anyOf": [schema, {"type": "null"}]} if f.name != "message" else schema
    props["seed"] = {"type": "string", "description": "Any text naming the conversation: it decides which phrase a `pick` gets."}
    return {
        "type": "object",
        "properties": props,
        "required": ["message"] if "message" in props else [],
        "additionalProperties": False,
        "description": "Context fields of the loaded bundle. `message` is required, and a `channel` or a "
                       "`visibility` (the visibility defaults to the channel's first one).",
    }


def warm(library: Library) -> None:
    """Prepare the library (every framework, signal and pattern: Library.prepare), then draft once
    from every framework, for each visibility of its replies, and verify once, before the library is
    put in service: whatever the runtime prepares on first use is then ready, and no client's first
    request after a reload pays for it. Refusals are expected (the examples may not fill every slot)
    and ignored; a bundle that does not prepare raises BundleError."""
    library.prepare()
    bundle = library.bundle
    if not bundle.channels:
        return
    for fw in bundle.frameworks:
        slots = {s.name: s.example for s in fw.slots if s.example is not None}
        for visibility in sorted({r.visibility for r in fw.replies}):
            channel = next((c.name for c in bundle.channels if visibility in c.visibilities), bundle.channels[0].name)
            context = {"message": "warming up", "channel": channel, "visibility": visibility}
            try:
                library.draft(fw.intent, slots, context)
                library.verify(fw.intent, "warming up", slots, context)
            except DraftError:
                pass
