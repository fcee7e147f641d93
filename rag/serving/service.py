"""What the HTTP API and the MCP server call: one shared pipeline (one set of loaded models) and one line.

The pipeline comes from a :class:`rag.pipeline_cache.PipelineCache`; ``rag serve`` passes the web app's, so the
web app, the HTTP API and (in ``rag mcp``) the MCP server get their pipeline the same way.

Example:
    >>> service = Service(get_settings())                       # doctest: +SKIP
    >>> service.ask("Who brought the drone down?").citations    # doctest: +SKIP
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from pathlib import Path

from rag.errors import EmptyStoreError, InputError
from rag.pipeline_cache import PipelineCache
from rag.question import Question
from rag.serving.line import AskLine, Ticket
from rag.settings import Settings
from rag.types import Answer, Conflict, DocRecord, Evidence

EMPTY_STORE = "The store is empty: ingest articles first (POST /v1/ingest, or `rag ingest corpus/`)."


class Service:
    """Asks, searches, lists, scans and ingests through one pipeline; questions for the LLM go through the line.

    ``pipelines`` is the process's pipeline cache (the web app passes its own, so the API and the web app
    share loaded models); by default one is made for ``settings`` (around ``pipeline``, if given), and its
    pipeline is built on first use.
    """

    def __init__(self, settings: Settings, pipeline=None, *, pipelines: PipelineCache | None = None,
                 line: AskLine | None = None):
        self.settings = settings
        self.pipelines = pipelines or PipelineCache(settings, pipeline)
        self.line = line or AskLine.from_settings(settings)
        self._heavy = threading.Lock()  # one corpus scan or ingest at a time
        self._scan: tuple[tuple, list[Conflict]] | None = None

    def pipeline(self):
        """The shared pipeline (the cache's base pipeline), built on first use."""
        return self.pipelines.base()

    # -- questions
    @staticmethod
    def check_question(question: str | None) -> str:
        """The question stripped, or InputError before it waits in line (never echoing a long question back)."""
        from rag.pipeline import MAX_QUESTION_CHARS

        q = (question or "").strip()
        if not q:
            raise InputError("The question is empty.")
        if len(q) > MAX_QUESTION_CHARS:
            raise InputError(f"The question is {len(q)} characters long; the limit is {MAX_QUESTION_CHARS}.")
        return q

    def ask(self, question: str, *, client: str | None = None, limit: bool = True,
            on_wait: Callable[[int, float | None], None] | None = None,
            on_token: Callable[[str], None] | None = None) -> Answer:
        """Wait for a slot in the line, then answer with verified citations.

        Raises:
            InputError: the question is empty or too long.
            BusyError: the line is full, or the question waited too long (TooManyRequestsError: this client has
                too many questions in line).
        """
        q = self.check_question(question)
        ticket = self.line.join(client, limit=limit)
        return self.answer_in_turn(ticket, q, on_wait=on_wait, on_token=on_token)

    def answer_in_turn(self, ticket: Ticket, question: str, *,
                       on_wait: Callable[[int, float | None], None] | None = None,
                       on_token: Callable[[str], None] | None = None, as_of: datetime.date | None = None) -> Answer:
        """Answer a question that already joined the line (``ticket``): wait for its slot, answer, give the slot back.
        ``as_of``: the day it is asked on (default today; ``Pipeline.ask``)."""
        try:
            self.line.wait(ticket, on_wait)
            return self.pipeline().ask(question, on_token=on_token, as_of=as_of)
        finally:
            self.line.leave(ticket)

    def search(self, question: str, as_of: datetime.date | None = None) -> tuple[list[Evidence], str | None]:
        """Evidence sentences for the question and why it would abstain (None when answerable); no LLM, no line."""
        pre = self.pipeline().prepare(Question.parse(self.check_question(question), as_of))
        return list(pre.evidence.items), pre.abstain_reason

    # -- corpus
    def documents(self) -> list[DocRecord]:
        """Every document in the store (no text)."""
        return self.pipeline().store.list_documents()

    def conflicts(self, min_score: float | None = None) -> list[Conflict]:
        """Every disagreement between the stored articles (``rag conflicts``); the scan is reused until the store changes.

        Raises:
            EmptyStoreError: nothing is ingested.
        """
        from rag.conflicts import scan_store

        p = self.pipeline()
        records = p.store.list_documents()
        if not records:
            raise EmptyStoreError(EMPTY_STORE)
        key = tuple(sorted((r.doc_id, r.ingested_at) for r in records))
        with self._heavy:
            if self._scan is None or self._scan[0] != key:
                self._scan = (key, scan_store(self.settings, store=p.store, embedder=p.embedder, nli=p.nli))
            found = self._scan[1]
        return [c for c in found if min_score is None or c.score >= min_score]

    def ingest(self, paths: list[Path | str]):
        """Ingest files already on this machine (``ingest.pipeline.ingest_paths``); returns its IngestReport."""
        from ingest.pipeline import ingest_paths

        p = self.pipeline()
        with self._heavy:
            return ingest_paths([str(x) for x in paths], self.settings, store=p.store, embedder=p.embedder)
