"""Sentence spans with exact character offsets.

Lines are split first (news text puts headlines, bylines and paragraphs on their
own lines), then Punkt splits each line. We use NLTK's Punkt directly, with the
``punkt_tab`` data that llama-index-core ships, because llama-index's splitters
return text without reliable offsets and every citation must point at an exact span.
"""

from __future__ import annotations

import importlib.util
import os
import re
from functools import lru_cache

from rag.types import Span

MAX_SENTENCE_CHARS = 600
_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=1)
def _punkt():
    import nltk
    from nltk.tokenize.punkt import PunktTokenizer

    spec = importlib.util.find_spec("llama_index.core")
    if spec and spec.submodule_search_locations:
        cache = os.path.join(spec.submodule_search_locations[0], "_static", "nltk_cache")
        if cache not in nltk.data.path:
            nltk.data.path.insert(0, cache)
    return PunktTokenizer("english")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Break a run-on 'sentence' at '; ' or ', ' so no span exceeds MAX_SENTENCE_CHARS."""
    out = []
    while end - start > MAX_SENTENCE_CHARS:
        window = text[start : start + MAX_SENTENCE_CHARS]
        cut = max(window.rfind("; "), window.rfind(", "))
        if cut < MAX_SENTENCE_CHARS // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = MAX_SENTENCE_CHARS - 1
        out.append(_trim(text, start, start + cut + 1))
        start, end = _trim(text, start + cut + 1, end)
    out.append((start, end))
    return [s for s in out if s[1] > s[0]]


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of ``text``; ``text[s.start:s.end]`` is the sentence, trimmed of whitespace."""
    tok = _punkt()
    spans: list[Span] = []
    for line in _LINE.finditer(text):
        base = line.start()
        for s, e in tok.span_tokenize(line.group()):
            s, e = _trim(text, base + s, base + e)
            if e > s:
                spans.extend(Span(start=a, end=b) for a, b in _split_long(text, s, e))
    return spans


def paragraph_starts(text: str) -> set[int]:
    """Offsets where a paragraph (a non-empty line) begins."""
    return {m.start() + (len(m.group()) - len(m.group().lstrip())) for m in _LINE.finditer(text)}
