"""Tokens and the one stopword list.

Two tokenisers over one alphabet: :func:`words` gives folded word and number terms (retrieval,
evidence, verification, eval); :func:`tokenize` gives every word, number and punctuation mark with
its offsets (claims and conflicts, which must point back into the sentence).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Function words and reporting verbs only; content words must survive ('may' is a month, 'us' the US once
# folded). Claims read it too: their own longer list (modal verbs, more prepositions) found 2 fewer of the
# 200 RGB conflicts in benchmarks/conflicts_calibration.py.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    of off on once only or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself yourselves said says say according
    s t don now also however one ones within without per""".split()
)


def fold(text: str) -> str:
    """Lowercase and strip diacritics: 'Keïta' -> 'keita'."""
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).lower()


def title_key(title: str) -> str:
    """A document title as compared with another ('same title': one article or page in two versions): folded, its
    spacing collapsed; '' for an untitled document, which matches none."""
    return " ".join(fold(title).split())


WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*")


def words(text: str) -> list[str]:
    """Folded word and number tokens (numbers split into digits like '9.5km' -> '9.5', 'km')."""
    return [fold(w) for w in WORD.findall(text.replace("’", "'"))]


_TOKEN = re.compile(
    r"\d+(?:[.,]\d+)*"  # numbers: 2, 9.5, 30,000
    r"|[A-Za-z\u00C0-\u024F]+(?:['\u2019](?:t|re|ve|ll|d|m)\b)?"  # words, with n't-style contractions
    r"|['\u2019]s\b"  # possessive 's
    r"|\S"
)


@dataclass(frozen=True, slots=True)
class Token:
    """One word, number or punctuation mark with offsets into the analysed text (internal, so not pydantic)."""

    text: str
    start: int
    end: int
    low: str = field(init=False, compare=False)
    is_word: bool = field(init=False, compare=False)
    is_cap: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "low", self.text.lower().replace("\u2019", "'"))
        object.__setattr__(self, "is_word", self.text[0].isalpha())
        object.__setattr__(self, "is_cap", self.text[0].isupper())


def tokenize(text: str) -> list[Token]:
    """Words, numbers and punctuation of ``text`` with their offsets."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
