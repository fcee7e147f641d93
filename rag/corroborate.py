"""Corroborate from Python: ask with verified citations, compare sources, ingest, list disagreements.

    >>> from rag import Corroborate                                   # doctest: +SKIP
    >>> c = Corroborate(store="~/my-store")                           # doctest: +SKIP
    >>> c.ingest("corpus/")                                           # doctest: +SKIP
    >>> a = c.ask("Where was the drone's wreckage found according to Mali?")   # doctest: +SKIP
    >>> a.answer, [(x.n, x.doc_id, x.start, x.end) for x in a.citations]      # doctest: +SKIP

The same objects as ``rag ask --json`` (``Answer``), ``rag ask --by-source`` (``SourceView``), ``rag conflicts``
(``Conflict``) and ``rag docs`` (``DocRecord``), all pydantic models in ``rag/types.py``. A thin layer over
:class:`rag.serving.service.Service`, the object the HTTP API and the MCP server use, so every front end
answers the same way; models load on first use and are shared by every call on this object.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rag.settings import Settings, get_settings


class Corroborate:
    """A corpus you can question. ``store``: the store folder (default: the configured one); ``preset``: a shipped
    preset name (``fast``, ``accurate``, ``server``); ``overrides``: dotted settings (``{"retrieval.top_k": 8}``).
    """

    def __init__(self, store: str | Path | None = None, *, preset: str | None = None,
                 settings: Settings | None = None, overrides: dict[str, Any] | None = None):
        over = dict(overrides or {})
        if store is not None:
            over["store.path"] = str(Path(store).expanduser())
        self.settings = get_settings(settings or preset, overrides=over or None)
        from rag.serving.service import Service

        self._service = Service(self.settings)

    @property
    def pipeline(self):
        """The underlying :class:`rag.pipeline.Pipeline` (built on first use)."""
        return self._service.pipeline()

    def ask(self, question: str, *, on_token=None):
        """Answer with verified citations (an ``Answer``); ``on_token`` receives the unverified draft as it streams.

        Raises:
            InputError: the question is empty or too long.
        """
        return self._service.ask(question, limit=False, on_token=on_token)

    def by_source(self, question: str):
        """Each article's own answer to the question, marking the ones that disagree (list of ``SourceView``)."""
        return self.pipeline.by_source(self._service.check_question(question))

    def search(self, question: str):
        """The evidence sentences for the question (exact spans) and why it would abstain (None: answerable); no LLM."""
        return self._service.search(question)

    def ingest(self, *paths: str | Path):
        """Ingest files, folders or http(s) URLs; returns the ``IngestReport`` (``.summary()``, per-file outcomes)."""
        return self._service.ingest(list(paths))

    def conflicts(self, min_score: float | None = None):
        """Every disagreement between the stored articles (list of ``Conflict``), as ``rag conflicts`` finds them.

        Raises:
            EmptyStoreError: nothing is ingested.
        """
        return self._service.conflicts(min_score)

    def documents(self):
        """Every document in the store (list of ``DocRecord``, without text)."""
        return self._service.documents()
