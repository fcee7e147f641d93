""":func:`analyze`: run every extractor on one sentence and return its :class:`Claim` (cached)."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.claims.actions import find_actions, find_agents
from rag.claims.attribution import find_attribution
from rag.claims.dates import parse_dates
from rag.claims.entities import find_entities
from rag.claims.model import Claim
from rag.claims.negation import find_negations
from rag.claims.phrases import Sentence
from rag.claims.quantities import parse_quantities
from rag.text.terms import content_stems


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


_CONTRAST_OPENERS = frozenset({"however", "but", "yet", "nevertheless", "nonetheless", "instead", "conversely"})


# A date or place opening a snippet, then '...' or a dash: when it was published, not what it says.
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2,8}\.? \d{4}|[A-Z][\w .'\u2019-]{1,40}, [A-Z][\w .'-]{1,30})"
    r"\s*(?:\.\.\.|\u2026|\s[\u2014\u2013-])\s*"
)


def analyze(text: str) -> Claim:
    """Extract quantities, dates, negations, actions with agents, attribution and names from one sentence.

    Example:
        >>> c = analyze("Contrary to the army's assertions, the drone was not shot down by its forces.")
        >>> [(a.key, a.negated) for a in c.actions], [n.kind for n in c.negations]
        ([('down', True)], ['dispute', 'negation'])
    """
    return _analyze_cached(text)


@lru_cache(maxsize=4096)
def _analyze_cached(text: str) -> Claim:
    s = Sentence(text)
    toks = s.tokens
    actions = find_actions(s)
    s.verb_idx = {i for i, _, _, _ in actions}
    s.entities = find_entities(toks, s.verb_idx)
    dates, used = parse_dates(toks)
    dates = [d.model_copy(update={"text": text[d.start : d.end]}) for d in dates]
    quantities = [q.model_copy(update={"text": text[q.start : q.end]}) for q in parse_quantities(toks, used)]
    negations, neg_spans = find_negations(s, actions)
    acts = find_agents(s, neg_spans)
    who, key, verb = find_attribution(s)
    first = next((t.low for t in toks if t.is_word), "")
    contrast = first if first in _CONTRAST_OPENERS else None
    if contrast is None and re.match(r"^[^,]{1,40},\s*(however|though)\s*,", text, re.IGNORECASE):
        contrast = "however"
    words = [t.low for t in toks if t.is_word or t.text[0].isdigit()]
    m = _DATELINE.match(text)
    body_start = m.end() if m else 0
    if body_start:
        dates = [d for d in dates if d.start >= body_start]
    return Claim(
        text=text, words=words, stems=content_stems([t.text for t in toks if t.is_word]), entities=s.entities,
        quantities=quantities, dates=dates, negations=negations, actions=acts, attributed_to=who,
        attribution_key=key, speech_verb=verb, contrast=contrast, body_start=body_start,
    )
