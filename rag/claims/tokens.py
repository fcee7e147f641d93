"""Tokens, stopwords and stems: the word-level pieces every claim signal works on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------

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


STOPWORDS = frozenset(
    """a an the and or but nor so yet if then than that this these those there here of in on at to for from by
    with without about above below over under into onto out up down off as is are was were be been being am
    has have had having do does did doing will would shall should can could may might must it its it's they them
    their theirs he him his she her hers we us our ours you your yours i me my mine who whom whose which what
    when where why how all any both each few more most other some such no not only own same too very just also
    s t also again further once while during before after because until against between through per via
    near inside outside including even still already
    said says say told according however although though whereas among amid within across upon since""".split()
)


# ---------------------------------------------------------------------------
# Stems
# ---------------------------------------------------------------------------

_IRREGULAR = {
    "shot": "shoot", "brought": "bring", "left": "leave", "took": "take", "taken": "take", "struck": "strike",
    "won": "win", "bought": "buy", "sold": "sell", "fell": "fall", "fallen": "fall", "hit": "hit", "held": "hold",
    "went": "go", "gone": "go", "made": "make", "said": "say", "says": "say", "told": "tell", "withdrew": "withdraw",
    "withdrawn": "withdraw", "knocked": "knock", "children": "child", "men": "man", "women": "woman",
    "people": "person", "killed": "kill", "began": "begin", "begun": "begin", "led": "lead", "built": "build",
    "wrote": "write", "written": "write", "found": "find", "lost": "lose", "met": "meet", "paid": "pay",
}


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A crude, deterministic stem so 'violated', 'violating' and 'violation' compare equal."""
    w = word.lower().replace("\u2019", "'")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("'s"):
        w = w[:-2]
    for suf in ("ions", "ion", "ings", "ing", "edly", "ied", "ies", "ed", "es", "ly", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            if suf in ("ied", "ies"):
                w += "y"
            break
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "aeiouls":  # stopped -> stopp -> stop
        w = w[:-1]
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def content_stems(words: list[str]) -> list[str]:
    """Stems of the non-stopword alphabetic words."""
    return [stem(w) for w in words if w[:1].isalpha() and w.lower() not in STOPWORDS and len(w) > 1]
