"""Entry points: conflicts among one question's evidence, across a store, or against an answer sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.claims import tokenize
from rag.conflicts.merge import conflicts_from_pairs
from rag.conflicts.scoring import score_pairs
from rag.conflicts.signals import PairSignals, pair_signals
from rag.conflicts.units import MIN_WORDS, Unit, candidate_pairs, finish_units, make_units, similarities
from rag.embed import Embedder
from rag.nli import NLIModel, get_nli
from rag.settings import ConflictSettings
from rag.types import Conflict, Evidence, Span

if TYPE_CHECKING:
    from rag.settings import Settings
    from rag.store import Store


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


DocInput = tuple[str, str, str, str, list[Span]]
"""(doc_id, source, title, clean text, sentence spans) for :func:`scan_conflicts`."""


def analyze_pairs(
    sentences: list[Evidence],
    settings: ConflictSettings,
    embedder: Embedder | None = None,
    nli: NLIModel | None = None,
    *,
    floor: float | None = None,
    limit: int | None = None,
    nli_limit: int | None = None,
) -> tuple[list[Unit], list[PairSignals]]:
    """Units and scored candidate pairs (every pair, kept or not); the calibration script reads these."""
    units = finish_units(make_units(sentences))
    sims = similarities(units, embedder)
    cands = candidate_pairs(units, sims, settings.min_similarity if floor is None else floor,
                        settings.max_pairs if limit is None else limit)
    pairs = [pair_signals(units[i], units[j], float(sims[i, j]), settings) for i, j in cands]
    score_pairs(pairs, units, settings, nli, settings.nli_max_pairs if nli_limit is None else nli_limit)
    return units, pairs


def find_conflicts(
    sentences: list[Evidence],
    settings: ConflictSettings,
    embedder: Embedder | None = None,
    nli: NLIModel | None = None,
    question: str | None = None,
) -> list[Conflict]:
    """Conflicts among the evidence sentences of one question, strongest first.

    ``embedder`` gives sentence similarity (without one, a bag-of-stems cosine is used);
    ``nli`` defaults to ``get_nli(settings.nli)`` (None when it is 'none'); ``question``
    only labels a conflict whose sides share no name. Deterministic for fixed inputs.

    Example:
        >>> conflicts = find_conflicts(evidence, settings.conflicts, get_embedder(settings))  # doctest: +SKIP
        >>> [(c.kind, len(c.sides)) for c in conflicts]  # doctest: +SKIP
        [('agent', 3), ('quantity', 4)]
    """
    if not settings.enabled or not sentences:
        return []
    if nli is None:
        nli = get_nli(settings.nli)
    units, pairs = analyze_pairs(sentences, settings, embedder, nli)
    return conflicts_from_pairs(units, pairs, settings, question)


def scan_conflicts(
    docs: list[DocInput],
    settings: ConflictSettings,
    embedder: Embedder | None = None,
    nli: NLIModel | None = None,
) -> list[Conflict]:
    """Conflicts across a whole store: every allowed sentence pair above ``scan_min_similarity``.

    ``docs`` holds ``(doc_id, source, title, text, sentence_spans)``. Returns conflicts
    sorted by topic, then by score.
    """
    evidence: list[Evidence] = []
    for doc_id, source, title, text, spans in docs:
        for sp in spans:
            sent = text[sp.start : sp.end]
            if sum(1 for t in tokenize(sent) if t.is_word) < MIN_WORDS:
                continue
            evidence.append(Evidence(key=len(evidence) + 1, doc_id=doc_id, source=source, title=title,
                                     start=sp.start, end=sp.end, text=sent))
    if not evidence or not settings.enabled:
        return []
    if nli is None:
        nli = get_nli(settings.nli)
    units, pairs = analyze_pairs(evidence, settings, embedder, nli, floor=settings.scan_min_similarity,
                                 limit=100_000, nli_limit=4 * settings.nli_max_pairs)
    conflicts = conflicts_from_pairs(units, pairs, settings)
    if settings.scan_values and embedder is not None:
        from rag.conflicts.implicit import shared_question_conflicts

        found = {frozenset((s.doc_id, s.start) for s in c.sides) for c in conflicts}
        conflicts += [c for c in shared_question_conflicts(evidence, embedder, settings.scan_values_min_similarity)
                      if not any(frozenset((s.doc_id, s.start) for s in c.sides) <= f for f in found)]
    conflicts.sort(key=lambda c: (c.topic.lower(), -c.score, c.sides[0].doc_id, c.sides[0].start))
    return conflicts


def scan_store(
    settings: Settings,
    store: Store | None = None,
    embedder: Embedder | None = None,
    nli: NLIModel | None = None,
) -> list[Conflict]:
    """Every disagreement between the documents of a store, grouped by topic (``rag conflicts``, the web app).

    Runs even when the per-question check is switched off: a scan is always asked for explicitly.
    """
    from rag.embed import get_embedder
    from rag.store import get_store

    store = store or get_store(settings)
    spans: dict[str, set[tuple[int, int]]] = {}
    for ch in store.all_chunks():
        spans.setdefault(ch.doc_id, set()).update((s.start, s.end) for s in ch.sentences)
    docs: list[DocInput] = []
    for rec in store.list_documents():
        doc = store.get_document(rec.doc_id)
        if doc is not None:
            docs.append((doc.doc_id, doc.source, doc.meta.title, doc.text,
                         [Span(start=a, end=b) for a, b in sorted(spans.get(doc.doc_id, ()))]))
    cfg = settings.conflicts.model_copy(update={"enabled": True})
    return scan_conflicts(docs, cfg, embedder or get_embedder(settings), nli)


def contradiction_score(
    claim: str,
    spans: list[Evidence],
    settings: ConflictSettings,
    embedder: Embedder | None = None,
    nli: NLIModel | None = None,
) -> float:
    """How strongly ``claim`` (an answer sentence) contradicts any of ``spans``, 0..1.

    Answer verification uses it as a veto: "The Algerian army brought the drone down" is
    lexically close to "the drone was not shot down by its forces but ... by the Azawad
    Liberation Front", but the agent signal makes them a conflict.
    """
    if not spans or not claim.strip():
        return 0.0
    probe = Evidence(key=10**6, doc_id="\x00claim", source="", title="", start=0, end=len(claim), text=claim)
    units, pairs = analyze_pairs([probe, *spans], settings, embedder, nli, floor=0.0, limit=4 * len(spans) + 4)
    claim_units = {u.idx for u in units if u.ev.doc_id == "\x00claim"}
    return max((p.score for p in pairs if (p.a in claim_units) != (p.b in claim_units)), default=0.0)
