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


# a determiner just before a year ("the 1994 ...", "of the 1927 ..."), with the word before it if any
_DETERMINER_BEFORE = re.compile(r"(?:^|\s)(\w+\s+)?(?:the|a|an|its|their|his|her)\s+$", re.I)
_WHEN_PREPOSITIONS = frozenset("in at during on since until till after before from by for".split())


def year_in_name(text: str, start: int, end: int) -> bool:
    """Whether the bare year at ``text[start:end]`` is part of a name: a determiner before it, a capitalised word
    after it, and no preposition of time before the determiner ("the *1994* Works Council Directive", "of the
    *1927* Volta a Catalunya"; but "at the 1989 Strasbourg Council" dates what happened there).

    Example:
        >>> t = "Was the 1927 Volta a Catalunya held at the 1989 Council?"
        >>> year_in_name(t, 8, 12), year_in_name(t, 45, 49)
        (True, False)
    """
    if not re.fullmatch(r"\d{4}", text[start:end]):
        return False
    m = _DETERMINER_BEFORE.search(text[:start])
    after = text[end:].split()[:1]
    if m is None or not after or not after[0][:1].isupper():
        return False
    return not (m.group(1) and fold(m.group(1).strip()) in _WHEN_PREPOSITIONS)
