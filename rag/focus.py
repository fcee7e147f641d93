"""The question's focus: the noun phrase naming what the question asks for.

"Who were the victims of the August 2024 strikes?" asks for the victims; "What registration number
did the drone carry?" for a registration number. The rest of such a question (the strikes, the drone)
describes the event, and every sentence about the event matches it, so retrieval and evidence
selection that weigh all question words alike rank the one sentence that names the victims below
several that only retell the strike. Both therefore give the focus extra weight, and conflict
relevance treats a dispute over the focus as a dispute over the answer.

Derivations matter here: "registration" and "registered" have different Snowball stems ('registr',
'regist'), so focus terms match a sentence's terms by a short shared prefix too (:func:`stems_match`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text import STOPWORDS, TERM_ALIASES, content_terms, numbers, stem, words

# "which sport", "what registration number", "who were the victims", "what is the name"
_WHICH = re.compile(r"\b(which|what)\s+", re.IGNORECASE)
_COPULA_NP = re.compile(r"\b(who|what)\s+(is|was|were|are)\s+(the|a|an)\s+", re.IGNORECASE)
_AUX = frozenset("is was were are be been did do does has have had can could will would should may might must".split())
_DETERMINERS = frozenset("the a an this that these those his her its their our my your".split())
# Words that say what form the answer takes, not what it is about: "what kind of trajectory" asks about a trajectory.
_FRAME_WORDS = frozenset("kind type sort form way name date day year month time".split())
MAX_FOCUS_WORDS = 3
# Derivations share a stem prefix this long at least ("regist-er", "regist-ration"), a few letters apart.
MIN_SHARED_PREFIX = 5
MAX_SUFFIX_DIFFERENCE = 2


def _noun_run(tail: str) -> list[str]:
    """The content words opening ``tail``, up to the first function word (at most MAX_FOCUS_WORDS).

    A run followed by a determiner ended in a verb taking an object ("company manufactured the drone"):
    that last word is dropped.
    """
    toks = words(tail)
    if toks[:2] == ["name", "of"]:
        return []  # "the name of the hurricane" asks for a name; "hurricane" is its type, not a word it repeats
    while len(toks) > 2 and toks[0] in _FRAME_WORDS and toks[1] == "of":
        toks = toks[2:]  # "kind of trajectory" -> "trajectory"
        while toks and toks[0] in _DETERMINERS:
            toks = toks[1:]
    run: list[str] = []
    nxt = None
    for w in toks:
        if w in STOPWORDS or w in _AUX or len(run) == MAX_FOCUS_WORDS or (run and w.endswith("ly")):
            nxt = w
            break
        run.append(w)
    if len(run) > 1 and nxt in _DETERMINERS:
        run = run[:-1]
    return run


def focus_terms(question: str, attributes: bool = True) -> list[str]:
    """Stems of what ``question`` asks for; empty when it names no thing (who did, when, where, why, what did).

    >>> focus_terms("Who were the victims of the August 2024 drone strikes?")
    ['victim']
    >>> focus_terms("What registration number did the downed drone carry?")
    ['registr', 'number']
    >>> focus_terms("Who shot down the drone?")
    []

    ``attributes=False`` keeps only the "who/what is the X" kind, leaving out "what/which A B" compounds.
    """
    m = _COPULA_NP.search(question)
    if m:
        run = _noun_run(question[m.end():])
    else:
        run = []
        for m in (_WHICH.finditer(question) if attributes else ()):
            first = words(question[m.end():])[:1]
            if first and first[0] not in _AUX and first[0] not in STOPWORDS:
                # "which city" names only the answer's type, which the answering sentence rarely repeats
                # ("Beijing hosted the games"); "what registration number" names an attribute it does.
                tail = question[m.end():]
                run = [w for w in _noun_run(tail) if not numbers(w)]
                framed = words(tail)[1:2] == ["of"] and first[0] in _FRAME_WORDS  # "what kind of trajectory"
                run = run if len(run) > 1 or framed else []
                break
    out: list[str] = []
    for w in run:
        if w in _FRAME_WORDS:
            continue
        s = stem(TERM_ALIASES.get(w, w))
        if s not in out and len(s) > 1:
            out.append(s)
    return out


def stems_match(a: str, b: str) -> bool:
    """Equal stems, or one a short extension of the other ('regist' / 'registr', 'organ' / 'organis')."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return (len(short) >= MIN_SHARED_PREFIX and long_.startswith(short)
            and len(long_) - len(short) <= MAX_SUFFIX_DIFFERENCE)


def focus_share(focus: Sequence[str], text: str) -> float:
    """Share of the focus terms that ``text`` mentions (0 when there is no focus)."""
    if not focus:
        return 0.0
    terms = set(content_terms(text))
    return sum(any(stems_match(f, t) for t in terms) for f in focus) / len(focus)
