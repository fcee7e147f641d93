"""Content terms: the stemmed content words that stages compare."""

from __future__ import annotations

from rag.text.stems import claim_stem, stem
from rag.text.tokens import STOPWORDS, words
from rag.text.units import TERM_ALIASES


def content_terms(text: str) -> list[str]:
    """Stemmed content words (no stopwords, no one-letter tokens); unit words folded to abbreviations."""
    out = []
    for w in words(text):
        if w in STOPWORDS:
            continue
        w = TERM_ALIASES.get(w, w)
        if len(w) > 1 or w == "m":
            out.append(stem(w))
    return out


def content_stems(tokens: list[str]) -> list[str]:
    """Claim stems of the non-stopword alphabetic words of already tokenised text."""
    return [claim_stem(w) for w in tokens if w[:1].isalpha() and w.lower() not in STOPWORDS and len(w) > 1]
