"""The real packaged models (embedder, QA model) on passages written here: sources that answer differently."""

import json

import pytest

from ingest.pipeline import ingest_paths
from rag.pipeline import Pipeline
from rag.settings import get_settings

pytestmark = pytest.mark.integration

PASSAGES = {
    "p1": "He died of tuberculosis on 2 March 1881 in Michelstadt, aged 42. "
          "He had led the Austro-Hungarian North Pole expedition of 1872 to 1874.",
    "p2": "Weyprecht died on 3 March 1881 in Michelstadt. "
          "He is remembered for proposing the International Polar Year.",
    "p3": "Bananas are grown in more than 130 countries, mostly for local consumption.",
}


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    docs = tmp_path_factory.mktemp("set") / "docs"
    docs.mkdir()
    for name, text in PASSAGES.items():
        (docs / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    titles = {"p1": "Karl Weyprecht", "p2": "Karl Weyprecht", "p3": "Banana"}
    (docs.parent / "docs_meta.jsonl").write_text("".join(json.dumps({"id": k, "title": v}) + "\n" for k, v in titles.items()))
    settings = get_settings(overrides={"store.path": str(docs.parent / "store")})
    assert ingest_paths([docs], settings).count("added") == 3
    return Pipeline(settings)


def test_two_articles_giving_different_dates_are_answered_with_both_sides(pipe):
    a = pipe.ask("What day did Karl Weyprecht die?")  # no LLM call on this path
    assert a.mode == "disagreement", a.answer
    assert "2 March 1881" in a.answer and "3 March 1881" in a.answer
    [c] = [c for c in a.conflicts if c.basis == "answers"]
    assert c.kind == "date" and {s.answer for s in c.sides} == {"2 March 1881", "3 March 1881"}
    for cit in a.citations:
        assert pipe.store.get_document(cit.doc_id).text[cit.start:cit.end] == cit.text
    views = [v for v in pipe.by_source("What day did Karl Weyprecht die?") if v.answer]
    assert len({v.camp for v in views}) == 2 and sum(v.disagrees for v in views) == 1


def test_the_qa_model_scores_an_answering_sentence_above_an_unrelated_one(pipe):
    pre = pipe.prepare("In which year did the North Pole expedition begin?")
    by_title = {}
    for a in pre.answers:
        by_title[a.evidence.title] = max(by_title.get(a.evidence.title, -99.0), a.margin)
    assert by_title["Karl Weyprecht"] > by_title.get("Banana", -99.0)
