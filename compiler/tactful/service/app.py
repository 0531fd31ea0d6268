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
- Answers are made by answers.py from a loaded library, in one of two places (reload.py): in worker
  threads of this process (create_app's default, for tests and embedding), or in a drafting engine,
  a process of its own (engine.py; `isolate=True`, what `tactful serve` uses), so that loading a
  bundle never holds the interpreter lock the server answers with.
- Reloading: on SIGHUP, or when the bundle file changes (polled every `watch_interval` seconds), a
  new library is loaded completely (in an engine: and warmed) and only then replaces the old one.
  One loader (reload.Reloader) runs the loads one at a time and merges requests, so it always ends
  on the newest file. A bundle that fails to load, for any reason, is logged and the old library
  stays. Every load and refusal is logged on `tactful.serve`, which `run()` adds to uvicorn's logging.
- Each answer has a time budget (`draft_budget`, 2 s by default): one that takes longer is answered
  with 503 (`busy`) and the event loop goes on serving (`/healthz` included). A draft costs tens of
  microseconds, so the budget is a safety net, not a limit any well-formed request meets; an engine
  that overruns it is replaced, a worker thread finishes in the background.
- Slow clients: a request's line and headers must arrive within `header_timeout` seconds of its first
  byte (or of the connection opening), its body within `body_timeout` (BodyLimit, 408); idle
  keep-alive connections close after `keep_alive` seconds; beyond `max_connections` open connections
  uvicorn answers 503. See run() and docs/reference/http.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema
from starlette.exceptions import HTTPException as StarletteHTTPException

from tactful.runtime.bundle import Framework
from tactful.service.answers import Answer, encode, error_body
from tactful.service.limits import (BODY_TIMEOUT, DRAFT_BUDGET, HEADER_TIMEOUT, KEEP_ALIVE, MAX_BODY, MAX_CONNECTIONS,
                                    MAX_HEADERS)
from tactful.service.reload import EngineHolder, LibraryHolder, Reloader

__all__ = ["BodyLimit", "LibraryHolder", "Reloader", "create_app", "run"]

log = logging.getLogger("tactful.serve")

# --- the API's models (requests, and the documented shape of answers) ---------------------------


class DraftRequest(BaseModel):
    """The body of POST /v1/draft. Values are passed to the runtime as sent, so that it, not the web
    framework, judges them (the schemas below document what it accepts; the context's own schema is
    made from the loaded bundle's fields: see answers.context_schema)."""

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
                      "not_found, method_not_allowed, internal_error, busy, unavailable.")
    message: str = Field(description="Every problem in one sentence, in plain words.")
    problems: list[ProblemOut]


def _verify_code_names():
    from tactful.runtime.verify import CODES

    return Literal[tuple(sorted({*CODES, *(c.slug for c in CODES.values())}))]  # type: ignore[valid-type]


class VerifyRequest(DraftRequest):
    text: str = Field(description="The final reply text, as it would be sent.", max_length=20_000)
    policy: dict[_verify_code_names(), Literal["block", "warn", "off"]] = Field(  # type: ignore[valid-type]
        default_factory=dict,
        description="Levels for verify codes (V140 or its slug), over the project's [verify] table and the defaults.")


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


# --- answers --------------------------------------------------------------------------------------


def _json(answer: Answer) -> Response:
    status, body = answer
    return Response(content=body, status_code=status, media_type="application/json")


def _validation_response(exc: RequestValidationError) -> Response:
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
    return _json((422, encode(error_body("invalid_request", "; ".join(m for _, m in problems), problems))))


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


def create_app(bundle: str | os.PathLike, *, watch_interval: float | None = 1.0, draft_budget: float = DRAFT_BUDGET,
               isolate: bool = False, verify_settings: Mapping[str, str] | None = None,
               body_timeout: float = BODY_TIMEOUT) -> FastAPI:
    """The FastAPI app serving one bundle file. Raises BundleError when it cannot be loaded.

    isolate: answer from drafting engines (engine.py), so that reloads cost the server nothing; the
    app must then run its lifespan (any ASGI server does). verify_settings: the project's [verify]
    levels (`{"V140": "block"}`), under those a /v1/verify request gives."""
    holder = EngineHolder(bundle, draft_budget) if isolate else LibraryHolder(bundle, draft_budget)
    reloader = Reloader(holder)
    project_levels = dict(verify_settings or {})

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        loop = asyncio.get_running_loop()
        await holder.start(reloader)
        if project_levels:
            log.info("tactful: verify levels from tactful.toml: %s", ", ".join(f"{k} = {v}" for k, v in project_levels.items()))
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
            loop.add_signal_handler(signal.SIGHUP, reloader.request)
        tasks = [loop.create_task(reloader.run())]
        if watch_interval:
            tasks.append(loop.create_task(reloader.watch(watch_interval)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
                loop.remove_signal_handler(signal.SIGHUP)
            await holder.stop()

    app = FastAPI(
        title="Tactful",
        summary="Draft replies from a compiled library of customer-service response frameworks.",
        version="1",
        lifespan=lifespan,
    )
    app.state.holder = holder
    app.state.reloader = reloader
    app.state.schema_backend = None  # the library the cached OpenAPI document describes
    app.add_middleware(BodyLimit, timeout=body_timeout)
    errors: dict[int | str, dict[str, Any]] = {
        404: {"model": ErrorOut, "description": "No framework has this intent (`unknown_intent`)."},
        413: {"model": ErrorOut, "description": "The body is larger than 64 KiB (`request_too_large`)."},
        422: {"model": ErrorOut, "description": "The runtime cannot draft this request (missing or invalid slots, "
              "unknown or invalid context fields, …), or the body is not a draft request (`invalid_request`)."},
        503: {"model": ErrorOut, "description": "The answer took longer than its time budget (`busy`), or the "
              "drafting engine stopped and a new one is starting (`unavailable`)."},
    }

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("tactful: internal error on %s %s", request.method, request.url.path)
        return JSONResponse(status_code=500, content=error_body("internal_error", "internal error"))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _validation_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = f"there is no {request.method} {request.url.path}" if exc.status_code in (404, 405) else str(exc.detail)
        return JSONResponse(status_code=exc.status_code, content=error_body(kind, message, [(["path"], message)]),
                            headers=getattr(exc, "headers", None))

    def openapi() -> dict:
        backend = holder.backend
        if app.openapi_schema is None or app.state.schema_backend is not backend:  # a reload: the new bundle's
            from fastapi.openapi.utils import get_openapi

            app.state.schema_backend = backend
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            request = schema["components"]["schemas"]["DraftRequest"]
            request["properties"]["context"] = {**backend.context_schema, "title": "Context"}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    async def ask(operation: str, request: dict[str, Any]) -> Response:
        backend = holder.backend  # read once: one library answers the whole request
        status, body = await backend.ask(operation, request)
        if status == 500:
            log.error("tactful: internal error answering %s (the drafting engine logged it above)", operation)
        return _json((status, body))

    @app.post("/v1/draft", response_model=DraftOut, responses=errors, summary="Draft a reply to one message")
    async def draft(request: DraftRequest) -> Any:
        return await ask("draft", {"intent": request.intent, "slots": request.slots, "context": request.context})

    @app.get("/v1/frameworks", response_model=list[FrameworkSummary], summary="Every framework of the library")
    async def frameworks() -> Any:
        return await ask("frameworks", {})

    @app.get("/v1/frameworks/{intent}", response_model=Framework,
             responses={404: {"model": ErrorOut, "description": "No framework has this intent (`unknown_intent`)."},
                        422: {"model": ErrorOut, "description": "The request is malformed (`invalid_request`)."}},
             summary="One framework, as in the bundle")
    async def framework(intent: str) -> Any:
        return await ask("framework", {"intent": intent})

    @app.get("/healthz", response_model=Health, summary="Liveness, and the revision in service")
    async def healthz() -> Any:
        backend = holder.backend
        return {"status": "ok", "revision": backend.revision, "frameworks": backend.frameworks}

    @app.post("/v1/verify", response_model=VerificationOut, responses=errors, summary="Verify a final reply before it is sent")
    async def verify(request: VerifyRequest) -> Any:
        """The body of a draft request plus `text` (and optionally `policy`); the answer is the
        Verification's JSON form. Errors as for /v1/draft; an unknown policy code is FastAPI's 422."""
        levels = {**project_levels, **request.policy}  # the request's levels over the project's [verify] table
        return await ask("verify", {"intent": request.intent, "text": request.text, "slots": request.slots,
                                    "context": request.context, "policy": levels})

    return app


# --- running it -----------------------------------------------------------------------------------


def log_config() -> dict:
    """uvicorn's logging configuration, with the `tactful` loggers on its default handler (so that
    every reload and refusal is shown beside uvicorn's own lines)."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["tactful"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def header_deadline_protocol(timeout: float) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol, with a deadline for each request's line and headers: a connection
    that has not sent a complete request head within `timeout` seconds of the head's first byte (or
    of opening, for its first request) is closed. uvicorn itself has none (its keep-alive timer stops
    at a request's first byte, so a client sending a byte a second is held for ever), and an ASGI
    middleware cannot have one: the app is called only once the headers are complete. The class is
    given to uvicorn through its `http` setting; h11's `their_state` says whether a head is pending."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderDeadline(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is h11.IDLE:  # a request head begun and not complete
                if self._deadline is None:
                    self._arm()
            elif self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def connection_lost(self, exc: Exception | None) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._deadline = self.loop.call_later(timeout, self._expired)

        def _expired(self) -> None:
            self._deadline = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return HeaderDeadline


def run(bundle: str | os.PathLike, host: str = "127.0.0.1", port: int = 8000, *, watch_interval: float | None = 1.0,
        access_log: bool = False, header_timeout: float = HEADER_TIMEOUT, body_timeout: float = BODY_TIMEOUT,
        keep_alive: int = KEEP_ALIVE, max_connections: int = MAX_CONNECTIONS, draft_budget: float = DRAFT_BUDGET,
        verify_settings: Mapping[str, str] | None = None) -> None:
    """Serve until interrupted: one server process answering from drafting engines. Raises
    BundleError when the bundle cannot be loaded.

    Limits (docs/reference/http.md): `max_connections` concurrent connections (503 beyond), a
    request's line and headers within `header_timeout` s (closed after) and up to MAX_HEADERS bytes,
    its body within `body_timeout` s (408), idle keep-alive connections closed after `keep_alive` s."""
    import uvicorn

    app = create_app(bundle, watch_interval=watch_interval, draft_budget=draft_budget, isolate=True,
                     verify_settings=verify_settings, body_timeout=body_timeout)
    uvicorn.run(app, host=host, port=port, workers=1, log_level="info", server_header=False, access_log=access_log,
                log_config=log_config(), timeout_keep_alive=keep_alive, limit_concurrency=max_connections,
                h11_max_incomplete_event_size=MAX_HEADERS, http=header_deadline_protocol(header_timeout))
