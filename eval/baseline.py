"""The baseline: a plain llama-index RAG pipeline over the same Chroma chunks, LLM and embedder.

Dense retrieval through ``ChromaVectorStore`` on our chunk collection, then
``CitationQueryEngine`` (its stock prompt, compact mode), mapped into our ``Answer`` so the same
metrics score it. Nothing is verified: the LLM's ``[n]`` markers are taken as they are (mentions
like "Source 2" are read as ``[2]``, since the small LLM often cites in words).

Our chunks carry flat metadata (doc_id, start, end, source, title) and no ``_node_content``, so
``ChromaVectorStore`` falls back to ``legacy_metadata_dict_to_node``: the node text is the Chroma
document (the chunk text) and the metadata keys survive, ``doc_id`` included (it is popped and put
back because the node has no parent). Citation nodes lose the node id, so spans are recovered
from ``start``/``end`` in the metadata and the document's clean text.
"""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

from pydantic import PrivateAttr

from rag.embed import Embedder, get_embedder
from rag.errors import StoreError
from rag.settings import Settings
from rag.store import get_store
from rag.types import Answer, Citation, Evidence, Timings
from rag.verify import CITATION_GROUP, parse_keys

_SOURCE_PREFIX = re.compile(r"^\s*Source \d+:\s*\n?")
# The stock prompt says "If none of the sources are helpful, you should indicate that."
ABSTAIN_PATTERN = re.compile(
    r"\b(none of the (provided |given )?sources|(sources?|context|information provided) (do|does) not|"
    r"(do|does) not (provide|mention|contain|specify|say|include|state)|no (relevant )?information|"
    r"not (mentioned|provided|specified|stated|available)|cannot (be )?(determined?|answer(ed)?|found?)|"
    r"unable to (determine|answer|find)|insufficient (evidence|information))\b",
    re.I,
)


_SOURCE_MENTION = re.compile(r"\b[Ss]ources?\s+\d+(?:\s*(?:,|and|&)\s*\d+)*")


def mentions_to_markers(text: str) -> str:
    """'According to Source 1 and 3, ...' -> 'According to [1][3], ...': the small LLM often cites in words."""
    return _SOURCE_MENTION.sub(lambda m: "".join(f"[{n}]" for n in re.findall(r"\d+", m.group(0))), text)


def looks_abstained(text: str) -> bool:
    """True when the baseline's answer says the sources do not answer (its first sentence does, or it is empty)."""
    text = text.strip()
    if not text:
        return True
    first = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0]
    return bool(ABSTAIN_PATTERN.search(first))


def get_embed_model(embedder: Embedder):
    """A llama-index ``BaseEmbedding`` that calls our embedder, so llama-index never loads a model of its own."""
    from llama_index.core.embeddings import BaseEmbedding

    class CorroborateEmbedding(BaseEmbedding):
        """Adapter: ``rag.embed`` vectors (unit length, float32) as llama-index embeddings."""

        _embedder: Any = PrivateAttr()

        def __init__(self, embedder: Embedder, **kwargs: Any):
            super().__init__(model_name=getattr(embedder, "name", "corroborate"), **kwargs)
            self._embedder = embedder

        @classmethod
        def class_name(cls) -> str:
            return "CorroborateEmbedding"

        def _get_query_embedding(self, query: str) -> list[float]:
            return [float(x) for x in self._embedder.embed_query(query)]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return [float(x) for x in self._embedder.embed_documents([text])[0]]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return [[float(x) for x in v] for v in self._embedder.embed_documents(texts)]

    return CorroborateEmbedding(embedder)


class BaselinePipeline:
    """llama-index ``CitationQueryEngine`` over our Chroma chunk collection, answering in our ``Answer`` shape.

    Example:
        >>> base = BaselinePipeline(settings, llm=pipeline.llm, embedder=pipeline.embedder)
        >>> base.ask("Who brought the drone down?").citations
    """

    def __init__(self, settings: Settings, store=None, embedder: Embedder | None = None, llm=None):
        from llama_index.core import VectorStoreIndex
        from llama_index.core.query_engine import CitationQueryEngine
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.settings = settings
        self.store = store or get_store(settings)
        if not hasattr(self.store, "chunks"):
            raise StoreError("The baseline needs the Chroma store (its chunk collection); this store has none.")
        self.embedder = embedder or get_embedder(settings)
        if llm is None:
            from rag.llm import get_llm

            llm = get_llm(settings)
        self.llm = llm
        self.embed_model = get_embed_model(self.embedder)
        # llm and embed_model are passed explicitly everywhere: llama-index must never fall back to OpenAI.
        vector_store = ChromaVectorStore(chroma_collection=self.store.chunks)
        index = VectorStoreIndex.from_vector_store(vector_store, embed_model=self.embed_model)
        retriever = index.as_retriever(similarity_top_k=settings.retrieval.top_k)
        self.engine = CitationQueryEngine(retriever=retriever, llm=llm)
        self._texts: dict[str, str] = {}

    def _doc_text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            doc = self.store.get_document(doc_id)
            self._texts[doc_id] = doc.text if doc else ""
        return self._texts[doc_id]

    def _evidence(self, i: int, nws) -> Evidence:
        meta = nws.node.metadata or {}
        text = _SOURCE_PREFIX.sub("", nws.node.get_content()).strip()
        doc_id = str(meta.get("doc_id", ""))
        start, end = int(meta.get("start", 0)), int(meta.get("end", 0))
        full = self._doc_text(doc_id)
        at = full.find(text, start, max(end, start + len(text))) if text else -1
        if at >= 0:
            start, end = at, at + len(text)
        return Evidence(
            key=i + 1,
            doc_id=doc_id,
            source=str(meta.get("source", "")),
            title=str(meta.get("title", "")),
            start=start,
            end=max(end, start),
            text=text,
            score=float(nws.score or 0.0),
        )

    def ask(self, question: str, id: str | None = None, as_of: datetime.date | None = None) -> Answer:
        """Answer one question with the stock llama-index citation engine (which reads no dates: ``as_of`` is
        accepted so that a set's dated questions run on both systems, and left unused, as stock)."""
        from llama_index.core.schema import QueryBundle

        t0 = time.perf_counter()
        bundle = QueryBundle(question)
        nodes = self.engine.retrieve(bundle)
        t1 = time.perf_counter()
        response = self.engine.synthesize(bundle, nodes=nodes)
        t2 = time.perf_counter()
        draft = (str(response.response or "")).strip()
        text = mentions_to_markers(draft)
        evidence = [self._evidence(i, n) for i, n in enumerate(response.source_nodes)]
        cited = sorted({k for g in CITATION_GROUP.findall(text) for k in parse_keys(g) if 1 <= k <= len(evidence)})
        abstained = looks_abstained(text)
        citations = [] if abstained else [
            Citation(n=k, **evidence[k - 1].span_fields())
            for k in cited
        ]
        timings = Timings(retrieval=t1 - t0, generation=t2 - t1, total=time.perf_counter() - t0)
        return Answer(
            id=id,
            question=question,
            answer=text,
            abstained=abstained,
            citations=citations,
            timings=timings,
            draft=draft,
            evidence=evidence,
            mode="abstained" if abstained else "generated",
            config_hash=self.settings.config_hash(),
        )
