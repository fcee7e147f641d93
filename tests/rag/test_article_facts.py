"""Questions about an article itself are answered from its metadata record, never from a name quoted in it (issue 12)."""

import pytest

from ingest.pipeline import ingest_paths
from rag.article_facts import answer_about_articles, asked_field
from rag.pipeline import Pipeline
from rag.settings import get_settings
from rag.store import ChromaStore
from rag.types import DocMeta, DocRecord

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "question,field",
    [
        ("Who wrote the article about the airspace closures?", "author"),
        ("Which reporter wrote this article?", "author"),
        ("Who is the author of the story on the drone?", "author"),
        ("Who wrote these articles?", "author"),
        ("When was the article about the drone published?", "published"),
        ("What is the publication date of the analysis article?", "published"),
        ("Which newspaper published the article on Mali?", "source_name"),
        ("Which outlet ran the story about the border?", "source_name"),
        # about what the news says, not about the article
        ("Who wrote the letter mentioned in the article?", None),
        ("Who authored the report cited in the article?", None),
        ("When was the report published?", None),
        ("Who wrote the 2015 Algiers agreement?", None),
        ("Which agency reported the attack?", None),
        ("When was the book written?", None),
        ("Who wrote the report about its budget?", None),
        ("Which paper ran the ad about it?", None),
        ("Who wrote these stories?", "author"),
    ],
)
def test_only_questions_about_the_article_itself_are_recognised(question, field):
    assert asked_field(question) == field


def _record(doc_id: str, **meta) -> DocRecord:
    return DocRecord(doc_id=doc_id, source=f"/c/{doc_id}.txt", meta=DocMeta(**meta), n_chunks=1, n_chars=100,
                     ingested_at="2026-01-01T00:00:00Z")


def test_a_known_field_is_stated_and_cites_the_record():
    text, cits, abstained = answer_about_articles(
        "q", "published", [_record("a", title="Border talks", published="2025-04-07")])
    assert text == "The article “Border talks” was published on 7 April 2025 [1]."
    assert not abstained and cits[0].field == "published" and cits[0].text == "2025-04-07"
    assert cits[0].text[cits[0].start:cits[0].end] == "2025-04-07"


def test_a_missing_field_is_said_not_guessed():
    text, cits, abstained = answer_about_articles("q", "author", [_record("a", title="Border talks")])
    assert abstained and cits == []
    assert text == "The record of the article “Border talks” has no author: ingestion found no byline in it."


def test_a_printed_relative_date_is_quoted_as_printed():
    text, _, _ = answer_about_articles("q", "published", [_record("a", title="Rift", date_text="4 months ago")])
    assert "gives its date only as “4 months ago”" in text


@pytest.fixture
def pipe(tmp_path, fake_embedder, scripted_llm):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ban.txt").write_text(
        "Airspace ban between the two neighbours\nBy Jane Porter\n"
        "Both countries closed their airspace to each other's flights on Monday. "
        "\"This ban is a mistake,\" said the transport minister Omar Keita, speaking in the capital.\n")
    (docs / "harvest.txt").write_text(
        "A record harvest\nFarmers in the valley brought in a record wheat harvest this year, officials said.\n")
    settings = get_settings(overrides={"store.path": str(tmp_path / "store"), "conflicts.enabled": "false",
                                       "retrieval.min_relevance": "0.0"})
    store = ChromaStore(settings)
    ingest_paths([docs], settings, store=store, embedder=fake_embedder)
    return Pipeline(settings, store=store, embedder=fake_embedder, llm=scripted_llm), scripted_llm


def test_who_wrote_the_article_names_the_byline_not_a_person_quoted_in_it(pipe):
    p, llm = pipe
    a = p.ask("Who wrote the article about the airspace ban?")
    assert a.mode == "metadata" and not a.abstained
    assert "Jane Porter [1]" in a.answer and "Keita" not in a.answer
    (c,) = a.citations
    assert c.field == "author" and c.text == "Jane Porter" and c.title.startswith("Airspace ban")
    assert llm.history == []  # no LLM call: the record answers


def test_an_article_without_a_byline_says_so(pipe):
    p, _ = pipe
    a = p.ask("Who wrote the article about the wheat harvest?")
    assert a.abstained and a.mode == "abstained" and a.citations == []
    assert "The record of the article “A record harvest” has no author" in a.answer
    assert a.abstain_reason == "the article's record has no author"
