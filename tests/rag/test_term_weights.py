"""Term weights over the store (rag/term_weights.py): rarer words weigh more, rebuilt when the store changes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from rag.term_weights import StoreTermWeights, term_weights

pytestmark = pytest.mark.unit


class FakeStore:
    """Chunks with titles and a revision, as rag.store.Store gives them."""

    def __init__(self, docs: dict[str, tuple[str, list[str]]]):
        self.docs, self.rev, self.built = docs, "1", 0

    def revision(self) -> str:
        return self.rev

    def list_documents(self):
        return [SimpleNamespace(doc_id=d, meta=SimpleNamespace(title=t)) for d, (t, _) in self.docs.items()]

    def all_chunks(self):
        self.built += 1
        return [SimpleNamespace(doc_id=d, text=c) for d, (_, cs) in self.docs.items() for c in cs]


def test_rarer_terms_weigh_more_and_every_weight_is_positive():
    w = term_weights(["the drone crashed", "the drone was shot down", "a glider landed"])
    assert w["glider"] > w["drone"] > 0
    assert "the" not in w  # stopwords are not content terms


def test_numbers_and_years_get_no_weight_they_are_specifics_not_the_subject():
    from rag.conflicts.reading import question_coverage

    w = term_weights(["The 2015 agreement was signed in June 2015.", "The council ended it in 2024.",
                      "The council met.", "Rain fell."])
    assert "2015" not in w and "2024" not in w and "agreement" in w
    q = "When did the council end the 2015 agreement?"
    # the signing sentence shares the year with the question, which says nothing about the ending
    assert question_coverage(q, "The 2015 agreement was signed in June 2015.", w) < question_coverage(
        q, "The 2015 agreement was signed in June 2015.")


def test_store_weights_count_titles_and_rebuild_only_when_the_revision_changes():
    store = FakeStore({"a": ("Elemi", ["The resin is used in varnish."]), "b": ("Copal", ["A resin.", "Varnish."])})
    cache = StoreTermWeights()
    w = cache.of(store)
    assert "elemi" in w and w["elemi"] > w["resin"]  # the title counts for each of its chunks
    cache.of(store)
    assert store.built == 1
    store.docs["c"] = ("Elemi again", ["Elemi resin."])
    store.rev = "2"
    w2 = cache.of(store)
    assert store.built == 2 and w2["elemi"] < w["elemi"]
