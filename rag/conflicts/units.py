"""Units and candidate pairs: what is compared (sentences or speakers' clauses), and which pairs.

Steps 1 and 2 of the detector (see :mod:`rag.conflicts`): one unit per evidence sentence, or per
clause of a sentence reporting two parties disagreeing; pairs from different documents or different
parties, by sentence similarity.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from rag.claims import Claim, Token, analyze, same_entity, split_clauses, stem, tokenize
from rag.embed import Embedder
from rag.types import Evidence


# ---------------------------------------------------------------------------
# Units and pairs
# ---------------------------------------------------------------------------


MIN_WORDS = 4


@dataclass
class Unit:
    """A sentence, or one speaker's clause of it, being compared; offsets are absolute in the document."""

    idx: int
    ev: Evidence
    start: int
    end: int
    text: str
    claim: Claim
    party: str | None
    party_key: str | None
    sentence: int
    clause: bool
    tokens: list[Token] = field(default_factory=list)
    claim_from: int = 0
    name_stems: frozenset[str] = frozenset()


def make_units(sentences: list[Evidence]) -> list[Unit]:
    """The evidence sentences (of at least MIN_WORDS words) as units: one per clause where a sentence splits, else one per sentence."""
    units: list[Unit] = []
    for si, ev in enumerate(sentences):
        if sum(1 for t in tokenize(ev.text) if t.is_word) < MIN_WORDS:
            continue
        clauses = split_clauses(ev.text)
        if clauses:
            for c in clauses:
                text = ev.text[c.start : c.end]
                claim = analyze(text)
                units.append(
                    Unit(len(units), ev, ev.start + c.start, ev.start + c.end, text, claim, c.attributed_to,
                          c.attribution_key, si, True, tokenize(text), max(0, c.claim_start - c.start))
                )
        else:
            claim = analyze(ev.text)
            units.append(
                Unit(len(units), ev, ev.start, ev.end, ev.text, claim, claim.attributed_to, claim.attribution_key,
                      si, False, tokenize(ev.text))
            )
    return units


def finish_units(units: list[Unit]) -> list[Unit]:
    """Fill in what pairing needs beyond the claim (the stems of the names each unit mentions)."""
    for u in units:
        u.name_stems = frozenset(stem(w) for e in u.claim.entities for w in e.text.split())
    return units


def _lexical_vectors(units: list[Unit]) -> np.ndarray:
    vocab: dict[str, int] = {}
    rows = []
    for u in units:
        c = Counter(u.claim.stems)
        rows.append(c)
        for w in c:
            vocab.setdefault(w, len(vocab))
    m = np.zeros((len(units), max(1, len(vocab))), dtype=np.float32)
    for i, c in enumerate(rows):
        for w, n in c.items():
            m[i, vocab[w]] = n
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.maximum(norms, 1e-9)


def similarities(units: list[Unit], embedder: Embedder | None) -> np.ndarray:
    """Cosine similarities between every two units (the embedder's vectors, or stem counts without one)."""
    if not units:
        return np.zeros((0, 0), dtype=np.float32)
    if embedder is None:
        v = _lexical_vectors(units)
    else:
        v = np.asarray(embedder.embed_documents([u.text for u in units]), dtype=np.float32)
    return v @ v.T


def same_party(a: Unit, b: Unit) -> bool:
    """Both units attributed to one party (the same person or organisation, by name key)."""
    return bool(a.party_key and b.party_key and same_entity(a.party_key, b.party_key))


def _may_pair(a: Unit, b: Unit) -> bool:
    if a.sentence == b.sentence:
        return a.clause and b.clause and not same_party(a, b)
    if a.ev.doc_id != b.ev.doc_id:
        return True
    return bool(a.party_key and b.party_key and not same_entity(a.party_key, b.party_key))


def candidate_pairs(units: list[Unit], sims: np.ndarray, floor: float, limit: int) -> list[tuple[int, int]]:
    """The unit pairs worth scoring: clauses of one sentence always, others above ``floor``, most similar first;
    at most ``limit`` pairs (or all the forced ones)."""
    forced, scored = [], []
    n = len(units)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = units[i], units[j]
            if not _may_pair(a, b):
                continue
            if a.sentence == b.sentence:
                forced.append((i, j))
            elif sims[i, j] >= floor:
                scored.append((float(sims[i, j]), i, j))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    return (forced + [(i, j) for _, i, j in scored])[: max(limit, len(forced))]
