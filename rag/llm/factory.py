"""``get_llm``: the LLM the settings choose, the embedded GGUF or an OpenAI-compatible server."""

from __future__ import annotations

import os

from llama_index.core.llms import LLM

from rag.errors import ModelError
from rag.llm.embedded import XLlamaCppLLM
from rag.llm.packaged import packaged_model_path
from rag.settings import Settings


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
