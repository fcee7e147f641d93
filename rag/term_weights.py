"""How much a word says about what a passage is about: its inverse document frequency over the store's chunks.

"Is this sentence about the question?" counts the question's content words in it (``question_coverage``). Plain
counting weighs "year", "used" or "many" like "Elemi" or "glider"; two accounts of one subject often share the
subject's rare words and word the rest unlike the question ("the number of gliders used in the attack on Fort
Eben-Emael" against "the Germans landed 41 gliders at Eben-Emael"). Weighting each word by how few chunks hold it
lets the rare words count for more, in this corpus: in a set of articles about one event, the event's own names
are in every chunk and weigh little.

The weights are BM25's: ``log(1 + (N - df + 0.5) / (df + 0.5))`` over N chunks (each with its document's title),
rebuilt when the store's revision changes. Chroma and llama-index's BM25 retriever (bm25s) keep their own
tokenisation; these must be over our content terms (``rag.text.content_terms``), the ones coverage counts, so
we count them ourselves.
"""

from __future__ import annotations

import math
from collections import Counter

from rag.store import RevisionCache, Store
from rag.text import content_terms


def term_weights(texts: list[str]) -> dict[str, float]:
    """BM25 inverse document frequency of every content word of ``texts`` (one text per chunk). Numbers and years
    get none: they are the question's specifics, not its subject ("the 2015 agreement" names a year that the
    agreement's own signing date shares, which says nothing about the agreement's ending).

    Example:
        >>> w = term_weights(["the glider landed", "the glider crashed", "a boat sank"])
        >>> w["glider"] < w["boat"]
        True
    """
    df: Counter[str] = Counter()
    for text in texts:
        df.update(t for t in set(content_terms(text)) if not any(c.isdigit() for c in t))
    n = len(texts)
    return {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}


def _store_weights(store: Store) -> dict[str, float]:
    titles = {d.doc_id: d.meta.title or "" for d in store.list_documents()}
    return term_weights([f"{titles.get(c.doc_id, '')} {c.text}" for c in store.all_chunks()])


class StoreTermWeights(RevisionCache[dict[str, float]]):
    """The term weights of a store's chunks, rebuilt when the store changes (thread-safe): ``.of(store)``."""

    def __init__(self) -> None:
        super().__init__(_store_weights)
