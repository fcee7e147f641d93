"""Words of opposite meaning, from WordNet 3.0 (``rag/data/wordnet_opposites.txt``).

"past" / "future", "smaller" / "larger", "cooperative" / "competitive": WordNet's antonyms, with an adjective's
satellites set against its head's antonym ("huge" / "small"), and without pairs WordNet also relates as close in
another sense. The table is derived once by ``scripts/build_wordnet_opposites.py``; inflected forms are reduced to
the listed base forms here, with WordNet's own suffix rules and irregular forms (``wordnet_inflections.txt``).

A broad table, unlike ``rag/data/antonyms.txt``: it is meant for tests that already pin both words to one place
(the same slot of the same phrase), where an opposite across senses is rare.
"""

from __future__ import annotations

from functools import lru_cache
from rag.text.wordlists import data_lines

# WordNet's detachment rules ("morphy"): a suffix of an inflected form and what replaces it in the base form
_SUFFIXES = (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
             ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
             ("er", ""), ("est", ""), ("er", "e"), ("est", "e"))


def _lines(name: str) -> list[list[str]]:
    return [line.split() for line in data_lines(name)]


@lru_cache(maxsize=1)
def _pairs() -> frozenset[tuple[str, str]]:
    return frozenset((a, b) for a, b in _lines("wordnet_opposites.txt"))


@lru_cache(maxsize=1)
def _listed() -> frozenset[str]:
    return frozenset(w for pair in _pairs() for w in pair)


@lru_cache(maxsize=1)
def _irregular() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for form, base in _lines("wordnet_inflections.txt"):
        out.setdefault(form, []).append(base)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=4096)
def base_forms(word: str) -> frozenset[str]:
    """The listed words ``word`` may be a form of: itself, an irregular form's base ("worse" -> "bad"), or what a
    suffix rule leaves ("smallest" -> "small", "larger" -> "large")."""
    w = word.lower()
    forms = {w, *_irregular().get(w, ())}
    forms |= {w[: -len(suffix)] + repl for suffix, repl in _SUFFIXES if w.endswith(suffix) and len(w) > len(suffix) + 1}
    return frozenset(forms & _listed())


def opposite(a: str, b: str) -> bool:
    """Whether two words are of opposite meaning ("past" / "future", "smallest" / "largest"; see the module
    docstring).

    Example:
        >>> opposite("past", "future"), opposite("smallest", "largest"), opposite("new", "latest")
        (True, True, False)
    """
    pairs = _pairs()
    return any((min(x, y), max(x, y)) in pairs for x in base_forms(a) for y in base_forms(b) if x != y)
