"""Questions about an article itself (who wrote it, when and where it was published), answered from its metadata.

The text of an article rarely says who wrote it: the byline is page furniture, and cleaning removes it
(``ingest/clean.py`` records it as a removal; ``ingest/metadata.py`` keeps it as ``DocMeta.author``).
Asked "Who wrote the article about the airspace ban?", the LLM used to name a person *quoted* in the
article, and verification passed it, since the quote is in the text. These questions are not about
what the article says, so the evidence sentences cannot answer them. Instead:

* :func:`asked_field` recognises the question (author, publication date, publisher) only when it is
  about the article/story itself, not about a report or letter the news mentions;
* retrieval still finds *which* article is meant (the best evidence sentence's document, or every
  retrieved document for "these articles");
* the answer cites the document's metadata record (a :class:`~rag.types.Citation` with ``field`` set,
  quoting the value as ingestion stored it); when the record has no such field, the answer says so
  instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from rag.types import Citation, DocRecord, Evidence

MetaField = Literal["author", "published", "source_name"]

# The plural applies to the nouns only: "this|it" with an optional "s" read "its" as an article ("Who wrote the
# report about its budget?"), and "this" as a determiner is already in _THE.
_ARTICLE = r"(?:(?:article|piece|op-?ed|column|news item|post|blog post)s?|story|stories)"
_THE = r"(?:the|this|that|these|those|each|every|an?)"
_PATTERNS: list[tuple[MetaField, re.Pattern[str]]] = [
    ("author", re.compile(
        rf"\b(?:who|which (?:journalists?|reporters?|authors?|writers?|correspondents?))\s+(?:\w+\s+){{0,2}}?"
        rf"(?:wrote|writes|written|authored|penned)\s+{_THE}\s+(?:\w+\s+){{0,2}}?{_ARTICLE}\b", re.I)),
    ("author", re.compile(rf"\b(?:author|authors|writer|byline)\s+of\s+{_THE}\s+(?:\w+\s+){{0,3}}?{_ARTICLE}\b", re.I)),
    ("author", re.compile(rf"\bwho\s+(?:is|was|are|were)\s+{_THE}\s+(?:\w+\s+){{0,2}}?{_ARTICLE}\s+by\b", re.I)),
    ("published", re.compile(
        rf"\bwhen\s+(?:was|were|did)\s+{_THE}\s+(?:\w+\s+){{0,3}}?{_ARTICLE}\b[^?]*?\b"
        rf"(?:published|posted|written|released|come out|appear|dated)\b", re.I)),
    ("published", re.compile(
        rf"\b(?:publication date|date of publication|what date|which date|how old)\b[^?]*?\b{_THE}\s+(?:\w+\s+){{0,3}}?"
        rf"{_ARTICLE}\b", re.I)),
    ("source_name", re.compile(
        rf"\b(?:which|what)\s+(?:news(?:paper)?|outlet|publication|site|website|news site|news agency|agency|"
        rf"media outlet|magazine|paper)s?\b[^?]*?\b(?:published|publishes|ran|carried|posted)\s+{_THE}\s+"
        rf"(?:\w+\s+){{0,3}}?{_ARTICLE}\b", re.I)),
    ("source_name", re.compile(
        rf"\b(?:where|in which (?:newspaper|outlet|publication|magazine))\s+(?:was|were)\s+{_THE}\s+(?:\w+\s+){{0,3}}?"
        rf"{_ARTICLE}\s+published\b", re.I)),
]
_PLURAL = re.compile(r"\b(?:these|those|each|every|all the|the)\s+(?:\w+\s+){0,2}?(?:articles|stories|pieces|columns)\b", re.I)
_FIELD_WORDS = {"author": "its author", "published": "when it was published", "source_name": "who published it"}
# What the record lacks, and why: the text may still name it (an article that calls itself "Assahifa English"),
# but only what ingestion read as a byline, date line or site name is the article's own metadata.
_MISSING = {
    "author": "author: ingestion found no byline in it",
    "published": "publication date: ingestion found no date line or date field in it",
    "source_name": "publisher: ingestion found no site or publication name in its metadata",
}


@dataclass(frozen=True)
class ArticleFact:
    """One article's answer to a question about the article: ``value`` None when its record lacks the field."""

    record: DocRecord
    field: MetaField
    value: str | None


def asked_field(question: str) -> MetaField | None:
    """The metadata field a question asks about the article itself, or None for a question about its content."""
    q = " ".join(question.split())
    for field, pattern in _PATTERNS:
        if pattern.search(q):
            return field
    return None


def asks_many(question: str) -> bool:
    """'Who wrote these articles?': every retrieved article, not the best one."""
    return bool(_PLURAL.search(question))


def field_value(record: DocRecord, field: MetaField) -> str | None:
    """The field as ingestion stored it; a publication date also as printed when only that is known."""
    meta = record.meta
    if field == "published":
        return meta.published or meta.date_text
    return getattr(meta, field)


def articles_meant(question: str, evidence: list[Evidence], max_articles: int = 5) -> list[str]:
    """Doc ids of the article(s) the question means: the best evidence sentence's document, or for a plural
    question every document in the evidence, best first."""
    order = list(dict.fromkeys(e.doc_id for e in evidence))
    return order[:max_articles] if asks_many(question) else order[:1]


def _date(value: str) -> str:
    try:
        d = dt.date.fromisoformat(value)
    except ValueError:
        return f"“{value}”"  # a printed date such as "4 months ago": quoted as it stands
    return f"{d.day} {d.strftime('%B')} {d.year}"


def _title(record: DocRecord) -> str:
    t = " ".join((record.meta.title or "").split()) or record.source.rsplit("/", 1)[-1]
    return f"“{t}”"


def fact_sentence(fact: ArticleFact, cite: int | None) -> str:
    """One sentence stating the fact with its citation, or saying the article's record does not have it."""
    title = _title(fact.record)
    if fact.value is None:
        return f"The record of the article {title} has no {_MISSING[fact.field]}."
    mark = f" [{cite}]" if cite is not None else ""
    if fact.field == "author":
        return f"The article {title} was written by {fact.value}{mark}."
    if fact.field == "published":
        when = _date(fact.value)
        if fact.record.meta.published:
            return f"The article {title} was published on {when}{mark}."
        return f"The article {title} gives its date only as {when}, relative to when it was saved{mark}."
    return f"The article {title} was published by {fact.value}{mark}."


def fact_citation(n: int, fact: ArticleFact) -> Citation:
    """A citation of the metadata record: ``text`` is the stored value, ``start``/``end`` index into it."""
    assert fact.value is not None
    r = fact.record
    return Citation(n=n, doc_id=r.doc_id, source=r.source, title=r.meta.title, start=0, end=len(fact.value),
                    text=fact.value, field=fact.field)


def answer_about_articles(question: str, field: MetaField, records: list[DocRecord]) -> tuple[str, list[Citation], bool]:
    """(answer text, citations, abstained) for a question about the articles themselves.

    Abstained means no article meant has the field: the text then says which article was meant and that its
    record lacks the field, which is the honest answer ("the article does not say who wrote it").
    """
    facts = [ArticleFact(r, field, field_value(r, field)) for r in records]
    citations: list[Citation] = []
    sentences = []
    for f in facts:
        cite = None
        if f.value is not None:
            citations.append(fact_citation(len(citations) + 1, f))
            cite = citations[-1].n
        sentences.append(fact_sentence(f, cite))
    if not facts:
        return "None of the articles is about this, so none can say " + _FIELD_WORDS[field] + ".", [], True
    return " ".join(sentences), citations, not citations
