"""Data passed between pipeline stages.

SourceDoc -> Chunk -> Evidence -> Answer(citations, verdicts) -> Conflict.
Stages never pass dicts or llama-index/Chroma objects to each other; those are
converted inside ``store.py`` and ``retrieve.py``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field


class Span(BaseModel):
    """A half-open character range ``[start, end)`` into a document's clean text."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0, description="First character offset into the clean text.")
    end: int = Field(ge=0, description="One past the last character offset.")


class Removal(BaseModel):
    """A piece of raw text that cleaning dropped, kept so users can inspect it."""

    start: int = Field(description="Offset into the raw (pre-cleaning) text.")
    end: int = Field(description="End offset into the raw text.")
    text: str = Field(description="The removed text, verbatim.")
    reason: str = Field(description="Why it was removed, e.g. 'image placeholder'.")


class DocMeta(BaseModel):
    """Metadata extracted from an article; every field is optional."""

    title: str = Field(default="", description="Headline, or the first sentence when none is marked.")
    title_inferred: bool = Field(default=False, description="True when the title was guessed, not found.")
    author: str | None = Field(default=None, description="Byline author(s), if stated.")
    published: str | None = Field(default=None, description="Publication date as ISO YYYY-MM-DD, if known.")
    date_text: str | None = Field(default=None, description="Date as printed, e.g. '4 months ago'.")
    source_name: str | None = Field(default=None, description="Publication or site name, if known.")
    dateline: str | None = Field(default=None, description="Place line such as 'Algiers, Algeria'.")
    page_starts: list[int] = Field(
        default_factory=list,
        description="For a PDF: offset in the clean text where each page starts (page N at index N-1); else empty.",
    )

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding clean-text ``offset`` (a citation's start), or None when pages are unknown.

        Example:
            >>> DocMeta(page_starts=[0, 120, 400]).page_at(130)
            2
        """
        if not self.page_starts:
            return None
        return max(bisect.bisect_right(self.page_starts, offset), 1)


class SourceDoc(BaseModel):
    """A loaded and cleaned article, ready to chunk.

    Example:
        >>> doc = SourceDoc(doc_id="ab12", source="corpus/a.txt", text="Hello.", file_hash="ff")
    """

    doc_id: str = Field(description="Content hash of the normalised clean text; the document key.")
    source: str = Field(description="Path of the ingested file, as given to ingest (absolute).")
    text: str = Field(description="Clean article text; every offset in the system points into it.")
    file_hash: str = Field(description="sha256 of the raw file bytes.")
    meta: DocMeta = Field(default_factory=DocMeta, description="Extracted metadata.")
    removed: list[Removal] = Field(default_factory=list, description="What cleaning dropped.")


class Chunk(BaseModel):
    """A run of whole sentences of one document, the unit that gets embedded."""

    chunk_id: str = Field(description="Content hash of doc_id, offsets and text; stable across runs.")
    doc_id: str = Field(description="Document the chunk belongs to.")
    index: int = Field(ge=0, description="Position of the chunk in its document.")
    start: int = Field(ge=0, description="Offset of the chunk's first character in the clean text.")
    end: int = Field(ge=0, description="Offset one past the chunk's last character.")
    text: str = Field(description="Exactly clean_text[start:end].")
    sentences: list[Span] = Field(description="Sentence spans inside the chunk, absolute offsets.")


SentenceKey = tuple[str, int]
"""A sentence of the store: (doc_id, start offset)."""


@dataclass(frozen=True)
class SentenceVectors:
    """One vector per sentence of a document, pooled at ingest (see ``rag.embed.pool_spans``)."""

    spans: list[Span]
    """Sentence spans, absolute offsets into the clean text, each once."""
    vectors: np.ndarray
    """(len(spans), dim) unit vectors, row i for spans[i]."""


class DocRecord(BaseModel):
    """A document as the store lists it (no text)."""

    doc_id: str = Field(description="Content hash key.")
    source: str = Field(description="Path of the ingested file.")
    meta: DocMeta = Field(description="Extracted metadata.")
    n_chunks: int = Field(description="Number of chunks stored for it.")
    n_chars: int = Field(description="Length of the clean text.")
    n_removed: int = Field(default=0, description="Number of removed junk pieces.")
    ingested_at: str = Field(description="UTC timestamp of ingestion, ISO 8601.")
    n_sentence_vectors: int = Field(
        default=0, description="Sentence vectors stored at ingest; 0 means evidence selection embeds its sentences per question."
    )


class StoredDoc(DocRecord):
    """A document with its clean text and removal record, for display and spans."""

    text: str = Field(description="Clean text.")
    removed: list[Removal] = Field(default_factory=list, description="What cleaning dropped.")


class ScoredChunk(BaseModel):
    """A chunk returned by retrieval with its fused score and provenance."""

    chunk: Chunk = Field(description="The retrieved chunk.")
    score: float = Field(description="Fused relevance score (higher is better).")
    dense_rank: int | None = Field(default=None, description="Rank in the dense list, 1-based.")
    bm25_rank: int | None = Field(default=None, description="Rank in the BM25 list, 1-based.")


class SourceSpan(BaseModel):
    """An exact span of a document's clean text and where it comes from (evidence, citations, conflict sides).

    Example:
        >>> span = SourceSpan(doc_id="ab12", source="/c/a.txt", title="Talks", start=0, end=6, text="Hello.")
        >>> Citation(n=1, **span.span_fields()).text
        'Hello.'
    """

    doc_id: str = Field(description="Document the span comes from.")
    source: str = Field(description="Path of the ingested file.")
    title: str = Field(description="Document title.")
    start: int = Field(ge=0, description="Span start in the clean text.")
    end: int = Field(ge=0, description="Span end in the clean text.")
    text: str = Field(description="Exactly clean_text[start:end].")

    def span_fields(self) -> dict[str, str | int]:
        """The six span fields by name, to build another span type from this one."""
        return {name: getattr(self, name) for name in SourceSpan.model_fields}


# A field that must come before the span fields sits in a base listed after SourceSpan: pydantic orders
# fields base-first along the reversed MRO, so Evidence and Citation keep ``key`` / ``n`` first in their
# JSON (as documented) and schema.


class _EvidenceKey(BaseModel):
    key: int = Field(ge=1, description="The number the LLM cites, 1-based.")


class _CitationNumber(BaseModel):
    n: int = Field(ge=1, description="Citation number as it appears in the answer text.")


class Evidence(SourceSpan, _EvidenceKey):
    """One evidence sentence shown to the LLM under a short key ``[n]``."""

    score: float = Field(default=0.0, description="Relevance of the sentence to the question.")
    chunk_id: str | None = Field(default=None, description="Chunk the sentence was selected from.")


class Citation(SourceSpan, _CitationNumber):
    """A citation printed with an answer: ``[n]`` and the exact span it points at."""

    field: Literal["author", "published", "source_name"] | None = Field(
        default=None,
        description="Set when the citation quotes the document's metadata record (its author, publication date or "
        "publisher, as ingestion stored them) instead of its text: ``text`` is then the stored value and "
        "``start``/``end`` index into it.",
    )


SentenceStatus = Literal["supported", "recited", "rewritten", "removed", "quoted"]


class Verdict(BaseModel):
    """Outcome of verifying one sentence of the LLM's draft answer."""

    sentence: str = Field(description="The draft sentence as the LLM wrote it (keys stripped).")
    cited: list[int] = Field(default_factory=list, description="Evidence keys the LLM cited.")
    supported_by: list[int] = Field(default_factory=list, description="Evidence keys that support it.")
    status: SentenceStatus = Field(description="What verification did with the sentence.")
    reasons: list[str] = Field(default_factory=list, description="Why it was not accepted as written.")
    score: float = Field(default=0.0, description="Support score of the best evidence, 0..1.")


ConflictKind = Literal["quantity", "date", "agent", "negation", "general"]
ConflictCategory = Literal["factual", "opinion", "outdated"]


class ConflictSide(SourceSpan):
    """One side of a disagreement: an exact span and who it is attributed to."""

    attributed_to: str | None = Field(default=None, description="Party the claim is attributed to, if stated.")
    camp: int = Field(default=0, ge=0, description="Which side of the disagreement (sides with equal camp agree).")
    answer: str | None = Field(
        default=None, description="This side's answer to the question (a span of text), for question-focused conflicts."
    )


class Conflict(BaseModel):
    """Two or more spans that disagree about the same fact."""

    kind: ConflictKind = Field(description="What disagrees: quantity, date, agent, negation or general.")
    score: float = Field(ge=0.0, le=1.0, description="Calibrated confidence that this is a real conflict.")
    summary: str = Field(description="One line saying what the sides disagree about.")
    topic: str = Field(default="", description="Short label used to group conflicts.")
    sides: list[ConflictSide] = Field(min_length=2, description="The disagreeing spans.")
    category: ConflictCategory = Field(
        default="factual",
        description="Kind of disagreement (after the CONFLICTS taxonomy): factual, opinion (a debated point), "
        "outdated (different as-of dates).",
    )
    basis: Literal["claims", "answers", "reading"] = Field(
        default="claims",
        description="'answers': the sources give different dates, numbers or names for the question's answer; "
        "'reading': the LLM's reading of each source gives different answers (checked against the sources); "
        "'claims': two claims clash.",
    )


class SourceView(BaseModel):
    """One document's own answer to a question (``rag ask --by-source``, the Compare tab)."""

    doc_id: str = Field(description="Document id.")
    source: str = Field(description="Path of the ingested file.")
    title: str = Field(description="Document title.")
    answer: str | None = Field(default=None, description="The document's answer (a span of its text), or None.")
    quote: Evidence | None = Field(default=None, description="The sentence that holds the answer.")
    answer_start: int | None = Field(default=None, description="Offset of the answer in the clean text.")
    answer_end: int | None = Field(default=None, description="End offset of the answer in the clean text.")
    margin: float | None = Field(default=None, description="QA margin of the answer (higher is surer).")
    camp: int | None = Field(default=None, description="Documents with the same camp give agreeing answers.")
    disagrees: bool = Field(default=False, description="True when this answer differs from the leading answer.")
    basis: Literal["answers", "reading"] | None = Field(
        default=None,
        description="How the answer was read: 'answers' (the typed value or the QA model's span of one sentence), "
        "'reading' (the LLM reading the article's evidence, checked against it).",
    )


class Timings(BaseModel):
    """Seconds spent per stage of one question."""

    retrieval: float = Field(default=0.0, description="Hybrid retrieval and evidence selection.")
    generation: float = Field(default=0.0, description="LLM generation, total.")
    first_token: float | None = Field(
        default=None, description="The LLM runtime's time to the first generated token (prefill), from its request."
    )
    to_first_token: float | None = Field(
        default=None,
        description="Seconds from the question to the first answer token the user sees: retrieval, the reader's "
        "calls (conflicts.reading) and the prefill together. None when the LLM was not asked; for an answer stopped "
        "at its first token (answerability.llm_refusal), the wait until that token was read.",
    )
    tokens: int = Field(default=0, description="Generated tokens (as counted by the runtime or estimated).")
    tokens_per_s: float | None = Field(default=None, description="Generation speed.")
    verification: float = Field(default=0.0, description="Answer verification.")
    conflicts: float = Field(default=0.0, description="Contradiction detection, the reading below included.")
    reading: float = Field(default=0.0, description="The LLM's reading of each source's answer (part of conflicts).")
    total: float = Field(default=0.0, description="Wall time for the whole question.")


class Answer(BaseModel):
    """The verified answer to one question, as ``rag ask --json`` prints it."""

    id: str | None = Field(default=None, description="Caller-supplied id (batch mode), echoed back.")
    question: str = Field(description="The question as asked.")
    answer: str = Field(description="Verified answer text with [n] citation markers.")
    abstained: bool = Field(description="True when the corpus does not hold the answer.")
    citations: list[Citation] = Field(default_factory=list, description="Cited spans, numbered as in the text.")
    conflicts: list[Conflict] = Field(default_factory=list, description="Disagreements in the evidence.")
    timings: Timings = Field(default_factory=Timings, description="Per-stage timings in seconds.")
    draft: str | None = Field(default=None, description="The LLM's raw draft, before verification.")
    verdicts: list[Verdict] = Field(default_factory=list, description="Per-sentence verification outcomes.")
    evidence: list[Evidence] = Field(default_factory=list, description="All evidence shown to the LLM.")
    mode: Literal["generated", "extractive", "disagreement", "metadata", "abstained"] = Field(
        default="generated", description="How the final text was produced ('metadata': from the articles' records, for "
        "questions about an article itself such as who wrote it)."
    )
    abstain_reason: str | None = Field(default=None, description="Why the pipeline abstained, when it did.")
    refusal_p: float | None = Field(
        default=None, description="The answer LLM's probability of opening its refusal, at its first token "
        "(answerability.llm_refusal); None when the LLM was not asked or its runtime reports no probabilities.",
    )
    config_hash: str = Field(default="", description="Hash of the settings that produced this answer.")

    def public_dict(self) -> dict:
        """The documented JSON schema (without debugging fields unless asked)."""
        return self.model_dump(
            include={"id", "question", "answer", "abstained", "abstain_reason", "citations", "conflicts", "timings", "mode",
                     "config_hash"}
        )
