"""The llama-index baseline over a real (temporary) Chroma store, a fake embedder and a scripted LLM."""

import pytest

from eval.baseline import BaselinePipeline, looks_abstained, mentions_to_markers
from ingest.pipeline import ingest_paths
from rag.settings import get_settings
from rag.store import ChromaStore
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit


@pytest.fixture
def base(tmp_path, fake_embedder, scripted_llm, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = get_settings(overrides={"store.path": str(tmp_path / "store"), "conflicts.enabled": "false"})
    store = ChromaStore(settings)
    ingest_paths([CORPUS], settings, store=store, embedder=fake_embedder)
    return BaselinePipeline(settings, store=store, embedder=fake_embedder, llm=scripted_llm), scripted_llm, store


def test_answer_maps_cited_sources_to_exact_spans(base):
    b, llm, store = base
    llm.enqueue("Mali says the wreckage was found 9.5km inside its own borders [2]. Algeria disagrees (Source 1).")
    a = b.ask("Where was the wreckage found according to Mali?", id="q1")
    assert a.id == "q1" and not a.abstained and a.mode == "generated"
    assert len(a.evidence) >= 2 and [e.key for e in a.evidence] == list(range(1, len(a.evidence) + 1))
    assert [c.n for c in a.citations] == [1, 2]
    assert a.answer.endswith("([1]).") and "(Source 1)" in a.draft
    for item in [*a.evidence, *a.citations]:
        doc = store.get_document(item.doc_id)
        assert doc is not None, "citation doc_id must come from the chunk metadata"
        assert doc.text[item.start : item.end] == item.text
        assert item.source.startswith(str(CORPUS))
    assert a.timings.total >= a.timings.generation > 0
    assert "Source 1:" in llm.history[0], "the stock CitationQueryEngine prompt numbers sources"


def test_unknown_markers_are_ignored_and_abstentions_detected(base):
    b, llm, _ = base
    llm.enqueue("It crashed [99].")
    assert b.ask("Where did it crash?").citations == []
    llm.enqueue("None of the sources provide information about the World Cup.")
    a = b.ask("Who won the 2022 World Cup?")
    assert a.abstained and a.mode == "abstained" and a.citations == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("None of the sources mention this.", True),
        ("The sources do not provide the name of the ambassador.", True),
        ("", True),
        ("Mali denies the drone violated Algerian airspace [1].", False),
        ("Algeria said it was shot down [1]. The cost is not mentioned.", False),
    ],
)
def test_looks_abstained(text, expected):
    assert looks_abstained(text) is expected


def test_mentions_become_markers():
    assert mentions_to_markers("Per Source 1 and 3, x (source 2).") == "Per [1][3], x ([2])."
