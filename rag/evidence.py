"""Sentence-level evidence selection inside the retrieved chunks.

The LLM sees single sentences under short keys ``[n]`` rather than whole chunks:
prompts stay short (prefill dominates latency on CPU) and every citation already
is an exact span of a stored document.

Sentence vectors come from the store when ingest pooled them (see ``rag.embed``);
only sentences without one are embedded here, which keeps selection fast.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field

from rag.embed import Embedder
from rag.focus import focus_share
from rag.question import Question
from rag.recency import in_window, published_day
from rag.safety import looks_like_injection
from rag.store import Store
from rag.text import content_terms
from rag.types import Evidence, ScoredChunk, SentenceKey

DENSE_WEIGHT = 0.65


class EvidenceSet(BaseModel):
    """The evidence shown to the LLM and how relevant the best of it is."""

    items: list[Evidence] = Field(default_factory=list, description="Evidence sentences, key 1..n, best first.")
    relevance: float = Field(default=0.0, description="Score of the best sentence, 0..1; low means off-topic.")
    lexical: float = Field(default=0.0, description="Best share of the question's content words found in one sentence.")


def lexical_overlap(question_terms: set[str], sentence: str) -> float:
    """Share of the question's content terms present in the sentence."""
    if not question_terms:
        return 0.0
    return len(question_terms & set(content_terms(sentence))) / len(question_terms)


def sentence_vectors(
    keys: list[SentenceKey], texts: list[str], store: Store, embedder: Embedder, dim: int, stored: bool = True
) -> np.ndarray:
    """(len(keys), dim) unit vectors: stored ones where the store has them, the rest embedded now."""
    found = store.get_sentence_vectors(keys) if stored else {}
    vecs = np.empty((len(keys), dim), dtype=np.float32)
    missing = []
    for i, k in enumerate(keys):
        v = found.get(k)
        if v is not None and v.shape == (dim,):  # another model's vectors would not compare with the query's
            vecs[i] = v
        else:
            missing.append(i)
    if missing:
        vecs[missing] = embedder.embed_documents([texts[i] for i in missing])
    return vecs


def select_evidence(
    question: str | Question,
    chunks: list[ScoredChunk],
    store: Store,
    embedder: Embedder,
    n: int = 8,
    per_doc: int = 3,
    stored_vectors: bool = True,
    focus_weight: float = 0.15,
    recent_days: int | None = None,
    recent_weight: float = 0.0,
) -> EvidenceSet:
    """Score every sentence of the retrieved chunks against the question; keep the best ``n``.

    ``stored_vectors=False`` ignores the store's sentence vectors and embeds every candidate.
    ``focus_weight`` times the share of the question's focus a sentence names (:mod:`rag.focus`) is added:
    "...most of the victims were civilians" for "Who were the victims of the strikes?", against
    sentences that only retell the strikes.
    """
    q = Question.of(question)
    seen: set[tuple[str, int]] = set()
    cands: list[tuple[ScoredChunk, int, int, str]] = []
    for sc in chunks:
        for span in sc.chunk.sentences:
            key = (sc.chunk.doc_id, span.start)
            if key in seen:
                continue
            seen.add(key)
            rel_start, rel_end = span.start - sc.chunk.start, span.end - sc.chunk.start
            text = sc.chunk.text[rel_start:rel_end]
            if looks_like_injection(text):
                continue
            cands.append((sc, span.start, span.end, text))
    if not cands:
        return EvidenceSet()
    qvec = embedder.embed_query(q.text)
    keys = [(c[0].chunk.doc_id, c[1]) for c in cands]
    svecs = sentence_vectors(keys, [c[3] for c in cands], store, embedder, len(qvec), stored_vectors)
    cos = np.clip(svecs @ qvec, 0.0, 1.0)
    qterms = q.term_set
    lex = np.array([lexical_overlap(qterms, c[3]) for c in cands])
    score = DENSE_WEIGHT * cos + (1 - DENSE_WEIGHT) * lex
    focus = q.focus
    if focus and focus_weight:
        score = score + focus_weight * np.array([focus_share(focus, c[3]) for c in cands])
    records = store.get_records([c[0].chunk.doc_id for c in cands])
    rank = score
    if recent_days and recent_weight and q.asks_recent:
        # A question about the time it is asked in: a sentence of that week's articles ranks higher (not its score:
        # that stays its relevance, which the abstention and the conflict checks read).
        fresh = {d for d, r in records.items() if in_window(published_day(r.meta.published), q.as_of, recent_days)}
        rank = score + recent_weight * np.array([c[0].chunk.doc_id in fresh for c in cands])
    order = np.argsort(-rank, kind="stable")
    items: list[Evidence] = []
    per: dict[str, int] = {}
    for i in order:
        sc, start, end, text = cands[i]
        doc_id = sc.chunk.doc_id
        if per.get(doc_id, 0) >= per_doc or len(text) < 12:
            continue
        per[doc_id] = per.get(doc_id, 0) + 1
        rec = records.get(doc_id)
        items.append(
            Evidence(
                key=len(items) + 1,
                doc_id=doc_id,
                source=rec.source if rec else "",
                title=rec.meta.title if rec else "",
                start=start,
                end=end,
                text=text,
                score=float(score[i]),
                chunk_id=sc.chunk.chunk_id,
            )
        )
        if len(items) == n:
            break
    return EvidenceSet(items=items, relevance=float(score.max()), lexical=float(lex.max()))
