"""Names: capitalised words as rough named entities, and the keys names are matched on."""

from __future__ import annotations

import re
import unicodedata

from rag.text.tokens import STOPWORDS, fold

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


def normalize_name(name: str) -> str:
    """Lowercase, strip diacritics and possessives, drop everything but letters and digits."""
    s = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"'s\b", "", s)
    return re.sub(r"[^a-z0-9]", "", s)


def skeleton(name: str) -> str:
    """Consonant skeleton of a name: first letter, then consonants with doubles collapsed.

    Transliterations of one place differ mostly in vowels and spacing, so
    ``Tinzaoutin``, ``Tinzaouaten`` and ``Tin Zaouatine`` all give ``tnztn``.
    """
    n = normalize_name(name)
    if not n:
        return ""
    out = [n[0]]
    for ch in n[1:]:
        if ch in "aeiouyhw":
            continue
        if ch != out[-1]:
            out.append(ch)
    return "".join(out)


def entity_key(name: str) -> str:
    """A grouping key for a name: its consonant skeleton, or the normalised name when that is too short."""
    n = normalize_name(name)
    sk = skeleton(n)
    return sk if len(sk) >= 4 else n
