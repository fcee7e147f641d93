"""The embedded runtime: one process-wide xllamacpp server (llama.cpp's server code, in-process).

xllamacpp is imported only when a model is loaded; llama.cpp's log is silent unless ``RAG_LLM_VERBOSE=1``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from rag.errors import ModelError

VERBOSE_ENV = "RAG_LLM_VERBOSE"

# llama.cpp log thresholds (common/log.h): 0 prints nothing, 3 is llama-server's default (info).
_QUIET_VERBOSITY = 0
_VERBOSE_VERBOSITY = 3

_servers: dict[tuple[str, int, int, int], Any] = {}
_servers_lock = threading.Lock()


def _verbose() -> bool:
    return os.environ.get(VERBOSE_ENV, "").strip().lower() not in ("", "0", "false", "no", "off")


def load_server(model_path: str, context_window: int, threads: int, parallel: int) -> Any:
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
