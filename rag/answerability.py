"""Cheap checks that the evidence can answer the question at all, before asking the LLM.

The small LLM rarely says it cannot answer; verification removes invented specifics but
cannot tell that a faithful quote does not answer the question. A question that asks for a
quantity ("how many", "how much", "how far") is answerable only if some evidence sentence
about the question's subject states a number.
"""

from __future__ import annotations

import re

from rag.text import TERM_ALIASES, content_terms, numbers, stem, words
from rag.types import Evidence

_QUANTITY_QUESTION = re.compile(
    r"\b(how (many|much|far|long|old|large|big|high|deep|often)|what (percentage|proportion|number|amount|share)|"
    r"what (was|is) the (cost|price|toll|number|amount))\b",
    re.IGNORECASE,
)
# Words of a quantity question that say what kind of answer is wanted, not what it is about.
_FRAME = {"mani", "much", "far", "long", "old", "larg", "big", "high", "deep", "often", "percentag", "proport",
          "number", "amount", "share", "cost", "price"}


def expects_quantity(question: str) -> bool:
    """True for questions whose answer is a number."""
    return bool(_QUANTITY_QUESTION.search(question))


_MONEY_QUESTION = re.compile(r"\b(cost|costs|price|paid|pay|spend|spent|worth|budget|fund|funding)\b", re.IGNORECASE)
_MONEY = re.compile(r"[$€£¥]\s?\d|\d\s?(dollars?|euros?|pounds?|francs?|cfa|bn|billion|million|m)\b", re.IGNORECASE)
WINDOW = 3


def _number_near_focus(text: str, focus: set[str], asked: set[float]) -> bool:
    toks = words(text)
    stems = [stem(TERM_ALIASES.get(t, t)) for t in toks]
    for i, t in enumerate(toks):
        value = numbers(t)
        if not value or value <= asked:
            continue
        window = stems[max(0, i - WINDOW): i + WINDOW + 1]
        if focus & set(window):
            return True
    return False


def can_answer(question: str, evidence: list[Evidence]) -> bool:
    """False when the question needs a kind of answer no relevant evidence sentence contains.

    A quantity question needs a number (not one the question itself gives) within a few words
    of one of its subject words; a question about cost or price needs an amount of money.
    """
    if not expects_quantity(question):
        return True
    if _MONEY_QUESTION.search(question):
        return any(_MONEY.search(e.text) for e in evidence)
    focus = set(content_terms(question)) - _FRAME
    asked = numbers(question)
    return any(_number_near_focus(e.text, focus, asked) for e in evidence)
