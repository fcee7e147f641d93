"""The HTTP API served by ``rag serve`` beside the web app: ask, OpenAI-compatible chat, documents, conflicts, ingest.

Routes are built on a :class:`fastapi.APIRouter` so the same routes run in ``rag serve`` (added to the web
app's FastAPI app, one process, one set of loaded models) and in tests (:func:`build_api_app`). Every
error is JSON, ``{"error": {"message", "type", "code"}}``, the shape OpenAI clients read. See docs/api.md.

Example:
    >>> app = build_api_app(Service(get_settings()), ApiAuth())   # doctest: +SKIP
    >>> # POST /v1/ask {"question": "Who brought the drone down?"}
"""

from __future__ import annotations

import asyncio
import datetime
import base64
import hmac
import json
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, create_model
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from rag.errors import BusyError, ConfigError, EmptyStoreError, IngestError, InputError, ModelError, RagError, \
    StoreError, TooManyRequestsError
from rag.serving.line import describe_wait
from rag.serving.service import Service
from rag.types import Answer, Conflict, DocRecord, Evidence

log = logging.getLogger("corroborate.api")

MODEL_ID = "corroborate"
PUBLIC_FIELDS = ("id", "question", "answer", "abstained", "abstain_reason", "citations", "conflicts", "timings", "mode",
                 "config_hash")
LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}  # 'testclient': FastAPI's TestClient

#: The object ``rag ask --json`` prints (``Answer.public_dict()``), for the OpenAPI schema.
PublicAnswer = create_model(
    "PublicAnswer",
    __doc__="The verified answer to one question, exactly as `rag ask --json` prints it.",
    **{name: (f.annotation, f) for name, f in Answer.model_fields.items() if name in PUBLIC_FIELDS},
)


def app_version() -> str:
    """The installed Corroborate version ("0" when running from a tree that is not installed)."""
    try:
        return version("corroborate")
    except PackageNotFoundError:
        return "0"


# -- request and response models --------------------------------------------------------------


class AskRequest(BaseModel):
    """A question for POST /v1/ask."""

    question: str = Field(description="The question, up to 2000 characters.")
    id: str | None = Field(default=None, description="Your id for the question, echoed back in the answer.")
    as_of: datetime.date | None = Field(
        default=None, description="Answer as of this day (YYYY-MM-DD): articles published later are left out, and "
        "'this week' is the week before it. Default today.")


class ChatMessage(BaseModel):
    """One message of an OpenAI chat request; only the last user message is asked."""

    model_config = ConfigDict(extra="allow")

    role: str = Field(description="'user', 'assistant' or 'system'.")
    content: str | list[dict[str, Any]] | None = Field(
        default=None, description="Text, or a list of content parts of which the 'text' parts are read.")


class ChatRequest(BaseModel):
    """An OpenAI chat completion request; sampling options are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(default=MODEL_ID, description="Any name; Corroborate has one model.")
    messages: list[ChatMessage] = Field(min_length=1, description="The conversation; the last user message is asked.")
    stream: bool = Field(default=False, description="Server-sent events, OpenAI style, ending with 'data: [DONE]'.")


class AssistantMessage(BaseModel):
    """The answer as a chat message: the verified text with [n] citation markers."""

    role: Literal["assistant"] = Field(default="assistant", description="Always 'assistant'.")
    content: str = Field(description="The verified answer text with [n] citation markers.")


class ChatChoice(BaseModel):
    """The one choice of a chat completion."""

    index: int = Field(default=0, description="Always 0.")
    message: AssistantMessage = Field(description="The answer.")
    finish_reason: Literal["stop"] = Field(default="stop", description="Always 'stop'.")


class Usage(BaseModel):
    """Token counts (the prompt is not counted)."""

    prompt_tokens: int = Field(default=0, description="Not counted: 0.")
    completion_tokens: int = Field(default=0, description="Tokens the LLM generated for the draft.")
    total_tokens: int = Field(default=0, description="Same as completion_tokens.")


class ChatCompletion(BaseModel):
    """An OpenAI chat completion with the citations and conflicts in the extra field ``corroborate``."""

    id: str = Field(description="'chatcmpl-' and a random id.")
    object: Literal["chat.completion"] = Field(default="chat.completion", description="Always 'chat.completion'.")
    created: int = Field(description="Unix time.")
    model: str = Field(description="The model name asked for.")
    choices: list[ChatChoice] = Field(description="One choice.")
    usage: Usage = Field(default_factory=Usage, description="Token counts.")
    corroborate: PublicAnswer = Field(description="The whole answer: citations (doc, offsets, text), conflicts, mode.")


class ModelCard(BaseModel):
    """One model of GET /v1/models."""

    id: str = Field(description="Model name to send.")
    object: Literal["model"] = Field(default="model", description="Always 'model'.")
    created: int = Field(default=0, description="Unix time (0: unknown).")
    owned_by: str = Field(default="corroborate", description="Always 'corroborate'.")


class ModelList(BaseModel):
    """GET /v1/models."""

    object: Literal["list"] = Field(default="list", description="Always 'list'.")
    data: list[ModelCard] = Field(description="The one model.")


class SearchResult(BaseModel):
    """Evidence for a question without an LLM call (POST /v1/search)."""

    question: str = Field(description="The question as asked.")
    evidence: list[Evidence] = Field(description="Evidence sentences, best first, each an exact span.")
    abstain_reason: str | None = Field(description="Why an answer would abstain; null when the evidence may answer.")


class UploadResult(BaseModel):
    """What ingest did with one uploaded file."""

    file: str = Field(description="The uploaded file's name.")
    status: str = Field(description="added, updated, unchanged, duplicate or skipped.")
    doc_id: str | None = Field(default=None, description="Document id, when the file was read.")
    title: str | None = Field(default=None, description="Document title, when the file was read.")
    chunks: int = Field(default=0, description="Chunks written for it.")
    reason: str | None = Field(default=None, description="Why it was skipped, when it was.")


class IngestResponse(BaseModel):
    """POST /v1/ingest: one result per uploaded file and a one-line summary."""

    files: list[UploadResult] = Field(description="One result per uploaded file.")
    summary: str = Field(description="One line for humans.")


class LineStatus(BaseModel):
    """GET /v1/status: the line of questions."""

    slots: int = Field(description="Questions answered at once.")
    running: int = Field(description="Questions being answered now.")
    waiting: int = Field(description="Questions waiting in line.")
    max_waiting: int = Field(description="Past this many waiting, new questions get 503.")
    typical_answer_s: float | None = Field(description="Seconds one answer takes lately; null before the first.")


class ErrorDetail(BaseModel):
    """What went wrong."""

    message: str = Field(description="A sentence saying what went wrong and what to do.")
    type: str = Field(description="invalid_request_error, authentication_error, too_large, rate_limited, busy, "
                                  "unavailable or server_error.")
    code: int = Field(description="The HTTP status.")


class ErrorResponse(BaseModel):
    """Every error: OpenAI's shape."""

    error: ErrorDetail = Field(description="What went wrong.")


ERRORS = {code: {"model": ErrorResponse, "description": text} for code, text in {
    400: "Bad request (the message says which field).", 401: "Missing or wrong credentials.",
    413: "Request body too large.", 429: "This client has too many questions in line.",
    503: "The line is full, a question waited too long, or a model is unavailable; see Retry-After.",
}.items()}


# -- errors ------------------------------------------------------------------------------------


class ApiError(Exception):
    """An HTTP error with a message for the caller."""

    def __init__(self, status: int, message: str, type_: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.type, self.headers = status, message, type_, headers or {}


def error_response(status: int, message: str, type_: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON error body every route uses."""
    return JSONResponse({"error": {"message": message, "type": type_, "code": status}}, status_code=status,
                        headers=headers)


def api_error(exc: BaseException) -> ApiError:
    """The HTTP error for an exception raised while answering (the message never repeats the request body)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, TooManyRequestsError):
        return ApiError(429, str(exc), "rate_limited", {"Retry-After": str(exc.retry_after)})
    if isinstance(exc, BusyError):
        return ApiError(503, str(exc), "busy", {"Retry-After": str(exc.retry_after)})
    if isinstance(exc, (InputError, EmptyStoreError, ConfigError, IngestError)):
        return ApiError(400, str(exc), "invalid_request_error")
    if isinstance(exc, (ModelError, StoreError)):
        return ApiError(503, str(exc), "unavailable", {"Retry-After": "30"})
    if isinstance(exc, RagError):
        return ApiError(500, str(exc), "server_error")
    if isinstance(exc, RequestValidationError):
        lines = []
        for e in exc.errors()[:5]:
            loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
            lines.append(f"{loc}: {e.get('msg', 'invalid')}")
        return ApiError(400, "Invalid request: " + "; ".join(lines), "invalid_request_error")
    if isinstance(exc, HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "Request refused."
        kind = {401: "authentication_error", 413: "too_large"}.get(exc.status_code, "invalid_request_error")
        return ApiError(exc.status_code, detail, kind, dict(exc.headers or {}))
    log.error("Unexpected error in the HTTP API", exc_info=exc)
    return ApiError(500, f"Unexpected error ({type(exc).__name__}). The server log has the details.", "server_error")


# -- auth --------------------------------------------------------------------------------------


@dataclass
class ApiAuth:
    """Who may call the API.

    With ``token`` (env ``RAG_API_TOKEN``) or ``logins`` (the web app's login), every request needs
    ``Authorization: Bearer TOKEN`` or HTTP Basic with a login. With neither, only this machine may call
    (the web app's loopback rule), unless ``allow_remote`` (``rag serve --insecure-no-auth``).
    """

    token: str | None = None
    logins: list[tuple[str, str]] | None = None
    allow_remote: bool = False

    @classmethod
    def from_env(cls, logins: list[tuple[str, str]] | None = None, allow_remote: bool = False,
                 environ: dict | None = None) -> ApiAuth:
        """Read ``RAG_API_TOKEN`` now (it is never logged)."""
        env = os.environ if environ is None else environ
        return cls(token=(env.get("RAG_API_TOKEN") or "").strip() or None, logins=logins or None,
                   allow_remote=allow_remote)

    @property
    def required(self) -> bool:
        """True when every request must carry credentials."""
        return bool(self.token or self.logins)

    def check(self, request: Request) -> None:
        """Let the request through or raise a 401 ApiError saying what to send."""
        host = request.client.host if request.client else ""
        if not self.required:
            if self.allow_remote or host in LOOPBACK or host.startswith("127."):
                return
            raise ApiError(401, "This server answers API requests from its own machine only: set RAG_API_TOKEN "
                                "on the server and send 'Authorization: Bearer <token>'.", "authentication_error")
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        value = value.strip()
        ok = False
        if scheme.lower() == "bearer" and self.token:
            ok = hmac.compare_digest(value.encode(), self.token.encode())
        elif scheme.lower() == "basic" and self.logins:
            try:
                user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                user = password = ""
            for u, p in self.logins:
                ok |= hmac.compare_digest(u.encode(), user.encode()) & hmac.compare_digest(p.encode(), password.encode())
        if not ok:
            want = "'Authorization: Bearer <RAG_API_TOKEN>'" if self.token else "HTTP Basic with the web app's login"
            raise ApiError(401, f"Missing or wrong credentials: send {want}.", "authentication_error",
                           {"WWW-Authenticate": "Bearer" if self.token else 'Basic realm="Corroborate"'})


def client_id(request: Request) -> str | None:
    """Who the per-client limit counts: the caller's address; None (no limit) for this machine."""
    host = request.client.host if request.client else ""
    if host in LOOPBACK or host.startswith("127."):
        return None
    return host


# -- routes ------------------------------------------------------------------------------------


@dataclass
class Limits:
    """Request body limits in bytes."""

    json_bytes: int
    upload_bytes: int


class _ApiRoute(APIRoute):
    """Reads the body within its limit (413 past it) and turns every error into the JSON error body."""

    limits: Limits = Limits(256 * 1024, 64 * 1024 * 1024)
    raise_errors: bool = False

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()
        limit = self.limits.upload_bytes if self.path.endswith("/ingest") else self.limits.json_bytes

        async def route(request: Request) -> Response:
            try:
                await _read_body(request, limit)
                return await handler(request)
            except Exception as exc:  # every error leaves as JSON
                if self.raise_errors and not isinstance(exc, (RagError, ApiError, HTTPException, RequestValidationError)):
                    raise
                err = api_error(exc)
                return error_response(err.status, err.message, err.type, err.headers)

        return route


async def _read_body(request: Request, limit: int) -> None:
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    too_big = ApiError(413, f"The request body is larger than the {_size(limit)} this endpoint accepts.", "too_large")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_big
    body = bytearray()
    async for block in request.stream():
        body += block
        if len(body) > limit:
            raise too_big
    request._body = bytes(body)  # starlette reuses it for .json() and .form()


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def question_of(messages: list[ChatMessage]) -> str:
    """The last user message's text (text parts joined).

    Raises:
        InputError: no user message.
    """
    for m in reversed(messages):
        if m.role != "user":
            continue
        if isinstance(m.content, str):
            return m.content
        parts = [p.get("text", "") for p in m.content or [] if isinstance(p, dict) and p.get("type") == "text"]
        return "\n".join(x for x in parts if isinstance(x, str))
    raise InputError("The chat has no user message to answer.")


def completion(answer: Answer, model: str, completion_id: str | None = None) -> dict:
    """The chat.completion object for an answer."""
    tokens = answer.timings.tokens
    return {
        "id": completion_id or f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion",
        "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": tokens, "total_tokens": tokens},
        "corroborate": answer.public_dict(),
    }


def _chunk(cid: str, model: str, delta: dict, finish: str | None = None, **extra) -> str:
    body = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def pieces(text: str, words: int = 6) -> list[str]:
    """The answer in pieces of a few words for streaming; joined they give ``text`` exactly."""
    tokens = text.split(" ")
    return [" ".join(tokens[i:i + words]) + (" " if i + words < len(tokens) else "") for i in range(0, len(tokens), words)]


def build_router(service: Service, auth: ApiAuth | None = None, *, raise_errors: bool | None = None) -> APIRouter:
    """The /v1 routes over ``service`` (its pipeline and line), guarded by ``auth``."""
    auth = auth or ApiAuth()
    s = service.settings.serve
    route_class = type("ApiRoute", (_ApiRoute,), {
        "limits": Limits(s.max_body_kb * 1024,
                         int(service.settings.ingest.max_file_mb * 1024 * 1024) * s.max_upload_files + 1024 * 1024),
        "raise_errors": bool(os.environ.get("RAG_RAISE_ERRORS")) if raise_errors is None else raise_errors,
    })

    def authorized(request: Request) -> None:
        auth.check(request)

    router = APIRouter(prefix="/v1", route_class=route_class, dependencies=[Depends(authorized)], responses=ERRORS,
                       tags=["corroborate"])

    @router.post("/ask", response_model=PublicAnswer, summary="Answer a question with verified citations")
    async def ask(request: Request, body: AskRequest) -> Response:
        """Wait in line for a slot, then answer; the body is exactly what `rag ask --json` prints."""
        q = service.check_question(body.question)
        ticket = service.line.join(client_id(request))
        answer = await run_in_threadpool(service.answer_in_turn, ticket, q, as_of=body.as_of)
        if body.id is not None:
            answer = answer.model_copy(update={"id": body.id})
        return JSONResponse(answer.public_dict())

    @router.post("/search", response_model=SearchResult, summary="Evidence for a question (no LLM)")
    async def search(body: AskRequest) -> SearchResult:
        """Retrieval and evidence selection only: exact spans a question could be answered from; no line."""
        evidence, reason = await run_in_threadpool(service.search, body.question, body.as_of)
        return SearchResult(question=body.question.strip(), evidence=evidence, abstain_reason=reason)

    @router.get("/models", response_model=ModelList, summary="The model list (OpenAI-compatible)")
    async def models() -> ModelList:
        """One model, 'corroborate'; any model name is accepted by /v1/chat/completions."""
        return ModelList(data=[ModelCard(id=MODEL_ID)])

    @router.post("/chat/completions", response_model=ChatCompletion, summary="Chat completion (OpenAI-compatible)",
                 responses={200: {"content": {"text/event-stream": {}},
                                  "description": "A chat.completion, or with stream=true OpenAI-style SSE chunks; "
                                                 "the last chunk before [DONE] carries 'corroborate'."}})
    async def chat(request: Request, body: ChatRequest) -> Response:
        """The last user message is asked. The answer text carries [n] markers; citations and conflicts are in the
        extra field ``corroborate`` (in the last chunk when streaming). Only the verified answer is streamed."""
        q = service.check_question(question_of(body.messages))
        ticket = service.line.join(client_id(request))
        if not body.stream:
            answer = await run_in_threadpool(service.answer_in_turn, ticket, q)
            return JSONResponse(completion(answer, body.model))
        return StreamingResponse(_stream(service, ticket, q, body.model), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @router.get("/docs", response_model=list[DocRecord], summary="Documents in the store")
    async def docs() -> list[DocRecord]:
        """Every document: id, source, title and other metadata, chunk count (as `rag docs --json`)."""
        return await run_in_threadpool(service.documents)

    @router.get("/conflicts", response_model=list[Conflict], summary="Every disagreement in the corpus")
    async def conflicts(min_score: float | None = Query(default=None, ge=0, le=1,
                                                         description="Only conflicts scoring at least this.")):
        """The corpus-wide report of `rag conflicts --json`; computed once per version of the store."""
        return await run_in_threadpool(service.conflicts, min_score)

    @router.get("/status", response_model=LineStatus, summary="The line of questions")
    async def status() -> LineStatus:
        """Slots, questions running and waiting, and the typical answer time."""
        return LineStatus(**service.line.status())

    @router.post("/ingest", response_model=IngestResponse, summary="Upload articles")
    async def ingest(files: list[UploadFile] = File(description="Article files (.txt, .md, .html, .pdf, .docx).")):
        """Store uploaded files in the store's uploads folder and ingest them, with the web app's checks."""
        if len(files) > s.max_upload_files:
            raise ApiError(400, f"{len(files)} files sent; one request takes at most {s.max_upload_files}.",
                           "invalid_request_error")
        return await run_in_threadpool(_ingest_uploads, service, files)

    return router


async def _stream(service: Service, ticket, question: str, model: str) -> AsyncIterator[str]:
    """SSE: place in line as comments while waiting, then the verified answer in pieces, then [DONE]."""
    loop = asyncio.get_running_loop()
    events: asyncio.Queue = asyncio.Queue()

    def emit(kind: str, value: Any) -> None:
        loop.call_soon_threadsafe(events.put_nowait, (kind, value))

    def work() -> None:
        try:
            answer = service.answer_in_turn(ticket, question, on_wait=lambda p, e: emit("wait", describe_wait(p, e)))
        except BaseException as exc:  # sent to the client below
            emit("error", exc)
        else:
            emit("answer", answer)

    cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    threading.Thread(target=work, name="corroborate-api-ask", daemon=True).start()
    try:
        yield _chunk(cid, model, {"role": "assistant", "content": ""})
        while True:
            try:
                kind, value = await asyncio.wait_for(events.get(), timeout=10)
            except TimeoutError:
                yield ": answering\n\n"  # a comment keeps proxies from closing a quiet stream
                continue
            if kind == "wait":
                yield f": {value}\n\n"
                continue
            if kind == "error":
                err = api_error(value)
                yield f"data: {json.dumps({'error': {'message': err.message, 'type': err.type, 'code': err.status}})}\n\n"
            else:
                for piece in pieces(value.answer):
                    yield _chunk(cid, model, {"content": piece})
                tokens = value.timings.tokens
                yield _chunk(cid, model, {}, "stop", corroborate=value.public_dict(),
                             usage={"prompt_tokens": 0, "completion_tokens": tokens, "total_tokens": tokens})
            yield "data: [DONE]\n\n"
            return
    finally:
        service.line.cancel(ticket)  # the client left while waiting: give up its place


def _ingest_uploads(service: Service, files: list[UploadFile]) -> IngestResponse:
    from ui.uploads import UploadRejected, safe_filename, stage_upload  # no Gradio import

    settings = service.settings
    limit = int(settings.ingest.max_file_mb * 1024 * 1024)
    uploads = settings.store_path / "uploads"
    results: list[UploadResult] = []
    staged: dict[str, str] = {}
    taken: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="corroborate-upload-") as tmp:
        for i, f in enumerate(files):
            shown = (f.filename or f"file{i + 1}")[-200:]
            try:
                folder = Path(tmp) / str(i)
                folder.mkdir()
                src = folder / safe_filename(shown)
                copied = 0
                with open(src, "wb") as out:
                    while block := f.file.read(1 << 20):
                        copied += len(block)
                        if copied > limit:
                            raise UploadRejected(f"{src.name} is larger than the {settings.ingest.max_file_mb:g} MB "
                                                 "limit (setting ingest.max_file_mb).")
                        out.write(block)
                dest = stage_upload(src, uploads, settings, taken)
                staged[str(dest)] = shown
            except UploadRejected as e:
                results.append(UploadResult(file=shown, status="skipped", reason=str(e)))
        summary = "nothing was ingested"
        if staged:
            report = service.ingest(list(staged))
            for r in report.files:
                results.append(UploadResult(file=staged.get(r.path, Path(r.path).name), status=r.status, doc_id=r.doc_id,
                                            title=r.title, chunks=r.chunks, reason=r.reason))
            summary = report.summary()
    return IngestResponse(files=results, summary=summary)


def openapi_schema(routes: list) -> dict:
    """The OpenAPI document of the /v1 routes only (the web app's own routes are left out)."""
    return get_openapi(title="Corroborate API", version=app_version(), routes=routes,
                       description="Question answering over news articles with verified, span-level citations and "
                                   "flagged disagreements between sources. See docs/api.md.")


def api_routes(service: Service, auth: ApiAuth | None = None) -> list:
    """The /v1 routes plus GET /v1/openapi.json, ready for ``FastAPI(routes=...)`` (what ``rag serve`` uses)."""
    router = build_router(service, auth)
    routes = list(router.routes)
    schema: dict = {}

    async def openapi_json() -> JSONResponse:
        if not schema:
            schema.update(openapi_schema(routes))
        return JSONResponse(schema)

    extra = APIRouter()
    extra.add_api_route("/v1/openapi.json", openapi_json, include_in_schema=False, methods=["GET"])
    return routes + list(extra.routes)


def build_api_app(service: Service, auth: ApiAuth | None = None) -> FastAPI:
    """A FastAPI app with only the API (tests, or serving the API without the web app)."""
    return FastAPI(title="Corroborate API", version=app_version(), routes=api_routes(service, auth), openapi_url=None,
                   docs_url=None, redoc_url=None)
