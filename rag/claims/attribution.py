"""Attribution: who a sentence's claim comes from, and one clause per speaker.

'Algeria said', 'according to X', 'dismissed by X'; :func:`split_clauses` splits
'while A claim X, B insist Y' into one clause per party.
"""

from __future__ import annotations

import re

from rag.claims.entities import find_entities
from rag.claims.model import Clause
from rag.claims.names import same_entity
from rag.claims.phrases import Sentence, np_left, np_right
from rag.claims.verbs import BE_FORMS, SPEECH_VERBS
from rag.text.tokens import tokenize


# ---------------------------------------------------------------------------
# Attribution
# ---------------------------------------------------------------------------


_PARENTHETICAL = re.compile(
    r",\s*(?:however|though|too|also|meanwhile|therefore|in turn|for (?:its|his|her|their) part|in (?:its|his|her|their) response|"
    r"on the other hand|in contrast|by contrast)\s*,"
    r"|[\u2014\u2013]\s?[^\u2014\u2013]{1,80}?\s?[\u2014\u2013]"
    r"|\([^()]{0,80}\)",
    re.IGNORECASE,
)


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with pattern matches replaced by spaces (same length, so offsets survive)."""
    return pattern.sub(lambda m: " " * len(m.group()), text)


def find_attribution(s: Sentence) -> tuple[str | None, str | None, str | None]:
    """(display, key, verb) of who the sentence's claim is attributed to."""
    blanked = _blank(s.text, _PARENTHETICAL)
    toks = tokenize(blanked)
    sub = Sentence(blanked)
    sub.tokens = toks
    sub.entities = s.entities
    # 'according to X,'
    for i, t in enumerate(toks):
        if t.low == "according" and i + 1 < len(toks) and toks[i + 1].low == "to":
            r = np_right(toks, i + 2, max_len=8)
            if r:
                d, k = sub.party(*r)
                if d:
                    return d, k, "according to"
    # 'X said', 'X, however, maintains', 'dismissed by X'
    for i, t in enumerate(toks):
        if t.low not in SPEECH_VERBS or t.low == "according" or t.is_cap:
            continue
        if i > 0 and (toks[i - 1].low in ("'s", "the", "a", "an", "its", "their", "his", "her", "these", "those", "this", "that") or toks[i - 1].text == "\u2019s"):
            continue  # a noun: "Algeria's claim"
        if i + 1 < len(toks) and toks[i + 1].low == "by" and i > 0 and toks[i - 1].low in BE_FORMS:
            r = np_right(toks, i + 2)
            if r:
                d, k = sub.party(*r)
                if d:
                    return d, k, t.text
            continue
        k_ = i - 1
        while k_ >= 0 and (toks[k_].low in ("also", "further", "officially", "initially", "regularly", "has", "have", "had", "later", "repeatedly", "publicly", "recently", "previously", "reportedly", "then", "once", "again", "firmly", "strongly", "still")):
            k_ -= 1
        if k_ < 0:
            continue
        if toks[k_].text == ",":
            # 'Pope Francis, the head of the Church in Vatican City, Italy, has suggested': skip appositions,
            # and take the earliest noun phrase before them that names a party
            commas = [k_]
            k2 = k_ - 1
            while k2 >= 0 and commas[-1] - k2 <= 12:
                if toks[k2].text == ",":
                    commas.append(k2)
                k2 -= 1
            found = None
            for c in reversed(commas[1:]):
                r = np_left(toks, c - 1)
                if r and sub.party(*r)[0]:
                    found = r
                    break
            if found is None:
                continue
            d, k = sub.party(*found)
            return d, k, t.text
        r = np_left(toks, k_)
        if r is None:
            continue
        d, k = sub.party(*r)
        if d:
            return d, k, t.text
    return None, None, None


_ASSERT_VERBS = frozenset(
    """claim claims claimed insist insists insisted maintain maintains maintained say says said assert asserts
    asserted argue argues argued contend contends allege alleges alleged deny denies denied report reports reported
    state states stated""".split()
)
_CONTRAST_WORDS = frozenset({"while", "whereas", "but", "however", "yet", "although", "though", "instead"})
_SUBORDINATE = frozenset({"while", "whereas", "although", "though"})


def split_clauses(text: str) -> list[Clause]:
    """Split a sentence that reports two parties disagreeing into one clause per party.

    ``"while Bamako authorities claim X, local sources insist Y"`` gives two clauses, each
    with its speaker; any other sentence gives ``[]``.

    Example:
        >>> [c.attributed_to for c in split_clauses("While the police say two people died, witnesses insist that ten died.")]
        ['police', 'witnesses']
    """
    s = Sentence(text)
    s.entities = find_entities(s.tokens, set())
    blanked = _blank(text, _PARENTHETICAL)
    toks = tokenize(blanked)
    sub = Sentence(blanked)
    sub.tokens = toks
    sub.entities = s.entities
    speakers: list[tuple[int, int, str, str]] = []  # (np start idx, verb idx, display, key)
    for i, t in enumerate(toks):
        if t.low not in _ASSERT_VERBS or i == 0:
            continue
        r = np_left(toks, i - 1)
        if r is None:
            continue
        d, k = sub.party(*r)
        if d and k:
            speakers.append((r[0], i, d, k))
    if len(speakers) < 2:
        return []
    candidates = []
    for (a0, v0, d0, k0), (a1, v1, d1, k1) in zip(speakers, speakers[1:]):
        if k0 == k1 or same_entity(k0, k1):
            continue
        before_first = {t.low for t in toks[max(0, a0 - 2) : a0]}
        between = {t.low for t in toks[v0:a1]}
        if before_first & _SUBORDINATE:  # 'while A claim X, B insist Y'
            candidates.append((0, a0, v0, d0, k0, a1, v1, d1, k1))
        elif between & _CONTRAST_WORDS:  # 'A said X, but B insists Y'
            candidates.append((1, a0, v0, d0, k0, a1, v1, d1, k1))
    for _, a0, v0, d0, k0, a1, v1, d1, k1 in sorted(candidates, key=lambda c: c[0])[:1]:
        cut = a1
        while cut > v0 + 1 and (toks[cut - 1].low in _CONTRAST_WORDS or toks[cut - 1].text in (",", ";")):
            cut -= 1
        first_end = toks[cut - 1].end
        second_start = toks[a1].start
        if toks[a1 - 1].low in _CONTRAST_WORDS:
            second_start = toks[a1 - 1].start
        return [
            Clause(start=0, end=first_end, attributed_to=d0, attribution_key=k0, claim_start=toks[v0].end),
            Clause(start=second_start, end=len(text.rstrip()), attributed_to=d1, attribution_key=k1, claim_start=toks[v1].end),
        ]
    return []
