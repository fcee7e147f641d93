"""Shared fixtures: offline guard, a deterministic embedder, a scripted LLM, isolated stores."""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path

import numpy as np
import pytest

from rag.offline import apply_offline_env

apply_offline_env(force=True)

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"
LOOPBACK = {"127.0.0.1", "::1", "localhost", "0.0.0.0"}


@pytest.fixture(autouse=True)
def block_network(monkeypatch):
    """No test may reach beyond this machine: a model hub call would hang CI."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in LOOPBACK and not host.startswith("127.") and self.family != socket.AF_UNIX:
            raise RuntimeError(f"Network access to {address!r} is blocked in tests")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Each test gets its own RAG_HOME (stores, config) unless it uses the shared model home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("RAG_HOME", str(home))
    # The assembled 1.1 GB GGUF is shared by all tests (and kept between runs) instead of rebuilt per test.
    monkeypatch.setenv("RAG_MODEL_CACHE", os.environ.get("RAG_TEST_MODEL_CACHE", str(Path.home() / ".corroborate" / "models")))
    monkeypatch.delenv("RAG_CONFIG", raising=False)
    monkeypatch.chdir(home)
    return home


@pytest.fixture(autouse=True)
def no_qa_model_in_unit_tests(request, monkeypatch):
    """Unit tests run on fakes only: the extractive QA model (answerability, per-source answers) is off unless a
    test passes its own fake (``Pipeline(qa=...)``) or turns it on; integration tests use the real model."""
    if request.node.get_closest_marker("unit") is not None:
        monkeypatch.setenv("RAG_ANSWERABILITY__QA", "false")
        monkeypatch.setenv("RAG_CONFLICTS__ANSWERS", "false")
        monkeypatch.setenv("RAG_CONFLICTS__READING", "false")
        monkeypatch.setenv("RAG_ANSWERABILITY__READER", "false")


class HashEmbedder:
    """Deterministic bag-of-words embedder: texts sharing stemmed words get similar vectors."""

    name = "fake:hash"
    dim = 256

    def _vec(self, text: str) -> np.ndarray:
        from rag.text import content_terms

        v = np.zeros(self.dim, dtype=np.float32)
        for t in content_terms(text) or ["empty"]:
            h = int(hashlib.md5(t.encode()).hexdigest(), 16)
            v[h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_documents(self, texts):
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text):
        return self._vec(text)


@pytest.fixture
def fake_embedder():
    return HashEmbedder()


class SpanHashEmbedder(HashEmbedder):
    """HashEmbedder that also pools span vectors (each span gets its own text's vector) and logs what it embeds."""

    name = "fake:hash-spans"

    def __init__(self):
        self.embedded: list[str] = []  # texts passed to embed_documents, in order

    def embed_documents(self, texts):
        self.embedded.extend(texts)
        return super().embed_documents(texts)

    def embed_documents_with_spans(self, texts, spans):
        from rag.embed import SpanEmbeddings

        pooled = [np.stack([self._vec(t[a:b]) for a, b in sp]) if sp else np.zeros((0, self.dim), np.float32)
                  for t, sp in zip(texts, spans)]
        return SpanEmbeddings(HashEmbedder.embed_documents(self, texts), pooled)


@pytest.fixture
def span_embedder():
    return SpanHashEmbedder()


def cited_article(tmp_path, embedder, article: str, overrides: dict | None = None, **answer_fields):
    """A real store holding one article (with "Algeria said ... airspace." and "Mali said ... territory."), and a
    cited answer over it: evidence [1] Algeria's sentence, [2] Mali's; the answer cites Mali's; one quantity
    conflict between the two. The web app and the API tests both stand on it."""
    from types import SimpleNamespace

    from ingest.pipeline import ingest_paths
    from rag.settings import get_settings
    from rag.store import get_store
    from rag.types import Answer, Citation, Conflict, ConflictSide, Evidence

    settings = get_settings(overrides={"conflicts.enabled": "false", "conflicts.nli": "none",
                                       "store.path": str(tmp_path / "store"), **(overrides or {})})
    store = get_store(settings)
    src = tmp_path / "article.txt"
    src.write_text(article, encoding="utf-8")
    report = ingest_paths([src], settings, store=store, embedder=embedder)
    assert report.count("added") == 1, "Test requires the article to be ingested"
    doc = store.get_document(report.files[0].doc_id)
    ev = []
    for key, (first, last, score) in enumerate((("Algeria said", "airspace.", 0.8), ("Mali said", "territory.", 0.7)), 1):
        s, e = doc.text.index(first), doc.text.index(last) + len(last)
        ev.append(Evidence(key=key, doc_id=doc.doc_id, source=doc.source, title=doc.meta.title, start=s, end=e,
                           text=doc.text[s:e], score=score))
    cite = Citation(n=1, **ev[1].span_fields())
    conflict = Conflict(kind="quantity", score=0.9, summary="Distance: 2 km (Algeria) vs 9.5 km (Mali)", topic="drone",
                        sides=[ConflictSide(**e.span_fields(), attributed_to=w) for e, w in zip(ev, ["Algeria", "Mali"])])
    answer = Answer(question="q", answer="The wreckage was found 9.5km inside Mali [1].", abstained=False,
                    citations=[cite], conflicts=[conflict], evidence=ev, draft="Draft text.", **answer_fields)
    return SimpleNamespace(settings=settings, store=store, doc=doc, evidence=ev, conflict=conflict, answer=answer)


def make_scripted_llm():
    """A llama-index LLM that replays queued replies and records what it was asked."""
    from llama_index.core.base.llms.types import CompletionResponse, LLMMetadata
    from llama_index.core.llms import CustomLLM
    from llama_index.core.llms.callbacks import llm_completion_callback

    class ScriptedLLM(CustomLLM):
        replies: list = []
        history: list = []

        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(context_window=4096, num_output=256, is_chat_model=False, model_name="scripted")

        def enqueue(self, text: str) -> None:
            self.replies.append(text)

        def _next(self, prompt: str) -> str:
            self.history.append(prompt)
            if not self.replies:
                raise AssertionError("ScriptedLLM: test did not enqueue a reply")
            return self.replies.pop(0)

        @llm_completion_callback()
        def complete(self, prompt: str, formatted: bool = False, **kw) -> CompletionResponse:
            return CompletionResponse(text=self._next(prompt))

        @llm_completion_callback()
        def stream_complete(self, prompt: str, formatted: bool = False, **kw):
            text = self._next(prompt)

            def gen():
                acc = ""
                for piece in text.split(" "):
                    piece = piece if not acc else " " + piece
                    acc += piece
                    yield CompletionResponse(text=acc, delta=piece)

            return gen()

    return ScriptedLLM(replies=[], history=[])


@pytest.fixture
def scripted_llm():
    return make_scripted_llm()
