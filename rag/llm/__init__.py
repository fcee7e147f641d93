"""The answer-writing LLM: the packaged Qwen2.5-Coder 1.5B GGUF in-process, or an OpenAI-compatible server.

``get_llm(settings)`` gives a llama-index ``LLM``; ``generate()`` streams one answer from it and
measures it. The embedded backend runs llama.cpp's own server code through xllamacpp, so the
model's chat template, prompt caching and token counts are llama.cpp's.

One module per job:

- ``packaged``: the packaged GGUF, assembled from its part wheels and verified once;
- ``server``: the process-wide xllamacpp runtime (loading, unloading, llama.cpp's log level);
- ``embedded``: ``XLlamaCppLLM``, the llama-index LLM over that runtime;
- ``factory``: ``get_llm``, the embedded model or an OpenAI-compatible server, per the settings;
- ``generation``: ``generate`` and ``Generation``, streaming with stop strings, timing, server errors.

Example:
    >>> llm = get_llm(get_settings())                                       # doctest: +SKIP
    >>> gen = generate(llm, [ChatMessage(role="user", content="Hi")], 24)  # doctest: +SKIP
    >>> gen.text, gen.tokens_per_s                                         # doctest: +SKIP

xllamacpp is imported only when a model is loaded; llama.cpp's log is silent unless
``RAG_LLM_VERBOSE=1``.
"""

from rag.llm.embedded import XLlamaCppLLM
from rag.llm.factory import get_llm
from rag.llm.generation import Generation, generate
from rag.llm.packaged import (
    PACKAGED_MODEL_FILE,
    PACKAGED_MODEL_PARTS,
    PACKAGED_MODEL_SHA256,
    PACKAGED_MODEL_SIZE,
    packaged_model_path,
    packaged_part_paths,
)
from rag.llm.server import VERBOSE_ENV, unload_models

__all__ = [
    "PACKAGED_MODEL_FILE",
    "PACKAGED_MODEL_PARTS",
    "PACKAGED_MODEL_SHA256",
    "PACKAGED_MODEL_SIZE",
    "VERBOSE_ENV",
    "Generation",
    "XLlamaCppLLM",
    "generate",
    "get_llm",
    "packaged_model_path",
    "packaged_part_paths",
    "unload_models",
]
