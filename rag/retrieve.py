"""Hybrid retrieval: dense vectors from Chroma and BM25, fused by reciprocal rank, with source diversity.

BM25 is llama-index's ``BM25Retriever`` (bm25s + Snowball stemming) built over the
store's chunks and cached until the store's revision changes. We fuse ourselves
instead of using ``QueryFusionRetriever`` because we need a per-document cap (so one
long article cannot crowd out the others) and the per-list ranks for diagnostics.

A question carries the day it is asked on (``Question.as_of``): articles published later are left out, and
a question about the time it is asked in ranks that week's articles higher (``rag/recency.py``).
"""

from __future__ import annotations

import datetime

from rag.embed import Embedder, get_embedder
from rag.errors import EmptyStoreError
from rag.focus import focus_share
from rag.question import Question
from rag.recency import in_window, published_day
from rag.settings import Settings
from rag.store import RevisionCache, Store, get_store
from rag.types import Chunk, ScoredChunk


class _BM25Index:
    """A BM25 index over chunks, rebuilt when the store changes."""

    def __init__(self) -> None:
        self._index = RevisionCache(_bm25_index)

    def search(self, store: Store, query: str, k: int) -> list[tuple[Chunk, float]]:
        retriever, chunks = self._index.of(store)
        if retriever is None:
            return []
        retriever.similarity_top_k = min(k, len(chunks))
        from llama_index.core.schema import QueryBundle

        hits = retriever.retrieve(QueryBundle(query_str=query))
        return [(chunks[h.node.node_id], float(h.score or 0.0)) for h in hits if (h.score or 0.0) > 0]


def _bm25_index(store: Store) -> tuple[object | None, dict[str, Chunk]]:
    """llama-index's BM25 retriever over every chunk of ``store`` (None when it has none), and the chunks by id."""
    from llama_index.core.schema import TextNode
    from llama_index.retrievers.bm25 import BM25Retriever

    all_chunks = store.all_chunks()
    chunks = {c.chunk_id: c for c in all_chunks}
    if not all_chunks:
        return None, chunks
    nodes = [TextNode(id_=c.chunk_id, text=c.text) for c in all_chunks]
    return BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=min(30, len(nodes))), chunks


def _doc_dates(store: Store) -> dict[str, datetime.date]:
    """Each document's publication day, for those that have one."""
    return {r.doc_id: d for r in store.list_documents() if (d := published_day(r.meta.published))}


def rrf_fuse(ranked_lists: list[list[str]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion: score(id) = sum over lists of 1 / (k + rank)."""
    scores: dict[str, float] = {}
    for ranked in ranked_lists:
        for rank, cid in enumerate(ranked, start=1):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (k + rank)
    return scores


def diversify(ordered: list[ScoredChunk], top_k: int, per_doc: int) -> list[ScoredChunk]:
    """Keep the best chunks with at most ``per_doc`` from one document; fill up if too few documents."""
    kept: list[ScoredChunk] = []
    per: dict[str, int] = {}
    rest: list[ScoredChunk] = []
    for sc in ordered:
        if per.get(sc.chunk.doc_id, 0) < per_doc:
            kept.append(sc)
            per[sc.chunk.doc_id] = per.get(sc.chunk.doc_id, 0) + 1
        else:
            rest.append(sc)
        if len(kept) == top_k:
            return kept
    return (kept + rest)[:top_k]


class Retriever:
    """Hybrid retriever over a store.

    Example:
        >>> r = Retriever(settings)
        >>> [sc.chunk.doc_id for sc in r.retrieve("Who shot down the drone?")]
    """

    def __init__(self, settings: Settings, store: Store | None = None, embedder: Embedder | None = None):
        self.settings = settings
        self.store = store or get_store(settings)
        self.embedder = embedder or get_embedder(settings)
        self._bm25 = _BM25Index()
        self._dates = RevisionCache(_doc_dates)

    def retrieve(self, question: str | Question, top_k: int | None = None) -> list[ScoredChunk]:
        """The fused, diversified top chunks for ``question``."""
        q = Question.of(question)
        cfg = self.settings.retrieval
        top_k = top_k or cfg.top_k
        if top_k <= 0:
            raise ValueError(f"top_k must be greater than 0. Currently, top_k is {top_k}")
        qvec = self.embedder.embed_query(q.text)
        dates = self._dates.of(self.store) if q.as_of or (q.asks_recent and cfg.recent_days) else {}
        # Articles published after the day the question is asked did not exist then (a question asked "as of"
        # an earlier day, as RealTimeQA's weekly quizzes are): they are left out, and more candidates are
        # fetched so that leaving them out does not thin the lists.
        later = {d for d, day in dates.items() if q.as_of and day > q.as_of}
        n = cfg.candidates * (3 if later else 1)
        dense = self.store.dense_search(qvec, n)
        if not dense:
            raise EmptyStoreError("The store is empty: ingest articles first, e.g. `rag ingest corpus/`.")
        sparse = self._bm25.search(self.store, q.text, n)
        if later:
            dense = [(c, s) for c, s in dense if c.doc_id not in later][: cfg.candidates]
            sparse = [(c, s) for c, s in sparse if c.doc_id not in later][: cfg.candidates]
        by_id = {c.chunk_id: c for c, _ in dense}
        by_id.update({c.chunk_id: c for c, _ in sparse})
        dense_ids = [c.chunk_id for c, _ in dense]
        sparse_ids = [c.chunk_id for c, _ in sparse]
        fused = rrf_fuse([dense_ids, sparse_ids], k=cfg.rrf_k)
        lists = [dense_ids, sparse_ids]
        focus = q.search_focus if cfg.focus_search else ()
        if focus:
            # A third list: the candidates that name the asked-for thing ("victims"), in fused order, so the
            # one chunk naming it is not outranked by every chunk that retells the event the rest of the
            # question describes. Only candidates: over the whole store a focus is noise. Only the "who was
            # the X" kind: "which retail chain" boosted every chunk naming a retailer (4 of 200 RealTimeQA
            # questions lost their answer from the evidence).
            share = {cid: focus_share(focus, by_id[cid].text) for cid in fused}
            naming = [cid for cid, _ in sorted(fused.items(), key=lambda kv: (-share[kv[0]], -kv[1], kv[0]))
                      if share[cid] > 0]
            lists.append(naming)
        recent = self._recent(q, fused, dates, by_id) if q.asks_recent and cfg.recent_days else []
        if recent:
            lists.append(recent)
        fused = rrf_fuse(lists, k=cfg.rrf_k)
        dense_rank = {cid: i for i, cid in enumerate(dense_ids, 1)}
        sparse_rank = {cid: i for i, cid in enumerate(sparse_ids, 1)}
        ordered = [
            ScoredChunk(chunk=by_id[cid], score=s, dense_rank=dense_rank.get(cid), bm25_rank=sparse_rank.get(cid))
            for cid, s in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return diversify(ordered, top_k, cfg.max_chunks_per_doc)

    def _recent(self, q: Question, fused: dict[str, float], dates: dict[str, datetime.date],
                by_id: dict[str, Chunk]) -> list[str]:
        """The candidates published in the ``retrieval.recent_days`` before the question's day, in fused order.

        A question about the time it is asked in ("Which airline apologised this week?") is answered by the
        articles of that time; older ones tell an earlier story with the same words. A ranked list in the fusion,
        not a filter: an older article that alone holds the answer still ranks by its other lists.
        """
        days = self.settings.retrieval.recent_days
        return [cid for cid, _ in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
                if in_window(dates.get(by_id[cid].doc_id), q.as_of, days)]
