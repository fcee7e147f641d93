"""``generate``: stream one answer from any llama-index LLM, cut at stop strings, and measure it.

Errors of an OpenAI-compatible server (down, timed out, refused) become a ``ModelError`` that names the setting to fix.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import Any

from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.llms import LLM
from pydantic import BaseModel, Field

from rag.errors import ModelError
from rag.llm.embedded import XLlamaCppLLM


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
    first_alternatives: list[tuple[str, float]] | None = Field(
        default=None,
        description="The runtime's likeliest first tokens with their probabilities, when asked for and reported.",
    )
    halted: bool = Field(default=False, description="Stopped at the first token by the caller's ``halt`` test.")


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


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def first_token_alternatives(resp: Any) -> list[tuple[str, float]] | None:
    """(token, probability) of the alternatives a response or streamed chunk reports for its first token (OpenAI's
    and llama.cpp's ``choices[0].logprobs.content[0].top_logprobs``), or None when it reports none."""
    choices = _get(getattr(resp, "raw", None), "choices")
    if not choices:
        return None
    content = _get(_get(choices[0], "logprobs"), "content")
    top = _get(content[0], "top_logprobs") if content else None
    if not top:
        return None
    return [(str(_get(t, "token")), math.exp(float(_get(t, "logprob")))) for t in top]


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
    alternatives: int = 0,
    halt: Callable[[list[tuple[str, float]]], bool] | None = None,
) -> Generation:
    """Stream one answer from ``llm``, calling ``on_token(piece)`` as text arrives, and measure it.

    ``max_tokens`` and ``stop`` go to the runtime when it takes them (the embedded model and
    OpenAI-compatible servers); for other LLMs they are applied here, counting pieces as tokens.
    ``alternatives > 0`` asks those runtimes for the likeliest first tokens (``Generation.first_alternatives``);
    when ``halt(alternatives)`` is true the answer stops there and nothing is emitted (``Generation.halted``).
    The alternatives come from a one-token probe before the stream: asked for on every token, llama.cpp decodes
    about a fifth slower (measured), while the probe's prompt is then reused from the prompt cache.

    Raises:
        ModelError: the server is unreachable or refused, or the embedded runtime failed.
    """
    kwargs: dict[str, Any] = {}
    capped_here = False
    openai_cls = _openai_class()
    probe: tuple[LLM, dict[str, Any]] | None = None  # (llm, kwargs) of the one-token request for the alternatives
    if isinstance(llm, XLlamaCppLLM):
        kwargs["max_tokens"] = max_tokens
        if alternatives:
            probe = llm, {"max_tokens": 1, "top_logprobs": alternatives}
    elif openai_cls is not None and isinstance(llm, openai_cls):
        if alternatives:  # its fields override call kwargs
            probe = llm.model_copy(update={"max_tokens": 1, "logprobs": True, "top_logprobs": alternatives}), {}
        llm = llm.model_copy(update={"max_tokens": max_tokens})
    else:
        capped_here = True
    if stop and not capped_here:
        kwargs["stop"] = list(stop)

    scanner = _StopScanner(stop)
    emitted: list[str] = []
    pieces = 0
    first: float | None = None
    stats: dict[str, Any] = {}
    alts: list[tuple[str, float]] | None = None
    halted = False

    def emit(text: str) -> None:
        if text:
            emitted.append(text)
            if on_token is not None:
                on_token(text)

    start = time.perf_counter()
    stopped_here = False
    try:
        if probe is not None:
            alts = first_token_alternatives(probe[0].chat(messages, **probe[1]))
            if halt is not None and alts and halt(alts):
                took = time.perf_counter() - start
                return Generation(text="", tokens=0, first_token_s=took, total_s=took, prompt_tokens=None,
                                  tokens_per_s=None, first_alternatives=alts, halted=True)
        stream = llm.stream_chat(messages, **kwargs)
        try:
            for resp in stream:
                stats.update(_response_stats(resp))
                delta = resp.delta or ""
                if not delta:
                    continue
                if first is None:
                    first = time.perf_counter() - start
                    if alternatives and probe is None:  # an LLM reporting them with its stream
                        alts = first_token_alternatives(resp)
                        if halt is not None and alts and halt(alts):
                            stopped_here = halted = True
                            break
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
        first_alternatives=alts,
        halted=halted,
    )
