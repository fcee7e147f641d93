"""Who did what to whom: does an answer sentence keep the roles its cited span gives?

The wording tests of verification (shared words, names, numbers, similarity) pass a sentence that
uses the span's own words with two parties swapped: "Leeds thwarted Hull's plans" against the span
"Hull thwarted Leeds's plans" shares every word and every name. We have no parser (none ships
offline), so :func:`swapped_roles` compares the *order* of two names around a word they share: when
the two names stand on opposite sides of the same content word in both texts, in opposite order, and
the voice is the same (a passive "A was beaten by B" legitimately reverses "B beat A"), the sentence
gives the roles the other way round.

The other shape of a wrong role, the question's own name put in the place of the one the span names
("Spain has partnered with France" over "Portugal's government has partnered with France", asked about
Spain), is not checked: verification exempts the question's names from "names not in cited text" because
they are its framing, and requiring them in the span (or its title and the sentences before it) removed
the sentences of 17 of 80 right-looking RealTimeQA dev answers, whose questions restate a news preamble.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text import STOPWORDS, fold, stem

_TOKEN = re.compile(r"[^\W\d_][\w’'-]*|\d+(?:[.,]\d+)*")
_BE = frozenset("is are was were be been being".split())
# Relations that read the same both ways ("A met with B" = "B met with A") or whose order a list fixes.
_SYMMETRIC_AFTER = frozenset("with and against between alongside".split())
#: Names further apart than this (in words) are not read as the two parties of one relation.
MAX_GAP = 8


@dataclass(frozen=True)
class _Word:
    key: str  # folded word, or stem for content words
    name: bool  # capitalised and not a function word (a rough named entity)
    low: str


def _words(text: str) -> list[_Word]:
    out: list[_Word] = []
    for m in _TOKEN.finditer(text):
        w = m.group()
        low = re.sub(r"['’]s$", "", fold(w)).strip("’'")
        # A sentence's first word is capitalised anyway: a name only if it is not a function word.
        name = w[:1].isupper() and low not in STOPWORDS and len(low) >= 2 and not low.isdigit()
        out.append(_Word(low if name else stem(low), name, low))
    return out


def _once(ws: list[_Word], name: bool) -> dict[str, int]:
    """Position of each key that occurs exactly once among names (or among content words)."""
    seen: dict[str, int] = {}
    dup: set[str] = set()
    for i, w in enumerate(ws):
        if w.name != name or (not name and (w.low in STOPWORDS or len(w.low) < 3 or w.low[0].isdigit())):
            continue
        if w.key in seen:
            dup.add(w.key)
        seen[w.key] = i
    return {k: i for k, i in seen.items() if k not in dup}


def _passive(ws: list[_Word], pivot: int, later: int) -> bool:
    """'was beaten by': a form of 'be' just before the pivot and 'by' between it and the later party."""
    before = {w.low for w in ws[max(0, pivot - 3):pivot]}
    return bool(before & _BE) and any(w.low == "by" for w in ws[pivot + 1:later])


def _symmetric(ws: list[_Word], pivot: int) -> bool:
    """'met with', 'fought against': the word after the pivot makes the relation read the same both ways."""
    return pivot + 1 < len(ws) and ws[pivot + 1].low in _SYMMETRIC_AFTER


def _sides(ws: list[_Word], a: int, b: int, p: int) -> int:
    """+1 when the pivot stands between a and b (a first), -1 between b and a, 0 otherwise."""
    if abs(a - b) > MAX_GAP:
        return 0
    if a < p < b:
        return 1
    if b < p < a:
        return -1
    return 0


def swapped_roles(sentence: str, span: str) -> str | None:
    """A reason ("roles swapped: …") when ``sentence`` gives two of the span's parties the other way round, else None."""
    s, e = _words(sentence), _words(span)
    s_names, e_names = _once(s, True), _once(e, True)
    shared_names = [n for n in s_names if n in e_names]
    if len(shared_names) < 2:
        return None
    s_piv, e_piv = _once(s, False), _once(e, False)
    pivots = [p for p in s_piv if p in e_piv]
    for i, x in enumerate(shared_names):
        for y in shared_names[i + 1:]:
            for p in pivots:
                ps, pe = s_piv[p], e_piv[p]
                a = _sides(s, s_names[x], s_names[y], ps)
                b = _sides(e, e_names[x], e_names[y], pe)
                if not a or not b:
                    continue
                if _symmetric(s, ps) or _symmetric(e, pe):
                    continue
                # the passive reverses the order of the parties: "A was beaten by B" is "B beat A"
                if _passive(s, ps, max(s_names[x], s_names[y])):
                    a = -a
                if _passive(e, pe, max(e_names[x], e_names[y])):
                    b = -b
                if a == b:
                    continue
                doer, done_to = (x, y) if a == 1 else (y, x)
                return (f"roles swapped: the sentence has {doer} '{s[ps].low}' {done_to}; "
                        "the cited text has it the other way round")
    return None
