"""Named entities: chains of capitalised words that are names, not sentence openers or verbs."""

from __future__ import annotations

from rag.claims.model import Entity
from rag.text.months import MONTHS, WEEKDAYS
from rag.text.names import entity_key
from rag.text.tokens import Token


# ---------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------

_NAME_JOINERS = frozenset({"of", "for", "the", "de", "al", "el", "bin", "van", "von", "la"})
_NOT_NAMES = frozenset(
    """the a an in on at to for from by with as of and but or if while when after before since during this that these
    those it its they their he she his her we our you i there here however meanwhile additionally further finally
    also even once many most some several according what who which where why how do does did can could will would
    should may might must is are was were be has have had not no yes one both each all other another such recently
    initially exclusive related comments share print leave try explore mr mrs ms dr contrary initial despite
    following in during under beyond within without among amongst between through throughout across against toward
    towards upon into onto over about around near via amid unlike except inside outside along behind below above
    beneath beside besides though although whereas thereafter thus hence therefore moreover nevertheless nonetheless
    then later today now still yet""".split()
)


def find_entities(tokens: list[Token], verbs: set[int]) -> list[Entity]:
    """Runs of capitalised words that name someone or something (verbs, months and weekdays excluded)."""
    out: list[Entity] = []
    n = len(tokens)
    i = 0
    while i < n:
        t = tokens[i]
        if not (t.is_word and t.is_cap) or i in verbs or t.low in _NOT_NAMES or MONTHS.get(t.low) or t.low in WEEKDAYS:
            i += 1
            continue
        j = i + 1
        while j < n:
            tj = tokens[j]
            if tj.is_word and tj.is_cap and j not in verbs and tj.low not in WEEKDAYS and not MONTHS.get(tj.low):
                j += 1
            elif tj.text == "-" and j + 1 < n and tokens[j + 1].is_cap and tokens[j + 1].start == tj.end and tj.start == tokens[j - 1].end:
                # 'Algerian-Malian' is two names; 'Al-Qaeda' one: keep joined only when the part is short
                if len(tokens[j - 1].text) <= 3:
                    j += 2
                else:
                    break
            elif tj.low in _NAME_JOINERS and j + 1 < n and tokens[j + 1].is_cap and tokens[j + 1].is_word and j + 1 not in verbs:
                j += 2
            elif (tj.low == "of" and j + 2 < n and tokens[j + 1].low == "the" and tokens[j + 2].is_cap
                  and tokens[j + 2].is_word and j + 2 not in verbs and tokens[j + 2].low not in _NOT_NAMES):
                # "Court of Justice of the European Union", "Bank of the Philippine Islands": one name
                j += 3
            else:
                break
        # A sentence-initial capital is only a name if it does not look like a common word.
        if i == 0 and j == i + 1 and (t.low.endswith(("ing", "ed", "ly", "tion", "tions", "ness", "ment", "ments")) or (t.low.endswith("s") and not t.low.endswith("ss"))):
            i = j
            continue
        if j == i + 1 and len(t.text) == 1:
            i = j
            continue
        text_ = " ".join(x.text for x in tokens[i:j])
        out.append(Entity(text=text_, start=t.start, end=tokens[j - 1].end, key=entity_key(text_)))
        i = j
    return out
