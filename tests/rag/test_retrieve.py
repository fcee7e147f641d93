"""Hybrid retrieval: rank fusion, source diversity and the question-focus list."""

import pytest

from ingest.pipeline import ingest_paths
from rag.retrieve import Retriever, diversify, rrf_fuse
from rag.settings import get_settings
from rag.store import ChromaStore
from rag.types import Chunk, ScoredChunk

pytestmark = pytest.mark.unit

RETELLINGS = [
    "The Malian army carried out drone strikes in August near Tin Zaouatine, close to the Algerian border.",
    "In August the drone strikes near Tin Zaouatine were ordered by Bamako against armed groups in the north.",
    "Drone strikes by the Malian army near Tin Zaouatine in August strained ties between Mali and Algeria.",
    "Algeria condemned the August drone strikes near Tin Zaouatine carried out by the Malian army.",
    "The August drone strikes near Tin Zaouatine followed weeks of fighting between the army and rebels.",
]
VICTIMS = "Local humanitarian sources insist that most of the victims were civilians, including ten children."
QUESTION = "Who were the victims of the August drone strikes near Tin Zaouatine?"


@pytest.fixture
def store_path(tmp_path, fake_embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i, text in enumerate(RETELLINGS + [VICTIMS]):
        (docs / f"a{i}.txt").write_text(f"Article {i}\n\n{text}\n", encoding="utf-8")
    settings = get_settings(overrides={"store.path": str(tmp_path / "store")})
    ingest_paths([docs], settings, store=ChromaStore(settings), embedder=fake_embedder)
    return tmp_path / "store"


def _retrieve(store_path, embedder, question: str, focus: bool, top_k: int) -> list[str]:
    settings = get_settings(overrides={"store.path": str(store_path), "retrieval.focus_search": focus})
    hits = Retriever(settings, ChromaStore(settings), embedder).retrieve(question, top_k=top_k)
    return [" ".join(h.chunk.text.split()) for h in hits]


def test_the_chunk_naming_the_asked_for_thing_outranks_retellings_of_the_event(store_path, fake_embedder):
    texts = _retrieve(store_path, fake_embedder, QUESTION, focus=True, top_k=3)
    assert any("victims were civilians" in t for t in texts), texts


def test_without_the_focus_list_retellings_crowd_the_victims_chunk_out(store_path, fake_embedder):
    # the control for the test above: on the event's words alone the retellings rank first
    texts = _retrieve(store_path, fake_embedder, QUESTION, focus=False, top_k=3)
    assert not any("victims were civilians" in t for t in texts), texts


def test_a_question_naming_no_thing_ranks_as_plain_hybrid_retrieval(store_path, fake_embedder):
    q = "Who carried out the August drone strikes near Tin Zaouatine?"  # asks for an agent
    on = _retrieve(store_path, fake_embedder, q, focus=True, top_k=6)
    assert on == _retrieve(store_path, fake_embedder, q, focus=False, top_k=6)


def test_rrf_rewards_agreement_between_lists():
    scores = rrf_fuse([["a", "b", "c"], ["b", "c", "a"], ["b"]], k=60)
    assert max(scores, key=scores.get) == "b"
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61 + 1 / 61)


def _sc(doc: str, i: int) -> ScoredChunk:
    return ScoredChunk(chunk=Chunk(chunk_id=f"{doc}{i}", doc_id=doc, index=i, start=0, end=1, text="x", sentences=[]),
                       score=1.0)


def test_diversify_caps_chunks_per_document_and_fills_up_when_sources_run_out():
    ordered = [_sc("a", 0), _sc("a", 1), _sc("a", 2), _sc("b", 0), _sc("a", 3)]
    assert [s.chunk.chunk_id for s in diversify(ordered, top_k=3, per_doc=2)] == ["a0", "a1", "b0"]
    assert [s.chunk.chunk_id for s in diversify(ordered, top_k=4, per_doc=1)] == ["a0", "b0", "a1", "a2"]
