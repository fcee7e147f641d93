"""``XLlamaCppLLM``: the llama-index LLM over the embedded runtime (chat, completion, real streaming)."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator, Sequence
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
from llama_index.core.llms import CustomLLM
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from pydantic import ConfigDict, Field

from rag.errors import ModelError
from rag.llm.server import load_server


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


# Besides chunks, the worker thread puts on the queue an exception it hit (as _Failure) and then _DONE.
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
        return load_server(self.model_path, self.context_window, self.threads, self.parallel)

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
        if kwargs.get("top_logprobs"):  # the likeliest alternatives of each token (generate(alternatives=...))
            payload["logprobs"] = True
            payload["top_logprobs"] = int(kwargs["top_logprobs"])
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
