"""`tactful serve`: the runtime over HTTP (FastAPI on uvicorn), for inboxes and bots.

Endpoints: `POST /v1/draft` (body: intent, slots, context; answer: the Draft's JSON form),
`POST /v1/verify` (the same body plus `text`, the final reply; answer: the verdict and findings),
`GET /v1/frameworks`, `GET /v1/frameworks/{intent}`, `GET /healthz`, and the OpenAPI document at
`/openapi.json`.

Decisions:
- Errors: every error answer has one shape, the one `DraftError.to_dict()` gives in Python:
  `{"type", "message", "problems": [{"loc", "msg"}]}`. A request the runtime refuses gets the
  DraftError's status (404 for an unknown intent, 422 otherwise) and exactly the body Python gets for
  the same request: the body's values reach the runtime unconverted, so a slot given as a number is
  the runtime's `invalid_slots`, not a validation error of the web framework. What only HTTP can get
  wrong (a body that is not JSON, a missing `intent`, an unknown key) is a 422 `invalid_request`; a
  body over 64 KiB a 413 `request_too_large` before the app reads it; an unknown path a 404. A `loc`
  names the request part: `["slots", "amount"]` in the body, `["path", "intent"]` in the URL.
  Anything unexpected is logged and answered with a 500 `internal_error`: no traceback ever reaches
  a client.
- Reloading: on SIGHUP, or when the bundle file changes (polled every `watch_interval` seconds), a
  new Library is loaded completely, in a worker thread, and only then replaces the old reference.
  Each request reads the reference once, so it is answered by one library from start to end. One
  loader (Reloader) runs the loads one at a time and merges requests, so it always ends on the
  newest file and never loads twice at once. A bundle that fails to load, for any reason, is
  logged and the old library stays in service; the loader and the watcher never stop. Every load
  and refusal is logged on `tactful.serve`, which `run()` adds to uvicorn's logging.
- Drafting runs in a worker thread, never on the event loop, and has a time budget
  (`draft_budget`, 2 s by default): a draft that takes longer is answered with 503 (`busy`) and the event
  loop goes on serving (`/healthz` included). A draft costs tens of microseconds with a bundle the
  compiler built (templates cannot run code and RE2 is linear), so the budget is a safety net, not
  a limit any well-formed request meets; a thread that overruns it finishes in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
from pathlib import Path
from typing import Any, Literal

from typing import Annotated

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema
from starlette.exceptions import HTTPException as StarletteHTTPException

from tactful.runtime.bundle import Framework
from tactful.runtime.errors import BundleError, DraftError, UnknownIntent
from tactful.runtime.library import Library, load_library

MAX_BODY = 64 * 1024
BODY_TIMEOUT = 10.0  # seconds a client has to send the whole request body (408 after)
KEEP_ALIVE = 5  # seconds an idle keep-alive connection is held
MAX_CONNECTIONS = 256  # concurrent connections (and requests) before uvicorn answers 503
MAX_HEADERS = 16 * 1024  # bytes buffered of a request line and headers not yet complete (h11)
DRAFT_BUDGET = 2.0  # seconds a draft may take before the request is answered with 503
log = logging.getLogger("tactful.serve")

# --- the API's models (requests, and the documented shape of answers) ---------------------------


class DraftRequest(BaseModel):
    """The body of POST /v1/draft. Values are passed to the runtime as sent, so that it, not the web
    framework, judges them (the schemas below document what it accepts; the context's own schema is
    made from the loaded bundle's fields: see _context_schema)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)  # NaN and Infinity are not context values

    intent: Annotated[Any, WithJsonSchema({"type": "string", "maxLength": 200, "examples": ["billing.duplicate_charge"]})] = Field(
        description="The framework's intent id, such as billing.duplicate_charge.")
    slots: Annotated[Any, WithJsonSchema({"type": "object", "additionalProperties": {"type": ["string", "null"]}})] = Field(
        default_factory=dict, description="Slot values, as text; null or absent: not known.")
    context: Annotated[Any, WithJsonSchema({"type": "object"})] = Field(
        default_factory=dict,
        description="Context fields (message, channel, visibility, contact_count, …) and `seed`, such as the conversation id.",
    )


class ReplyOut(BaseModel):
    id: str
    visibility: Literal["public", "private"]
    when: str | None


class MoveOut(BaseModel):
    kind: str
    text: str


class GuardOut(BaseModel):
    name: str
    reason: str


class EscalationOut(BaseModel):
    name: str
    team: str
    handoff: str | None


class DraftOut(BaseModel):
    framework: str
    revision: str
    reply: ReplyOut
    text: str
    moves: list[MoveOut]
    send_as_written: bool
    guards: list[GuardOut]
    escalations: list[EscalationOut]
    tags: list[str]
    owner: str | None


class SlotSummary(BaseModel):
    name: str
    type: str
    required: bool
    private: bool
    example: str | None


class FrameworkSummary(BaseModel):
    intent: str
    title: str
    owner: str | None
    tags: list[str]
    serves: list[str]
    slots: list[SlotSummary]


class Health(BaseModel):
    status: Literal["ok"]
    revision: str
    frameworks: int


class ProblemOut(BaseModel):
    loc: list[str | int] = Field(description='Where: ["slots", "amount"], ["context", "channel"], ["intent"], ["path", "intent"].')
    msg: str


class ErrorOut(BaseModel):
    """Every error answer (4xx and 5xx): the shape of DraftError.to_dict() in Python."""

    type: str = Field(description="A stable slug: unknown_intent, missing_slots, unknown_slots, invalid_slots, "
                      "unknown_context_fields, invalid_context, no_reply, invalid_request, request_too_large, "
                      "not_found, method_not_allowed, internal_error.")
    message: str = Field(description="Every problem in one sentence, in plain words.")
    problems: list[ProblemOut]


def error_body(kind: str, message: str, problems: list[tuple[list, str]] = ()) -> dict:
    return {"type": kind, "message": message, "problems": [{"loc": list(loc), "msg": msg} for loc, msg in problems]}


# --- the library holder and its reloading ---------------------------------------------------------


class LibraryHolder:
    """The library in service. `library` is replaced only by a completely loaded one."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._stamp = self._stat()
        self.library: Library = load_library(self.path)

    def _stat(self) -> tuple | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def reload(self) -> bool:
        """Load the bundle again; swap it in only when it loads. Returns whether it was swapped.

        Never raises: whatever goes wrong (a BundleError, or anything a hostile file provokes) is
        logged as a refusal and the library in service stays."""
        self._stamp = self._stat()
        kept = self.library.revision[:19]
        try:
            fresh = load_library(self.path)
        except BundleError as e:
            log.error("tactful: kept revision %s; the new bundle does not load: %s", kept, e)
            return False
        except Exception as e:  # noqa: BLE001 - a reload must never stop the service or its watcher
            log.error("tactful: kept revision %s; the new bundle does not load (internal error: %s: %s)",
                      kept, type(e).__name__, str(e)[:200])
            return False
        self.library = fresh  # one reference assignment: requests see the old or the new, never a mix
        log.info("tactful: now serving revision %s (loaded %s)", fresh.revision[:19], self.path.name)
        return True

    def changed(self) -> bool:
        stamp = self._stat()
        return stamp is not None and stamp != self._stamp


class Reloader:
    """The one loader of a service: requests for a reload (SIGHUP, a changed file) are merged, and
    loads run one at a time in a worker thread, never on the event loop. A request that arrives
    during a load causes one more load after it, so the last load always starts after the last
    request and the service ends on the newest file."""

    def __init__(self, holder: LibraryHolder):
        self.holder = holder
        self._wanted = asyncio.Event()
        self.loads = 0  # finished loads, swapped or refused (for tests and logs)

    def request(self) -> None:
        self._wanted.set()

    async def run(self) -> None:
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            try:
                await asyncio.to_thread(self.holder.reload)
            except Exception:  # noqa: BLE001 - reload() logs its own failures; this is the thread hop's
                log.exception("tactful: the reload failed; the library in service stays")
            self.loads += 1

    async def watch(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                if self.holder.changed():
                    self.request()
            except Exception:  # noqa: BLE001 - the watcher must outlive anything the file system does
                log.exception("tactful: could not check the bundle file for changes")


class SafeJSONResponse(JSONResponse):
    """JSON that always encodes: text holding a lone surrogate (valid JSON: "\\ud800") is written
    with \\u escapes instead of failing as UTF-8."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def _json_safe(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def _error_response(e: DraftError) -> JSONResponse:
    return SafeJSONResponse(status_code=e.status, content=e.to_dict())


def _validation_response(exc: RequestValidationError) -> JSONResponse:
    """FastAPI's request-validation errors in the one error shape: `loc` without the leading "body"
    (the body's keys are the request's parts, as in Python), "path"/"query" kept."""
    problems = []
    for err in exc.errors():
        loc = list(err.get("loc", ()))
        if loc[:1] == ["body"] and len(loc) > 1:
            loc = loc[1:]
        msg = err.get("msg", "invalid")
        if err.get("type") == "json_invalid":
            msg = f"the body is not valid JSON ({err.get('ctx', {}).get('error', msg)})"
        elif err.get("type") == "extra_forbidden":
            msg = f"`{loc[-1]}` is not part of a draft request (it has intent, slots and context)"
        elif err.get("type") == "missing":
            msg = f"`{loc[-1]}` is required"
        problems.append((loc, msg))
    return SafeJSONResponse(status_code=422, content=error_body("invalid_request", "; ".join(m for _, m in problems), problems))


_JSON_TYPES = {"text": "string", "number": "number", "bool": "boolean"}


def _context_schema(library: Library) -> dict:
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


def _summary(fw: Framework) -> dict:
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


class BodyLimit:
    """ASGI middleware: read the whole request body, refusing with 413 once it exceeds `limit` bytes
    and with 408 when it has not arrived within `timeout` seconds (a slow client holds no worker)."""

    def __init__(self, app, limit: int = MAX_BODY, timeout: float = BODY_TIMEOUT):
        self.app = app
        self.limit = limit
        self.timeout = timeout

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                if not value.isdigit():
                    return await self._refuse(send, 400, "the Content-Length header is not a number")
                if int(value) > self.limit:
                    return await self._refuse(send, 413, f"the request body is larger than {self.limit // 1024} KiB")
        chunks, size, more = [], 0, True
        try:
            async with asyncio.timeout(self.timeout):
                while more:
                    message = await receive()
                    if message["type"] != "http.request":
                        return  # the client went away
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.limit:
                        return await self._refuse(send, 413, f"the request body is larger than {self.limit // 1024} KiB")
                    chunks.append(chunk)
                    more = message.get("more_body", False)
        except TimeoutError:
            return await self._refuse(send, 408, f"the request body did not arrive within {self.timeout:g} s")
        body = b"".join(chunks)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send, status: int, message: str) -> None:
        kind = "request_too_large" if status == 413 else "invalid_request"
        response = JSONResponse(status_code=status, content=error_body(kind, message, [(["body"], message)]))
        await response({"type": "http"}, None, send)  # type: ignore[arg-type]


# --- the app --------------------------------------------------------------------------------------


def create_app(bundle: str | os.PathLike, *, watch_interval: float | None = 1.0,
               draft_budget: float = DRAFT_BUDGET) -> FastAPI:
    """The FastAPI app serving one bundle file. Raises BundleError when it cannot be loaded."""
    holder = LibraryHolder(bundle)
    reloader = Reloader(holder)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGHUP, reloader.request)
        tasks = [loop.create_task(reloader.run())]
        if watch_interval:
            tasks.append(loop.create_task(reloader.watch(watch_interval)))
        yield
        for task in tasks:
            task.cancel()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGHUP)

    app = FastAPI(
        title="Tactful",
        summary="Draft replies from a compiled library of customer-service response frameworks.",
        version="1",
        lifespan=lifespan,
    )
    app.state.holder = holder
    app.state.reloader = reloader
    app.state.schema_library = None  # the library the cached OpenAPI document describes
    app.add_middleware(BodyLimit)
    errors: dict[int | str, dict[str, Any]] = {
        404: {"model": ErrorOut, "description": "No framework has this intent (`unknown_intent`)."},
        413: {"model": ErrorOut, "description": "The body is larger than 64 KiB (`request_too_large`)."},
        422: {"model": ErrorOut, "description": "The runtime cannot draft this request (missing or invalid slots, "
              "unknown or invalid context fields, …), or the body is not a draft request (`invalid_request`)."},
        503: {"model": ErrorOut, "description": "The draft took longer than its time budget (`busy`)."},
    }

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("tactful: internal error on %s %s", request.method, request.url.path)
        return JSONResponse(status_code=500, content=error_body("internal_error", "internal error"))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = f"there is no {request.method} {request.url.path}" if exc.status_code in (404, 405) else str(exc.detail)
        return JSONResponse(status_code=exc.status_code, content=error_body(kind, message, [(["path"], message)]),
                            headers=getattr(exc, "headers", None))

    def openapi() -> dict:
        if app.openapi_schema is None or app.state.schema_library is not holder.library:  # a reload: the new bundle's
            from fastapi.openapi.utils import get_openapi

            app.state.schema_library = holder.library
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            request = schema["components"]["schemas"]["DraftRequest"]
            request["properties"]["context"] = {**_context_schema(holder.library), "title": "Context"}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.post("/v1/draft", response_model=DraftOut, responses=errors, summary="Draft a reply to one message")
    async def draft(request: DraftRequest) -> Any:
        library = holder.library  # read once: one library answers the whole request
        try:
            d = await asyncio.wait_for(
                asyncio.to_thread(library.draft, request.intent, request.slots, request.context), draft_budget
            )
        except DraftError as e:
            return _error_response(e)
        except TimeoutError:
            log.error("tactful: a draft of `%s` took longer than %.1f s; answered 503", request.intent[:200], draft_budget)
            message = f"drafting took longer than {draft_budget:g} s"
            return SafeJSONResponse(status_code=503, content=error_body("busy", message, [([], message)]))
        return SafeJSONResponse(d.to_dict())

    @app.get("/v1/frameworks", response_model=list[FrameworkSummary], summary="Every framework of the library")
    async def frameworks() -> Any:
        return JSONResponse([_summary(fw) for fw in holder.library.bundle.frameworks])

    @app.get("/v1/frameworks/{intent}", response_model=Framework,
             responses={404: {"model": ErrorOut, "description": "No framework has this intent (`unknown_intent`)."},
                        422: {"model": ErrorOut, "description": "The request is malformed (`invalid_request`)."}},
             summary="One framework, as in the bundle")
    async def framework(intent: str) -> Any:
        try:
            fw = holder.library.framework(intent)
        except UnknownIntent as e:  # the intent is in the path here, not in a body
            return SafeJSONResponse(status_code=e.status, content=error_body(e.kind, e.message, [(["path", "intent"], e.message)]))
        return SafeJSONResponse(fw.model_dump(mode="json"))

    @app.get("/healthz", response_model=Health, summary="Liveness, and the revision in service")
    async def healthz() -> Any:
        library = holder.library
        return {"status": "ok", "revision": library.revision, "frameworks": len(library.bundle.frameworks)}

    add_verify(app, holder, errors)
    return app


def log_config() -> dict:
    """uvicorn's logging configuration, with the `tactful` loggers on its default handler (so that
    every reload and refusal is shown beside uvicorn's own lines)."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["tactful"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def run(bundle: str | os.PathLike, host: str = "127.0.0.1", port: int = 8000, *, watch_interval: float | None = 1.0,
        access_log: bool = False) -> None:
    """Serve until interrupted (one worker). Raises BundleError when the bundle cannot be loaded.

    Limits (docs/reference/http.md): MAX_CONNECTIONS concurrent connections (503 beyond), idle
    keep-alive connections closed after KEEP_ALIVE s, request line and headers up to MAX_HEADERS
    bytes, the body within BODY_TIMEOUT s (BodyLimit)."""
    import uvicorn

    app = create_app(bundle, watch_interval=watch_interval)
    uvicorn.run(app, host=host, port=port, workers=1, log_level="info", server_header=False, access_log=access_log,
                log_config=log_config(), timeout_keep_alive=KEEP_ALIVE, limit_concurrency=MAX_CONNECTIONS,
                h11_max_incomplete_event_size=MAX_HEADERS)


# --- POST /v1/verify: a final reply text checked against its framework ---------------------------------


def _verify_code_names():
    from tactful.runtime.verify import CODES

    return Literal[tuple(sorted({*CODES, *(c.slug for c in CODES.values())}))]  # type: ignore[valid-type]


class VerifyRequest(DraftRequest):
    text: str = Field(description="The final reply text, as it would be sent.", max_length=20_000)
    policy: dict[_verify_code_names(), Literal["block", "warn", "off"]] = Field(  # type: ignore[valid-type]
        default_factory=dict, description="Levels for verify codes (V140 or its slug), over the defaults.")


class SpanOut(BaseModel):
    start: int
    end: int
    text: str


class FindingOut(BaseModel):
    code: str
    slug: str
    level: Literal["block", "warn"]
    message: str
    span: SpanOut | None
    fix: str | None


class VerificationOut(BaseModel):
    framework: str
    revision: str
    reply: str
    verdict: Literal["ok", "warn", "block"]
    findings: list[FindingOut]


def add_verify(app: FastAPI, holder: LibraryHolder, errors: dict[int | str, dict[str, Any]]) -> None:
    """`POST /v1/verify`: the body of a draft request plus `text` (and optionally `policy`); the answer
    is the Verification's JSON form. Errors as for /v1/draft; an unknown policy code is FastAPI's 422."""
    from tactful.runtime.verify import VerifyPolicy

    @app.post("/v1/verify", response_model=VerificationOut, responses=errors, summary="Verify a final reply before it is sent")
    async def verify(request: VerifyRequest) -> Any:
        library = holder.library  # one library from start to end, as for drafts
        policy = VerifyPolicy.from_settings(request.policy)  # the request model admits only known codes and levels
        try:
            v = library.verify(request.intent, request.text, request.slots, request.context, policy=policy)
        except DraftError as e:
            return _error_response(e)
        return JSONResponse(v.to_dict())
