"""One pipeline per configuration, shared by the web app, the HTTP API and the MCP server.

A session that changes a setting (the web app's Settings tab) gets a pipeline for its configuration
that reuses the base pipeline's store, embedder and, when compatible, its LLM, NLI and QA models, so
models load once per process.

Example:
    >>> cache = PipelineCache(get_settings())                       # doctest: +SKIP
    >>> cache.base() is cache.get({})                               # doctest: +SKIP
    True
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from rag.settings import Settings, get_settings


def _llm_key(s: Settings) -> str:
    return json.dumps(s.llm.model_dump(mode="json", exclude={"max_tokens"}), sort_keys=True)


def derive_pipeline(settings: Settings, base):
    """A Pipeline for ``settings`` sharing the base pipeline's store, embedder and (when compatible) models."""
    from rag.pipeline import Pipeline

    llm = base.llm if _llm_key(settings) == _llm_key(base.settings) else None
    nli = None
    if settings.conflicts.enabled and settings.conflicts.nli == base.settings.conflicts.nli:
        nli = base.nli
    # the QA model is shared only when the session asks for the same one (answerability.qa_model)
    same_qa = settings.answerability.qa_model == base.settings.answerability.qa_model
    qa = getattr(base, "qa", None) if same_qa else None
    return Pipeline(settings, store=base.store, embedder=base.embedder, llm=llm, nli=nli, qa=qa)


class PipelineCache:
    """One shared pipeline per configuration (keyed by config hash); models are loaded once.

    Example:
        >>> cache = PipelineCache(get_settings())                       # doctest: +SKIP
        >>> cache.get({"retrieval.top_k": 8}).settings.retrieval.top_k   # doctest: +SKIP
        8
    """

    def __init__(self, settings: Settings, pipeline=None, factory: Callable | None = None, size: int = 6):
        if size < 1:
            raise ValueError(f"size must be greater than 0. Currently, size is {size}")
        self.settings = settings
        self._base = pipeline
        self._factory = factory or derive_pipeline
        self._size = size
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Any] = OrderedDict()

    def base(self):
        """The pipeline for the app's own settings, built on first use."""
        with self._lock:
            if self._base is None:
                from rag.pipeline import Pipeline

                self._base = Pipeline(self.settings)
            return self._base

    def settings_for(self, overrides: dict | None) -> Settings:
        """The app's settings with a session's overrides applied (validated).

        Raises:
            ConfigError: an override is invalid; the message names the field.
        """
        return get_settings(self.settings, dict(overrides)) if overrides else self.settings

    def get(self, overrides: dict | None = None):
        """The pipeline for these overrides, shared by every session using the same configuration."""
        base = self.base()
        settings = self.settings_for(overrides)
        key = settings.config_hash()
        if key == base.settings.config_hash():
            return base
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        pipeline = self._factory(settings, base)
        with self._lock:
            pipeline = self._cache.setdefault(key, pipeline)
            self._cache.move_to_end(key)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return pipeline
