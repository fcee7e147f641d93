"""Build the LLM prompt from evidence and assemble the final, verified answer text with citations."""

from __future__ import annotations

import re

from prompts import ABSTAIN_PREFIX, CANNOT_ANSWER_PHRASE, EXTRACTIVE_PREFIX
from rag.prompting import render
from rag.question import WH_WORDS
from rag.types import Citation, Evidence, SourceSpan
from rag.verify import Checked


def format_evidence(evidence: list[Evidence]) -> str:
    """One line per item: ``[n] text`` (newlines inside a sentence flattened)."""
    return "\n".join(f"[{e.key}] {' '.join(e.text.split())}" for e in evidence)


def prompt_evidence(evidence: list[Evidence], max_chars: int) -> list[Evidence]:
    """The best evidence items whose text fits ``max_chars`` (0: all), at least one.

    The answer LLM reads every prompt token before its first word (about 56 tokens/s on two cores), so the
    prompt holds only the best sentences: a prefix of the best-first list, which keeps the keys 1..n that
    citations and verification use. The judgement stages (QA gate, conflicts, extractive fallback) still see
    every evidence item.
    """
    if max_chars <= 0:
        return list(evidence)
    kept, used = [], 0
    for e in evidence:
        size = len(" ".join(e.text.split()))
        if kept and used + size > max_chars:
            break
        kept.append(e)
        used += size
    return kept


def build_messages(
    question: str, evidence: list[Evidence], prompt_dir: str | None = None, max_chars: int = 0
) -> list[tuple[str, str]]:
    """(role, content) pairs for the answer prompt; the question and evidence are data inside the user turn.

    ``max_chars`` bounds the evidence text shown (:func:`prompt_evidence`).
    """
    system = render("answer_system", prompt_dir)
    shown = prompt_evidence(evidence, max_chars)
    user = render("answer_user", prompt_dir, evidence=format_evidence(shown), question=question.strip())
    return [("system", system), ("user", user)]


def is_cannot_answer(draft: str) -> bool:
    """True when the LLM said the evidence does not answer (tolerating case and punctuation)."""
    flat = re.sub(r"[^a-z ]", "", draft.lower())
    return CANNOT_ANSWER_PHRASE.lower() in flat and len(flat.split()) <= 12


def abstain_text(question: str) -> str:
    """'The articles do not say who won ...' for wh-questions, a quoted question otherwise."""
    q = " ".join(question.strip().split()).rstrip("?.! ")
    first = q.split(" ", 1)[0].lower() if q else ""
    if first in WH_WORDS:
        return f"{ABSTAIN_PREFIX} {q[0].lower()}{q[1:]}."
    return f'{ABSTAIN_PREFIX} anything that answers "{q}?".'


class Numbering:
    """Renumbers evidence keys into citation numbers in order of first use."""

    def __init__(self, evidence: list[Evidence]):
        self.by_key = {e.key: e for e in evidence}
        self.citations: list[Citation] = []
        self._n: dict[int, int] = {}

    def cite(self, key: int) -> int:
        if key not in self._n:
            span = self.by_key[key].span_fields()  # an unknown key raises before anything is numbered
            self._n[key] = len(self.citations) + 1
            self.citations.append(Citation(n=self._n[key], **span))
        return self._n[key]

    def cite_span(self, span: SourceSpan) -> int:
        """Cite an exact span, e.g. a conflict side or one speaker's clause of a sentence.

        A span already cited, or equal to an evidence item, keeps that item's number.
        """
        at = (span.doc_id, span.start, span.end)
        for c in self.citations:
            if (c.doc_id, c.start, c.end) == at:
                return c.n
        for e in self.by_key.values():
            if (e.doc_id, e.start, e.end) == at:
                return self.cite(e.key)
        self.citations.append(Citation(n=len(self.citations) + 1, **span.span_fields()))
        return self.citations[-1].n

    def markers(self, keys: list[int]) -> str:
        return "".join(f"[{self.cite(k)}]" for k in keys if k in self.by_key)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text[-1:] in ".!?\"”" else text + "."


def _with_markers(text: str, markers: str) -> str:
    text = _sentence(text)
    if text[-1] in ".!?" and markers:
        return f"{text[:-1]} {markers}{text[-1]}"
    return f"{text} {markers}".strip()


def assemble(
    checked: list[Checked], evidence: list[Evidence], numbering: Numbering, min_kept_fraction: float,
    allowed: set[int] | None = None,
) -> tuple[str, str]:
    """Final text from verified sentences, or the extractive fallback. Returns (text, mode).

    ``allowed`` limits the fallback's quotes to evidence keys that answer the question; with none left the
    text is empty and the caller abstains.
    """
    claims = [c for c in checked if "talks about the evidence" not in " ".join(c.verdict.reasons)]
    kept = [c for c in claims if c.verdict.status != "removed"]
    if kept and len(kept) / max(len(claims), 1) >= min_kept_fraction:
        seen: set[str] = set()
        parts = []
        for c in kept:
            norm = " ".join(c.text.lower().split())
            if norm in seen:
                continue
            seen.add(norm)
            parts.append(_with_markers(c.text, numbering.markers(c.keys)))
        return " ".join(parts), "generated"
    return extractive(claims, evidence, numbering, allowed=allowed), "extractive"


def invented_specifics(checked: list[Checked]) -> bool:
    """True when nothing survived and the draft asserted names or numbers the evidence lacks.

    That is the signature of an answer the corpus does not hold: quoting evidence would
    answer a different question, so the caller abstains, unless a sentence the QA model reads as
    answering with confidence is there to quote (the LLM put a name it knows over the evidence's).
    """
    claims = [c for c in checked if "talks about the evidence" not in " ".join(c.verdict.reasons)]
    return bool(claims) and all(c.verdict.status == "removed" for c in claims) and any(
        r.startswith(("names not in", "numbers not in")) for c in claims for r in c.verdict.reasons
    )


def extractive(checked: list[Checked], evidence: list[Evidence], numbering: Numbering, n: int = 2,
               preferred: list[int] | None = None, allowed: set[int] | None = None) -> str:
    """Quote evidence sentences verbatim with citations.

    Order of preference: spans that verified sentences used, spans the LLM cited for sentences that
    failed (its choice of evidence is a useful signal even when its wording is not), the best-ranked.
    With ``allowed`` (the keys of sentences that answer the question), only those are quoted, and the
    result is "" when none is: quoting what does not answer would answer another question.
    """
    keys: list[int] = [k for k in (preferred or []) if k in numbering.by_key]
    for c in checked:
        if c.verdict.status != "removed":
            keys.extend(k for k in c.keys if k not in keys)
    for c in checked:
        if c.verdict.status == "removed":
            keys.extend(k for k in c.verdict.cited if k in numbering.by_key and k not in keys)
    keys = keys[: max(n, sum(c.verdict.status != "removed" for c in checked))]
    for e in evidence:
        if len(keys) >= n:
            break
        if e.key not in keys:
            keys.append(e.key)
    if allowed is not None:
        keys = [k for k in keys if k in allowed]
        if not keys:
            return ""
    quotes = [f"“{' '.join(numbering.by_key[k].text.split())}” {numbering.markers([k])}" for k in keys]
    return f"{EXTRACTIVE_PREFIX} " + " ".join(quotes)
