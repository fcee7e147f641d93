"""Evidence selection: stored sentence vectors are used, missing ones embedded, old stores fall back."""

import numpy as np
import pytest

from rag.evidence import select_evidence
from rag.settings import get_settings
from rag.store import ChromaStore
from rag.types import Chunk, ScoredChunk, SentenceVectors, SourceDoc, Span
from tests.conftest import SpanHashEmbedder

pytestmark = pytest.mark.unit

TEXT = ("The drone wreckage was found 9.5km inside Mali. "
        "Algeria said the drone entered its airspace by 2km. "
        "The ambassadors were recalled from Algiers on Monday.")
QUESTION = "Where was the drone wreckage found?"


def _doc_and_chunks() -> tuple[SourceDoc, list[Chunk]]:
    spans, start = [], 0
    for part in TEXT.split(". "):
        end = start + len(part.rstrip(".")) + 1
        spans.append(Span(start=start, end=end))
        start = end + 1
    groups = [spans[:2], spans[1:]]  # two chunks overlapping by one sentence, as ingest makes them
    chunks = [Chunk(chunk_id=f"c{i}", doc_id="d1", index=i, start=g[0].start, end=g[-1].end,
                    text=TEXT[g[0].start:g[-1].end], sentences=g) for i, g in enumerate(groups)]
    return SourceDoc(doc_id="d1", source="/x/d1.txt", text=TEXT, file_hash="f" * 64), chunks


@pytest.fixture
def setup(tmp_path):
    store = ChromaStore(get_settings(overrides={"store.path": str(tmp_path / "s")}))
    emb = SpanHashEmbedder()
    doc, chunks = _doc_and_chunks()
    scored = [ScoredChunk(chunk=c, score=1.0) for c in chunks]
    return store, emb, doc, chunks, scored


def _write(store, emb, doc, chunks, spans=None, vectors=None):
    spans = spans if spans is not None else sorted({s for c in chunks for s in c.sentences}, key=lambda s: s.start)
    vectors = vectors if vectors is not None else emb.embed_documents([TEXT[s.start:s.end] for s in spans])
    store.write_document(doc, chunks, emb.embed_documents([c.text for c in chunks]), SentenceVectors(spans, vectors))
    emb.embedded.clear()


def _keys(ev):
    return [(e.doc_id, e.start) for e in ev.items]


def test_stored_vectors_replace_embedding_and_select_the_same_evidence(setup):
    store, emb, doc, chunks, scored = setup
    _write(store, emb, doc, chunks)
    fast = select_evidence(QUESTION, scored, store, emb)
    assert emb.embedded == [], "every candidate has a stored vector: nothing may be embedded"
    exact = select_evidence(QUESTION, scored, store, emb, stored_vectors=False)
    assert len(emb.embedded) == 3
    assert _keys(fast) == _keys(exact) and fast.relevance == pytest.approx(exact.relevance, abs=1e-6)


def test_only_sentences_without_a_stored_vector_are_embedded(setup):
    store, emb, doc, chunks, scored = setup
    first = chunks[0].sentences[0]
    _write(store, emb, doc, chunks, spans=[first], vectors=emb.embed_documents([TEXT[first.start:first.end]]))
    select_evidence(QUESTION, scored, store, emb)
    assert emb.embedded == [TEXT[s.start:s.end] for s in chunks[1].sentences]


def test_scores_come_from_the_stored_vector(setup):
    store, emb, doc, chunks, scored = setup
    spans = sorted({s for c in chunks for s in c.sentences}, key=lambda s: s.start)
    vectors = emb.embed_documents([TEXT[s.start:s.end] for s in spans])
    vectors[0] = -emb.embed_query(QUESTION)  # the wreckage sentence now "means" the opposite...
    vectors[2] = emb.embed_query(QUESTION)  # ...and the ambassadors sentence the question itself
    _write(store, emb, doc, chunks, spans=spans, vectors=vectors)
    assert select_evidence(QUESTION, scored, store, emb).items[0].start == spans[2].start
    assert select_evidence(QUESTION, scored, store, emb, stored_vectors=False).items[0].start == spans[0].start


def test_store_without_sentence_vectors_falls_back_to_embedding_every_candidate(setup):
    store, emb, doc, chunks, scored = setup
    store.write_document(doc, chunks, emb.embed_documents([c.text for c in chunks]))
    emb.embedded.clear()
    ev = select_evidence(QUESTION, scored, store, emb)
    assert len(emb.embedded) == 3 and "wreckage" in ev.items[0].text


def test_stored_vectors_of_another_dimension_are_ignored(setup):
    store, emb, doc, chunks, scored = setup
    spans = sorted({s for c in chunks for s in c.sentences}, key=lambda s: s.start)
    other = np.eye(len(spans), 8, dtype=np.float32)
    _write(store, emb, doc, chunks, spans=spans, vectors=other)
    ev = select_evidence(QUESTION, scored, store, emb)
    assert len(emb.embedded) == 3 and "wreckage" in ev.items[0].text


FOCUS_TEXT = ("Tin Zaouatine lies near the Algerian border. "
              "The drone strikes were widely reported. "
              "Local sources insist most of the victims of the August strikes were civilians.")
FOCUS_Q = "Who were the victims of the August 2024 drone strikes near Tin Zaouatine?"


def _single_chunk(text: str) -> tuple[SourceDoc, list[ScoredChunk]]:
    spans, start = [], 0
    for part in text.split(". "):
        end = start + len(part.rstrip(".")) + 1
        spans.append(Span(start=start, end=end))
        start = end + 1
    chunk = Chunk(chunk_id="c0", doc_id="d1", index=0, start=0, end=len(text), text=text, sentences=spans)
    return SourceDoc(doc_id="d1", source="/x/d1.txt", text=text, file_hash="f" * 64), [ScoredChunk(chunk=chunk, score=1.0)]


# the control (weight 0): without the focus bonus a retelling shares more words with the question
@pytest.mark.parametrize("weight, found", [(get_settings().retrieval.focus_weight, True), (0.0, False)])
def test_a_sentence_naming_the_question_focus_beats_retellings_of_the_event(tmp_path, weight, found):
    store = ChromaStore(get_settings(overrides={"store.path": str(tmp_path / "s")}))
    doc, scored = _single_chunk(FOCUS_TEXT)
    emb = SpanHashEmbedder()
    store.write_document(doc, [s.chunk for s in scored], emb.embed_documents([FOCUS_TEXT]))
    ev = select_evidence(FOCUS_Q, scored, store, emb, n=1, focus_weight=weight)
    assert ("victims of the August strikes" in ev.items[0].text) is found, ev.items[0].text
