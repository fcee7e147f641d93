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


def _store(tmp_path, embedder, texts: list[str], days: list[str] | None = None):
    """A store of one article per text (``a{i}``), each published on its day when ``days`` are given."""
    import json

    docs = tmp_path / "docs"
    docs.mkdir()
    for i, text in enumerate(texts):
        (docs / f"a{i}.txt").write_text(f"Article {i}\n\n{text}\n", encoding="utf-8")
    if days:
        (docs / "docs_meta.jsonl").write_text("".join(
            json.dumps({"id": f"a{i}", "title": f"Story {i}", "date": d}) + "\n" for i, d in enumerate(days)))
    settings = get_settings(overrides={"store.path": str(tmp_path / "store")})
    ingest_paths([docs], settings, store=ChromaStore(settings), embedder=embedder)
    return tmp_path / "store"


@pytest.fixture
def store_path(tmp_path, fake_embedder):
    return _store(tmp_path, fake_embedder, RETELLINGS + [VICTIMS])


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


# -- the day a question is asked on ------------------------------------------------------------------------------
OLD_STORIES = [
    "Southwest Airlines cancelled thousands of flights as a winter storm hit its network in December.",
    "Passengers stranded by the winter storm waited days for Southwest Airlines to rebook their flights.",
    "Southwest Airlines flights were cancelled across the country as the winter storm spread east.",
    "The winter storm cancelled Southwest Airlines flights and left bags piled up at airports.",
]
NEW_STORY = "The carrier will hand 25,000 frequent flyer points to travellers hit by the meltdown, it said this week."
LATER_STORY = "Southwest Airlines flights were cancelled again in February after another winter storm."
RECENT_Q = "Which airline that cancelled flights in the winter storm said this week it would reward passengers?"


@pytest.fixture
def dated_store(tmp_path, fake_embedder):
    days = ["2022-12-28"] * len(OLD_STORIES) + ["2023-01-05", "2023-02-20"]
    return _store(tmp_path, fake_embedder, OLD_STORIES + [NEW_STORY, LATER_STORY], days)


def _dated(store_path, embedder, question: str, as_of, top_k: int = 3, **over) -> list[str]:
    import datetime

    from rag.question import Question

    settings = get_settings(overrides={"store.path": str(store_path), "retrieval.focus_search": False, **over})
    day = datetime.date.fromisoformat(as_of) if as_of else None
    hits = Retriever(settings, ChromaStore(settings), embedder).retrieve(Question.parse(question, day), top_k=top_k)
    return [" ".join(h.chunk.text.split()) for h in hits]


def test_articles_published_after_the_day_asked_are_left_out(dated_store, fake_embedder):
    q = "When were Southwest Airlines flights cancelled after a winter storm?"
    assert any("February" in t for t in _dated(dated_store, fake_embedder, q, None, top_k=6))
    asked = _dated(dated_store, fake_embedder, q, "2023-01-06", top_k=6)
    assert asked and not any("February" in t for t in asked), asked


def test_a_question_about_this_week_ranks_that_weeks_articles_higher(dated_store, fake_embedder):
    on = _dated(dated_store, fake_embedder, RECENT_Q, "2023-01-06", top_k=2)
    off = _dated(dated_store, fake_embedder, RECENT_Q, "2023-01-06", top_k=2, **{"retrieval.recent_days": "none"})
    assert any("frequent flyer points" in t for t in on), on
    assert not any("frequent flyer points" in t for t in off), off  # the control: the retellings outrank it


def test_questions_about_the_time_they_are_asked_in_are_recognised():
    from rag.question import Question

    for q in ("Which former pope was laid to rest this week?", "Who recently resigned as CEO?",
              "What is the latest country to join NATO?", "How many votes has he won so far?",
              "Which team did he play for last year?", "Which Republican was elected House speaker on Wednesday?"):
        assert Question.parse(q).asks_recent, q
    for q in ("Where is the New York office?", "Who now-defunct company made it?", "When was the treaty signed?",
              "What did the weekly newspaper report?", "Which day is Good Friday?"):
        assert not Question.parse(q).asks_recent, q


def test_a_question_about_this_week_puts_that_weeks_sentences_first_in_the_evidence(dated_store, fake_embedder):
    import datetime

    from rag.evidence import select_evidence
    from rag.question import Question

    settings = get_settings(overrides={"store.path": str(dated_store), "retrieval.focus_search": False})
    store = ChromaStore(settings)
    q = Question.parse(RECENT_Q, datetime.date(2023, 1, 6))
    chunks = Retriever(settings, store, fake_embedder).retrieve(q, top_k=6)

    def first(weight: float) -> str:
        ev = select_evidence(q, chunks, store, fake_embedder, recent_days=7, recent_weight=weight)
        return ev.items[0].text

    assert "frequent flyer points" in first(1.0)
    assert "frequent flyer points" not in first(0.0)  # the control: by relevance alone a retelling comes first
    ranked = select_evidence(q, chunks, store, fake_embedder, recent_days=7, recent_weight=1.0)
    plain = select_evidence(q, chunks, store, fake_embedder, recent_days=7, recent_weight=0.0)
    assert {e.text: e.score for e in ranked.items} == {e.text: e.score for e in plain.items}, "scores stay relevance"
