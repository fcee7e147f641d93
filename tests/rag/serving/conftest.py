"""A fake, optionally slow pipeline over a real store (hash embedder): what the API, the MCP server and the line need."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from rag.settings import get_settings
from rag.store import get_store
from rag.types import Answer, Citation, Conflict, ConflictSide, Evidence

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
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def ask(self, question, id=None, on_token=None):
        with self._lock:
            self.asked.append(question)
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
    from ingest.pipeline import ingest_paths
    from rag.serving.service import Service

    settings = get_settings(overrides={"conflicts.enabled": "false", "conflicts.nli": "none",
                                       "store.path": str(tmp_path / "store"), "serve.max_wait_s": "20"})
    store = get_store(settings)
    src = tmp_path / "article.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    report = ingest_paths([src], settings, store=store, embedder=fake_embedder)
    assert report.count("added") == 1, "Test requires the article to be ingested"
    doc = store.get_document(report.files[0].doc_id)
    spans = []
    for first, last in (("Algeria said", "airspace."), ("Mali said", "territory.")):
        s = doc.text.index(first)
        spans.append((s, doc.text.index(last) + len(last)))
    ev = [Evidence(key=i + 1, doc_id=doc.doc_id, source=doc.source, title=doc.meta.title, start=s, end=e,
                   text=doc.text[s:e], score=0.8) for i, (s, e) in enumerate(spans)]
    cite = Citation(n=1, doc_id=doc.doc_id, source=doc.source, title=doc.meta.title, start=ev[1].start, end=ev[1].end,
                    text=ev[1].text)
    conflict = Conflict(kind="quantity", score=0.9, summary="Distance: 2 km (Algeria) vs 9.5 km (Mali)", topic="drone",
                        sides=[ConflictSide(doc_id=e.doc_id, source=e.source, title=e.title, start=e.start, end=e.end,
                                            text=e.text, attributed_to=w) for e, w in zip(ev, ["Algeria", "Mali"])])
    answer = Answer(question="q", answer="The wreckage was found 9.5km inside Mali [1].", abstained=False,
                    citations=[cite], conflicts=[conflict], evidence=ev, draft="Draft text.", config_hash="abc")
    pipeline = FakePipeline(settings, store, fake_embedder, answer)
    service = Service(settings, pipeline)
    return SimpleNamespace(settings=settings, store=store, doc=doc, answer=answer, conflict=conflict,
                           pipeline=pipeline, service=service, tmp=tmp_path)
