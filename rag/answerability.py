"""Cheap checks that the evidence can answer the question at all, before asking the LLM.

The small LLM rarely says it cannot answer; verification removes invented specifics but
cannot tell that a faithful quote does not answer the question. A question that asks for a
quantity ("how many", "how much", "how far") is answerable only if some evidence sentence
about the question's subject states a number. After verification, :func:`delivers_answer_type`
checks that what survived gives the kind of answer asked for: a date for "when"/"what date",
a name for "which company" (and not a country's), a number counting the thing asked about for
"how many X". A faithful quote that lacks it answers another question. :func:`declines` spots a
draft that only restates the question negated ("The Council did not decide about it."), which is
the small LLM's way of saying the evidence does not answer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from rag.answer import WH_WORDS
from rag.text import STOPWORDS, TERM_ALIASES, content_terms, fold, numbers, proper_names, stem, words
from rag.types import Evidence
from rag.verify import split_draft

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


def _number_near_focus(text: str, focus: set[str], asked: set[float], reach: int = WINDOW) -> bool:
    toks = words(text)
    stems = [stem(TERM_ALIASES.get(t, t)) for t in toks]
    for i, t in enumerate(toks):
        value = numbers(t)
        if not value or value <= asked:
            continue
        window = stems[max(0, i - reach): i + reach + 1]
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


_DATE_QUESTION = re.compile(
    r"^\s*when\b|\b(on |in )?(what|which) (calendar )?(date|day|year|month)\b|\bwhat time\b", re.IGNORECASE
)
_DATE = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"(1[89]|20)\d\d|\d{1,2}/\d{1,2}/\d{2,4}|yesterday|today|tonight|last (week|month|year|night)|"
    r"earlier this (week|month|year)|this (week|month|year))\b",
    re.IGNORECASE,
)
# Bare "who" is left out: "Who were the victims?" is rightly answered by a description.
_NAME_QUESTION = re.compile(
    r"\b(what is the name|what was the name|what are the names|name of)\b|"
    r"\b(which|what)(\s+\w+){0,2}\s+(company|firm|manufacturer|person|official|minister|leader|man|woman|country|city|town|"
    r"group|organi[sz]ation|agency|newspaper|outlet|party|militia|movement)\b",
    re.IGNORECASE,
)


# Questions whose answer names an organisation or a person: a country or nationality does not answer them.
_NOT_A_PLACE_QUESTION = re.compile(
    r"\b(which|what)(\s+\w+){0,2}\s+(company|companies|firm|manufacturer|maker|automaker|carmaker|airline|retailer|"
    r"brand|bank|corporation|business|startup|person|official|minister|leader|man|woman)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """Folded words of country and region names and demonyms (``rag/data/places.txt``)."""
    text = resources.files("rag").joinpath("data/places.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if line and not line.startswith("#") for w in fold(line).split())


# "how many irregular migrants did ..." -> the counted noun phrase, up to the first function word
_HOW_MANY = re.compile(r"\bhow many\s+((?:[\w'’-]+\s*){1,4})", re.IGNORECASE)
COUNT_WINDOW = 6


def counted_terms(question: str) -> set[str]:
    """Stems of what a 'how many X' question counts ('how many irregular migrants did' -> irregular, migrant)."""
    m = _HOW_MANY.search(question)
    out: set[str] = set()
    for w in words(m.group(1)) if m else []:
        if w in STOPWORDS:
            break
        out.add(stem(TERM_ALIASES.get(w, w)))
    return out


# Capitalised words that are not an answer to "which official / what is the name": titles and dates.
_NOT_ANSWER_NAMES = frozenset(
    """minister ministry president prime foreign security defence defense interior general chief deputy secretary
    ambassador spokesman spokeswoman official officials government army state affairs
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


def expects_date(question: str) -> bool:
    """True for questions whose answer is a date or time ("when", "on what date", "which year")."""
    return bool(_DATE_QUESTION.search(question))


def _same_name_stem(name: str, others) -> bool:
    """True when ``name`` shares a five-letter start with one of ``others`` ('algerian' / 'algeria')."""
    return any(name.startswith(o[:5]) or o.startswith(name[:5]) for o in others)


def _new_names(text: str, question: str) -> set[str]:
    asked = proper_names(question)
    return {n for n in proper_names(text) - _NOT_ANSWER_NAMES if not _same_name_stem(n, asked)}


# Words a refusal adds without adding information ("did not decide anything", "the articles do not mention").
_EMPTY_WORDS = frozenset(stem(w) for w in
                         "anything something nothing specific information details mention mentioned article articles "
                         "evidence sources provided given text".split())
_WH_QUESTION = re.compile(r"\b(" + "|".join(WH_WORDS) + r")\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(not|no|never|none|neither|nor|cannot)\b|n[’']t\b", re.IGNORECASE)


def declines(draft: str, question: str) -> bool:
    """True when every sentence of ``draft`` is the question restated with a negation and nothing new.

    "The United Nations Security Council did not decide about the drone incident." answers
    "What did the UN Security Council decide about the drone incident?" with no information: the
    model is saying the evidence does not hold the answer, in its own words. Yes/no questions are
    exempt: "The drone did not violate Algerian airspace." does answer "Did the drone violate it?".
    """
    if not _WH_QUESTION.search(question):
        return False
    asked = set(content_terms(question)) | _EMPTY_WORDS
    sentences = [s.text for s in split_draft(draft) if content_terms(s.text)]
    return bool(sentences) and all(
        _NEGATION.search(s) and not set(content_terms(s)) - asked for s in sentences
    )


def delivers_answer_type(question: str, answer: str) -> bool:
    """False when ``answer`` lacks the kind of answer ``question`` asks for.

    A date question needs a date expression (month, weekday, year, 'yesterday') the question does not
    already give; a 'which company / what is the name' question needs a name the question does not
    already give (for a company, firm or person, a name that is not a country or nationality); a
    quantity question needs a number it does not give (an amount of money for a cost; for 'how many X',
    a number within a few words of X). Other questions pass.
    """
    if expects_date(question):
        asked = {m.group().lower() for m in _DATE.finditer(question)}
        if not any(m.group().lower() not in asked for m in _DATE.finditer(answer)):
            return False
    if _NAME_QUESTION.search(question):
        names = _new_names(answer, question)
        if _NOT_A_PLACE_QUESTION.search(question):
            names -= place_words()
        if not names:
            return False
    if expects_quantity(question):
        if _MONEY_QUESTION.search(question):
            return bool(_MONEY.search(answer))
        counted = counted_terms(question)
        if counted:
            # "four times in Niger" does not answer "how many migrants": the number must count the asked-for thing
            return _number_near_focus(answer, counted, numbers(question), COUNT_WINDOW)
        return bool(numbers(answer) - numbers(question))
    return True


_YEARLIKE = re.compile(r"(?<![\w.,])\d{1,4}(?:[.,]\d+)?(?![\w])")


def missing_specifics(question: str, context: str) -> list[str]:
    """The question's own specifics (numbers and years, proper names) that ``context`` never mentions.

    "Which stadium was built in 2001?" over articles that date their stadium to 1998 names a year the
    evidence lacks: whatever the evidence says answers another question. ``context`` is everything the
    answer could cite: the titles and text of the retrieved chunks. Names match spelling-tolerantly
    (a shared five-letter prefix, 'Algerian'/'Algeria'); numbers by value ('1,000' = '1000').

    Example:
        >>> missing_specifics("Which stadium was built in 2001?", "The Olympic stadium was built in 1998.")
        ['2001']
        >>> missing_specifics("Who founded Acme in 1990?", "Jane Roe founded Acme in 1990.")
        []
    """
    out = []
    have_numbers = numbers(context)
    for m in _YEARLIKE.finditer(question):
        value = numbers(m.group())
        if value and not value & have_numbers:
            out.append(m.group())
    have_names = proper_names(context)
    for name in sorted(proper_names(question) - _NOT_ANSWER_NAMES):
        if name in STOPWORDS or name in _QUESTION_WORDS:
            continue
        if not _same_name_stem(name, have_names | set(words(context))):
            out.append(name)
    return out


_QUESTION_WORDS = frozenset(w.lower() for w in WH_WORDS) | {"did", "does", "do", "is", "are", "was", "were", "can",
                                                             "has", "have", "had", "in", "on", "at", "as"}


def _is_year(value: float) -> bool:
    return value.is_integer() and 1000 <= value <= 2100


def other_specific(question: str, evidence: list[Evidence], min_cover: float = 0.5) -> str | None:
    """When the question names a number or year no evidence sentence has, and a sentence about the rest of the
    question gives another: "None of the articles mentions 2001; the closest: “The stadium was built in 1998.”
    (Title)." Said after an abstention, so the reader sees why and what the articles do say; None otherwise.

    Example:
        >>> ev = [Evidence(key=1, doc_id="d", source="d.txt", title="Stadiums", start=0, end=34,
        ...                text="The city stadium was built in 1998.")]
        >>> other_specific("Which stadium was built in 2001?", ev)
        'None of the articles mentions 2001; the closest: “The city stadium was built in 1998.” (Stadiums).'
    """
    if not evidence:
        return None
    context = " ".join(e.title + " " + e.text for e in evidence)
    missing = [x for x in missing_specifics(question, context) if numbers(x)]
    if not missing:
        return None
    asked = missing[0]
    year = all(_is_year(v) for v in numbers(asked))
    rest = set(content_terms(question)) - set(content_terms(asked))
    best: tuple[float, Evidence] | None = None
    for e in sorted(evidence, key=lambda e: e.key):
        values = numbers(e.text)
        if not values or (year and not any(_is_year(v) for v in values)):
            continue
        cover = len(rest & set(content_terms(e.title + " " + e.text))) / max(1, len(rest))
        if cover >= min_cover and (best is None or cover > best[0]):
            best = (cover, e)
    if best is None:
        return None
    e = best[1]
    return f"None of the articles mentions {asked}; the closest: “{' '.join(e.text.split())}” ({e.title or e.source})."
