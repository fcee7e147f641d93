"""Noun phrases and the parties they name.

:func:`np_left` and :func:`np_right` find a phrase's edges from a token; :class:`Sentence` holds
one analysis's working state and resolves a phrase ('its forces', "Mali's Security Minister") to a party.
"""

from __future__ import annotations

from rag.claims.model import Entity
from rag.claims.verbs import SPEECH_VERBS, VERB_FORMS
from rag.text.names import normalize_name
from rag.text.tokens import STOPWORDS, Token, tokenize


# Lowercase words that head a noun phrase naming a party able to act or speak.
_PARTY_HEADS = frozenset(
    """army armies forces force military government governments regime ministry ministries minister ministers
    authorities authority officials official police troops soldiers militants rebels group groups movement
    movements front spokesperson spokesman spokeswoman president council junta sources source statement
    statements officers leaders leader agency agencies media state states side alliance coalition
    team company firm court judge prosecutors prosecutor report reports investigators experts residents
    witnesses diplomats diplomacy embassy office department commission committee party parties""".split()
)

_TITLE_WORDS = frozenset(
    """security defense defence foreign interior home prime deputy general chief senior national federal state
    public affairs justice finance health vice executive""".split()
)

_PRONOUNS = frozenset({"it", "its", "they", "their", "them", "he", "his", "she", "her"})


_BOUNDARY = frozenset(
    """that which who whom when while after before because although though since if as but and or than where whether
    ; : ( ) " \u201c \u201d""".split()
)


_NP_PARTICIPLES = frozenset({"armed", "united", "leading", "ruling", "governing", "opposing", "unnamed", "unidentified", "elected", "retired", "detained"})


def np_left(tokens: list[Token], k: int, max_len: int = 6) -> tuple[int, int] | None:
    """Token range [a, b) of the noun phrase ending at index k (inclusive), walking left."""
    b = k + 1
    a = k + 1
    while a - 1 >= 0 and b - (a - 1) <= max_len:
        t = tokens[a - 1]
        if t.low in ("'s", "-") or t.text in ("\u2019s",):
            a -= 1
            continue
        if not t.is_word:
            break
        if not t.is_cap and (t.low in SPEECH_VERBS or t.low in VERB_FORMS or (t.low.endswith(("ed", "ing")) and t.low not in _NP_PARTICIPLES)):
            break
        if t.low in ("of", "in") and not (a - 2 >= 0 and (tokens[a - 2].low in _PARTY_HEADS or tokens[a - 2].is_cap) and tokens[a].is_cap):
            break
        if t.low in _BOUNDARY or (t.low in STOPWORDS and t.low not in ("the", "its", "their", "his", "her", "of", "in")):
            if t.low == "and" and a - 2 >= 0 and tokens[a - 2].is_word and (
                (tokens[a - 2].is_cap and tokens[a].is_cap)
                or tokens[a - 2].low.endswith(("al", "an", "ic", "ive", "ous", "ary", "ern", "ese"))
            ):
                a -= 1
                continue
            break
        a -= 1
    while a < b and tokens[a].low in ("the", "of", "and"):
        a += 1
    # 'sources close to the Malian army': the speakers are the sources
    j = a - 1 if a >= 1 and tokens[a - 1].low == "the" else a
    if j >= 3 and tokens[j - 1].low in ("to", "with") and tokens[j - 2].low in ("close", "linked", "loyal", "familiar", "near") \
            and tokens[j - 3].low in _PARTY_HEADS:
        a = j - 3
    return (a, b) if a < b else None


def np_right(tokens: list[Token], k: int, max_len: int = 8) -> tuple[int, int] | None:
    """Token range of the noun phrase starting at index k, walking right."""
    a = k
    while a < len(tokens) and tokens[a].text in ('"', "\u201c", "\u201d", "'"):
        a += 1
    b = a
    while b < len(tokens) and b - a < max_len:
        t = tokens[b]
        if t.low in ("'s", "-", "\u2019s"):
            b += 1
            continue
        if not t.is_word:
            break
        if t.low in _BOUNDARY and t.low != "and":
            break
        if t.low == "and" and not (b + 1 < len(tokens) and tokens[b + 1].is_cap and b > a and tokens[b - 1].is_cap):
            break
        if t.low in ("after", "before", "near", "over", "in", "on", "at", "into", "inside", "during", "but", "with", "to"):
            break
        b += 1
    return (a, b) if a < b else None


class Sentence:
    """Working state of one analysis."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.verb_idx: set[int] = set()
        self.entities: list[Entity] = []

    def span_text(self, a: int, b: int) -> str:
        return self.text[self.tokens[a].start : self.tokens[b - 1].end]

    def entity_in(self, a: int, b: int) -> Entity | None:
        """The main name of a noun phrase: its last name, unless that is only a title ('Mali's Security Minister')."""
        s, e = self.tokens[a].start, self.tokens[b - 1].end
        inside = [ent for ent in self.entities if ent.start >= s and ent.end <= e]
        if not inside:
            return None
        for ent in reversed(inside):
            if not all(w.lower() in _PARTY_HEADS or w.lower() in _TITLE_WORDS for w in ent.text.split()):
                return ent
        return inside[0]

    def entity_before(self, pos: int) -> Entity | None:
        best = None
        for ent in self.entities:
            if ent.end <= pos:
                best = ent
        return best

    def party(self, a: int, b: int) -> tuple[str | None, str | None]:
        """(display, key) of a noun phrase: its first name, resolving 'its'/'their' to the preceding name."""
        rng = self.tokens[a:b]
        display = self.span_text(a, b)
        if display.lower().startswith("the "):
            display = display[4:]
        ent = self.entity_in(a, b)
        if ent is not None:
            if ent.start > self.tokens[a].start and self.text[self.tokens[a].start : ent.start].strip().lower() not in ("the", ""):
                display = self.text[ent.start : self.tokens[b - 1].end]  # 'hostile action from the Algerian regime'
            return display, normalize_name(ent.text)
        if rng and rng[0].low in _PRONOUNS:
            prev = self.entity_before(rng[0].start)
            if prev is not None:
                rest = self.span_text(a + 1, b) if b > a + 1 else ""
                return (f"{prev.text} {rest}".strip() if rest else prev.text), normalize_name(prev.text)
            return None, None
        if any(t.low in _PARTY_HEADS for t in rng):
            return display, normalize_name(display)
        return None, None
