"""The one stemmer: Snowball English, with irregular forms as explicit exceptions for claims."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """Snowball English stem of a folded word ('violated', 'violation' -> 'violat')."""
    return _stemmer().stemWord(word)


IRREGULAR = {
    "shot": "shoot", "brought": "bring", "left": "leave", "took": "take", "taken": "take", "struck": "strike",
    "won": "win", "bought": "buy", "sold": "sell", "fell": "fall", "fallen": "fall", "hit": "hit", "held": "hold",
    "went": "go", "gone": "go", "made": "make", "said": "say", "says": "say", "told": "tell", "withdrew": "withdraw",
    "withdrawn": "withdraw", "knocked": "knock", "children": "child", "men": "man", "women": "woman",
    "people": "person", "killed": "kill", "began": "begin", "begun": "begin", "led": "lead", "built": "build",
    "wrote": "write", "written": "write", "found": "find", "lost": "lose", "met": "meet", "paid": "pay",
}
"""Irregular forms -> base word, which Snowball leaves apart ('shot' / 'shoot')."""


@lru_cache(maxsize=50_000)
def claim_stem(word: str) -> str:
    """:func:`stem` of any-case text with irregular forms mapped first: claims compare 'shot' with 'shoot'.

    Retrieval and verification use plain :func:`stem`; the exceptions were measured only on the
    conflict benchmark.
    """
    w = word.lower().replace("\u2019", "'")
    return stem(IRREGULAR.get(w, w))
