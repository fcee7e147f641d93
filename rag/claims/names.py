"""Name matching: do two names denote the same entity?

:func:`same_entity` compares the name keys of :mod:`rag.text.names` (normalised names, consonant
skeletons: Tinzaoutin / Tin Zaouatine -> ``tnztn``) and also matches demonyms (Algeria / Algerian)
by a general rule rather than a list of names.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from rag.text.names import normalize_name, skeleton
from rag.text.tokens import STOPWORDS


# Endings that turn a place or group name into its adjective or plural (Mali -> Malian, Tuareg -> Tuaregs).
_DEMONYM_ENDINGS = ("n", "an", "ian", "ans", "ians", "ns", "ese", "i", "is", "s", "es")


def _forms_match(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 4 and long_.startswith(short) and long_[len(short) :] in _DEMONYM_ENDINGS:
        return True
    sa, sb = skeleton(a), skeleton(b)
    if len(sa) >= 4 and sa == sb and abs(len(a) - len(b)) <= 3:
        return True
    if min(len(a), len(b)) >= 8 and SequenceMatcher(None, a, b).ratio() >= 0.9:
        return True
    return False


@lru_cache(maxsize=50_000)
def same_entity(a: str, b: str) -> bool:
    """Whether two names denote the same entity, allowing spelling variants and demonyms.

    Multi-word names also match when one's words are a subset of the other's
    (``Tebboune`` / ``Abdelmadjid Tebboune``).

    Example:
        >>> same_entity("Tinzaoutin", "Tin Zaouatine"), same_entity("Algerian", "Algeria"), same_entity("Niger", "Nigeria")
        (True, True, False)
    """
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return False
    if _forms_match(na, nb):
        return True
    wa = [normalize_name(w) for w in re.split(r"[\s\-]+", a) if normalize_name(w)]
    wb = [normalize_name(w) for w in re.split(r"[\s\-]+", b) if normalize_name(w)]
    if len(wa) > 1 or len(wb) > 1:
        small, big = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
        small = [w for w in small if w not in STOPWORDS]
        big = [w for w in big if w not in STOPWORDS]
        if small and all(any(_forms_match(s, t) for t in big) for s in small):
            return len(small) >= 2 or len(small[0]) >= 5 or len(big) <= 2
    return False
