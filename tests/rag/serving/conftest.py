"""A fake, optionally slow pipeline over a real store (hash embedder): what the API, the MCP server and the line need."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from rag.types import Answer
from tests.conftest import cited_article

ARTICLE = (
    "Drone downed near the border\n\n"
    "Algeria said its air defences shot down the drone after it entered 2km into its airspace. "
    "Mali said the wreckage was found 9.5km inside Malian territory. The ministry gave no more detail."
)


class FakePipeline:
    """Answers every question with the same cited answer; ``delay`` seconds per answer; records what ran at once."""

    def __init__(self, settings, store, embedder, answer: Answer, delay: float = 0.0, error: Exception | None = None):
        self.settings, self.store, self.embedder = settings, store, embedder
        self.answer, self.delay, self.error = answer, delay, error
        self.nli = self.llm = None
        self.asked: list[str] = []
        self.days: list = []  # each question's as_of
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def ask(self, question, id=None, on_token=None, as_of=None):
        with self._lock:
            self.asked.append(question)
            self.days.append(as_of)
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            for t in ("Draft ", "text."):
                if on_token:
                    on_token(t)
            time.sleep(self.delay)
            if self.error:
                raise self.error
            return self.answer.model_copy(update={"question": question, "id": id})
        finally:
            with self._lock:
                self.running -= 1

    def prepare(self, question):
        return SimpleNamespace(evidence=SimpleNamespace(items=self.answer.evidence, relevance=1.0), answers=[],
                               abstain_reason=None, chunks=[])


@pytest.fixture
def served(tmp_path, fake_embedder):
    """A store holding one article, an answer citing it, and a Service over a FakePipeline."""
    from rag.serving.service import Service

    art = cited_article(tmp_path, fake_embedder, ARTICLE, {"serve.max_wait_s": "20"}, config_hash="abc")
    settings, store, doc, answer, conflict = art.settings, art.store, art.doc, art.answer, art.conflict
    pipeline = FakePipeline(settings, store, fake_embedder, answer)
    service = Service(settings, pipeline)
    return SimpleNamespace(settings=settings, store=store, doc=doc, answer=answer, conflict=conflict,
                           pipeline=pipeline, service=service, tmp=tmp_path)
