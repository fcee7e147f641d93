"""Multi-part questions: "When was the agreement signed, and who brokered it?" is two questions.

Asked whole, one part the evidence does not hold makes the pipeline refuse both. :func:`split_parts`
splits a question at a second question word after ", and" / "; " / "?", and :func:`merge_answers` joins
the parts' answers into one, each part's citations renumbered into one list (a span cited by two parts
keeps one number), and each part that could not be answered saying so.
"""

from __future__ import annotations

import re

from rag.types import Answer, Citation, Conflict, Timings

_WH = r"(?:when|who|whom|whose|what|where|which|why|how|did|does|do|is|are|was|were)"
# ", and who brokered it?" / "; who ..." / "? And when ..." : a new clause that starts with a question word
_SPLIT = re.compile(
    rf"(?:,\s*and\s+|;\s*(?:and\s+)?|\?\s+(?:and\s+)?)(?={_WH}\b)|\s+and\s+(?=(?:when|who|where|which|why|how)\b)",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|he|him|his|she|her|this|that|these|those)\b", re.IGNORECASE)
_MARKER = re.compile(r"\[(\d+)\]")


def split_parts(question: str) -> list[str]:
    """The separate questions inside ``question`` (one item when it asks one thing).

    Example:
        >>> split_parts("When was the agreement signed, and who brokered it?")
        ['When was the agreement signed?', 'Who brokered it?']
        >>> split_parts("Who won, and by how much?")
        ['Who won, and by how much?']
        >>> split_parts("How many people died and how many were injured?")
        ['How many people died?', 'How many were injured?']
    """
    q = " ".join(question.split())
    pieces = [p.strip(" ,;?") for p in _SPLIT.split(q)]
    pieces = [p for p in pieces if len(p.split()) >= 3]
    if len(pieces) < 2:
        return [question.strip()]
    return [p[0].upper() + p[1:] + "?" for p in pieces]


def standalone(part: str, first: str) -> str:
    """A later part with a pronoun carries the first part as context: 'Who brokered it (the agreement signed)?'.

    Retrieval and the LLM then know what "it" is; the answer still shows the part as the user wrote it.
    """
    if part == first or not _PRONOUN.search(part):
        return part
    rest = re.sub(rf"^\s*{_WH}\b\s*(?:(?:was|were|is|are|did|does|do|has|have|had)\b\s*)?", "", first.rstrip("?"),
                  flags=re.IGNORECASE)
    return f"{part.rstrip('?')} ({rest})?"


def merge_answers(question: str, parts: list[Answer]) -> Answer:
    """One answer from the answers to each part; citations renumbered in order of first use."""
    citations: list[Citation] = []
    index: dict[tuple[str, int, int, str | None], int] = {}
    texts: list[str] = []
    conflicts: list[Conflict] = []
    for a in parts:
        mapping: dict[int, int] = {}
        for c in a.citations:
            key = (c.doc_id, c.start, c.end, c.field)
            if key not in index:
                index[key] = len(citations) + 1
                citations.append(c.model_copy(update={"n": index[key]}))
            mapping[c.n] = index[key]
        body = _MARKER.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", a.answer)
        texts.append(body)  # each part's answer names its own subject; repeating the question adds an uncited sentence
        conflicts.extend(a.conflicts)
    answered = [a for a in parts if not a.abstained]
    timings = Timings(**{k: sum(getattr(a.timings, k) or 0 for a in parts)
                         for k in ("retrieval", "generation", "tokens", "verification", "conflicts", "total")})
    # parts are answered in turn: the first word seen comes from the first part the LLM was asked for
    timings.to_first_token = next((a.timings.to_first_token for a in parts if a.timings.to_first_token), None)
    modes = {a.mode for a in answered}
    return Answer(
        question=question,
        answer=" ".join(texts),
        abstained=not answered,
        abstain_reason=None if answered else "no part of the question is answered by the articles",
        citations=citations if answered else [],
        conflicts=conflicts,
        evidence=[e for a in parts for e in a.evidence],
        timings=timings,
        mode="abstained" if not answered else ("generated" if "generated" in modes else sorted(modes)[0]),
        config_hash=parts[0].config_hash if parts else "",
    )
