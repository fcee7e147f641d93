"""Small text helpers shared by retrieval, evidence selection and verification."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A compact English stopword list (function words only; content words must survive).
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    of off on once only or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself yourselves said says say according
    s t don now also however one ones within without per""".split()
)

WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*")
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "hundred": 100,
    "dozen": 12, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
}


def fold(text: str) -> str:
    """Lowercase and strip diacritics: 'Keïta' -> 'keita'."""
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """Snowball English stem of a folded word."""
    return _stemmer().stemWord(word)


def words(text: str) -> list[str]:
    """Folded word and number tokens (numbers split into digits like '9.5km' -> '9.5', 'km')."""
    return [fold(w) for w in WORD.findall(text.replace("’", "'"))]


# Spelled-out units and their abbreviations share one term.
TERM_ALIASES = {
    "kilometer": "km", "kilometers": "km", "kilometre": "km", "kilometres": "km", "kms": "km",
    "mile": "mi", "miles": "mi", "meter": "m", "meters": "m", "metre": "m", "metres": "m",
    "percent": "%", "pct": "%",
}


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


def numbers(text: str) -> set[float]:
    """Numeric values mentioned in ``text``, digits and common number words ('two' -> 2)."""
    out: set[float] = set()
    for m in NUMBER.findall(text):
        raw = m.replace(",", "")
        try:
            out.add(float(raw))
        except ValueError:
            continue
    for w in words(text):
        if w in WORD_NUMBERS:
            out.add(float(WORD_NUMBERS[w]))
    return out


NAME = re.compile(r"\b[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*")


SENTENCE_OPENERS = frozenset("yes no both sources source articles article evidence meanwhile instead".split())


def proper_names(text: str) -> set[str]:
    """Capitalised words (rough named entities), folded; includes a sentence's first word unless it is a function word."""
    out: set[str] = set()
    for m in NAME.finditer(text):
        for w in m.group().split():
            f = fold(w).strip("’'")
            f = re.sub(r"['’]s$", "", f)
            if f in STOPWORDS or f in SENTENCE_OPENERS or len(f) < 2:
                continue
            out.add(f)
    return out


def squash(name: str) -> str:
    """A spelling-tolerant key for a name: 'Tin Zaouatine', 'Tinzaoutin' and 'Tinzaouaten' collide."""
    s = re.sub(r"[^a-z]", "", fold(name))
    s = re.sub(r"[aeiouy]+", "", s[1:])  # keep the first letter, drop vowels after it
    return fold(name)[:1] + re.sub(r"(.)\1+", r"\1", s)
