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

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rag.question import DATE_WORDS, NOT_ANSWER_NAMES, WH_WORDS, Question
from rag.recency import asked_day
from rag.text import STOPWORDS, TERM_ALIASES, content_terms, fold, numbers, proper_names, stem, words
from rag.text.tokens import tokenize
from rag.text.months import MONTH_NAMES, MONTH_PATTERN, WEEKDAYS
from rag.text.numerals import CARDINALS, ORDINAL_SUFFIXES, ORDINALS
from rag.text.opposites import opposite
from rag.text.wordlists import data_lines
from rag.types import Evidence
from rag.verify import split_draft

# Words of a quantity question that say what kind of answer is wanted, not what it is about.
_FRAME = {"mani", "much", "far", "long", "old", "larg", "big", "high", "deep", "often", "percentag", "proport",
          "number", "amount", "share", "cost", "price"}


def expects_quantity(question: str | Question) -> bool:
    """True for questions whose answer is a number."""
    return Question.of(question).expects_quantity


_MONEY = re.compile(r"[$€£¥]\s?\d|\d\s?(dollars?|euros?|pounds?|francs?|cfa|bn|billion|million|m)\b", re.IGNORECASE)
WINDOW = 3


# Amounts said without a figure: "won the cup twice", "several lakes", "thousands of years", "held out for almost a
# month". They answer "how many / how long" as the source puts it; a gate that wants digits refuses them.
_TIMES = frozenset({"once", "twice", "thrice"})
_AMOUNT_WORDS = _TIMES | frozenset("several dozens hundreds thousands millions billions none".split())
_VAGUE_AMOUNT = re.compile(
    rf"\b({'|'.join(sorted(_AMOUNT_WORDS))}|an?\s+single|"
    r"an?\s+(few\s+|couple\s+of\s+)?(hour|day|week|fortnight|month|year|decade|century|generation)s?)\b", re.I)
# the same, one word at a time ("a single key": "single")
_AMOUNT_TOKENS = _AMOUNT_WORDS | {"single"}


def _number_near_focus(text: str, focus: set[str], asked: set[float], reach: int = WINDOW,
                       amounts: bool = False) -> bool:
    """A number the question does not give within ``reach`` words of a ``focus`` stem; with ``amounts``, an amount
    said in words counts too ("twice", "dozens of", "for almost a month")."""
    toks = words(text)
    stems = [stem(TERM_ALIASES.get(t, t)) for t in toks]
    # "for almost a month": a span of time said in words, at the word its phrase ends with
    spans = {len(words(text[: m.end()])) - 1 for m in _VAGUE_AMOUNT.finditer(text)} if amounts else set()
    worded = _AMOUNT_TOKENS if amounts else frozenset()
    for i, t in enumerate(toks):
        value = numbers(t)
        if (not value or value <= asked) and t.lower() not in worded and i not in spans:
            continue
        if t.lower() in _TIMES and stem("times") in focus:
            return True  # "twice" counts times itself
        window = stems[max(0, i - reach): i + reach + 1]
        if focus & set(window):
            return True
    return False


def can_answer(question: str | Question, evidence: list[Evidence]) -> bool:
    """False when the question needs a kind of answer no relevant evidence sentence contains.

    A quantity question needs a number (not one the question itself gives) within a few words
    of one of its subject words; a question about cost or price needs an amount of money.
    """
    q = Question.of(question)
    if not q.expects_quantity:
        return True
    if q.expects_money:
        return any(_MONEY.search(e.text) for e in evidence)
    focus = q.term_set - _FRAME
    if _SINCE_WHEN.search(q.text) and any(_SINCE.search(e.text) for e in evidence):
        return True  # "How long has it been recognised?" / "recognised since the 1960s"
    return any(_number_near_focus(e.text, focus, q.numbers) for e in evidence)


#: A duration asked in the perfect ("how long has it been ...") is answered by the time it began.
_SINCE_WHEN = re.compile(r"\bhow long (has|have|had)\b", re.I)
_SINCE = re.compile(r"\bsince\s+(the\s+)?(early\s+|mid-?\s*|late\s+)?(\d{4}s?\b|" + MONTH_PATTERN + r")", re.I)


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """Folded words of country and region names and demonyms (``rag/data/places.txt``, ``demonyms.txt``)."""
    return frozenset(w for name in ("places.txt", "demonyms.txt") for line in data_lines(name) for w in fold(line).split())


@lru_cache(maxsize=1)
def demonyms() -> frozenset[str]:
    """Nationality and origin adjectives ("Algerian", "Polish"; ``rag/data/demonyms.txt``)."""
    return frozenset(line.strip() for line in data_lines("demonyms.txt"))


COUNT_WINDOW = 6


def counted_terms(question: str | Question) -> set[str]:
    """Stems of what a 'how many X' question counts ('how many irregular migrants did' -> irregular, migrant)."""
    return set(Question.of(question).counted)


def expects_date(question: str | Question) -> bool:
    """True for questions whose answer is a date or time ("when", "on what date", "which year")."""
    return Question.of(question).expects_date


def _same_name_stem(name: str, others) -> bool:
    """True when ``name`` shares a five-letter start with one of ``others`` ('algerian' / 'algeria')."""
    return any(name.startswith(o[:5]) or o.startswith(name[:5]) for o in others)


def _new_names(text: str, question: Question) -> set[str]:
    return {n for n in proper_names(text) - NOT_ANSWER_NAMES if not _same_name_stem(n, question.names)}


# Words a refusal adds without adding information ("did not decide anything", "the articles do not mention").
_EMPTY_WORDS = frozenset(stem(w) for w in
                         "anything something nothing specific information details mention mentioned article articles "
                         "evidence sources provided given text".split())
_NEGATION_WORDS = "not|no|never|none|neither|nor|cannot"
_NEGATION = re.compile(rf"\b({_NEGATION_WORDS})\b|n[’']t\b", re.IGNORECASE)


def declines(draft: str, question: str | Question) -> bool:
    """True when every sentence of ``draft`` is the question restated with a negation and nothing new.

    "The United Nations Security Council did not decide about the drone incident." answers
    "What did the UN Security Council decide about the drone incident?" with no information: the
    model is saying the evidence does not hold the answer, in its own words. Yes/no questions are
    exempt: "The drone did not violate Algerian airspace." does answer "Did the drone violate it?". A sentence that
    is itself a question ("... is less than what variable?") says nothing either.
    """
    q = Question.of(question)
    if not q.wh:
        return False
    asked = q.term_set | _EMPTY_WORDS
    sentences = [s.text for s in split_draft(draft) if content_terms(s.text)]
    return bool(sentences) and all(
        _asks(s) or (_NEGATION.search(s) and not set(content_terms(s)) - asked) for s in sentences
    )


def _asks(sentence: str) -> bool:
    """A sentence of the draft (``split_draft`` has taken its citations out) that is itself a question ("... is less
    than what variable [1][2]?"): the question echoed back."""
    return sentence.rstrip().endswith("?")


def delivers_answer_type(question: str | Question, answer: str) -> bool:
    """False when ``answer`` lacks the kind of answer ``question`` asks for.

    A date question needs a date expression (month, weekday, year, 'yesterday') the question does not
    already give; a 'which company / what is the name' question needs a name the question does not
    already give (for a company, firm or person, a name that is not a country or nationality); a
    quantity question needs a number it does not give (an amount of money for a cost; for 'how many X',
    a number within a few words of X). Other questions pass.
    """
    q = Question.of(question)
    if q.expects_date:
        if not any(m.group().lower() not in q.asked_dates for m in DATE_WORDS.finditer(answer)):
            return False
    if q.expects_name:
        names = _new_names(answer, q)
        if q.not_a_place:
            names -= place_words()
        if not names:
            return False
    if q.expects_quantity:
        if q.expects_money:
            return bool(_MONEY.search(answer))
        if q.counted:
            # "four times in Niger" does not answer "how many migrants": the number must count the asked-for thing
            return _number_near_focus(answer, q.counted, q.numbers, COUNT_WINDOW, amounts=True)
        return bool(numbers(answer) - q.numbers) or bool(_VAGUE_AMOUNT.search(answer))
    return True


def missing_specifics(question: str | Question, context: str) -> list[str]:
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
    q = Question.of(question)
    out = []
    have_numbers = numbers(context)
    for written, value in q.named_numbers:
        if value and not value & have_numbers:
            out.append(written)
    have_names = proper_names(context)
    for name in q.named_names:
        if not _same_name_stem(name, have_names | set(words(context))):
            out.append(name)
    return out


# "January 6, 2021", "6 January 2021": group 1 is the year
_FULL_DATE = re.compile(rf"\b(?:{MONTH_PATTERN}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_PATTERN},?)\s+(\d{{4}})\b",
                        re.I)


def _is_year(value: float) -> bool:
    return value.is_integer() and 1000 <= value <= 2100


def asked_years(question: str | Question) -> tuple[str, ...]:
    """The years the asking clause of a wh-question names, as written ("Who wrote the paper in 1974?" -> '1974'),
    but the year it is asked in (``Question.as_of``, default today). None of them for a yes/no question: "Was it
    built in 1974?" is answered No by a source's own year.

    Example:
        >>> asked_years("Who wrote the paper in 1974?"), asked_years("Was the paper written in 1974?")
        (('1974',), ())
    """
    q = Question.of(question)
    if q.asks_yes_no:
        return ()
    clause = q.main_clause
    # The year it is asked in is no specific: news writes it "this year" ("the deadliest shooting in 2023?").
    now = asked_day(q.as_of).year
    # A year that ends a full date names a day, and the day often names an event ("the January 6, 2021, attack"),
    # which an article calls otherwise ("the Capitol insurrection"); the whole date stays a specific for
    # missing_specifics.
    in_dates = {m.group(1) for m in _FULL_DATE.finditer(clause)}
    return tuple(w for w, values in q.named_numbers  # a year is written as four digits: not "1,000"
                 if re.fullmatch(r"\d{4}", w) and any(_is_year(v) for v in values) and now not in values
                 and w not in in_dates and re.search(rf"(?<![\w.,]){re.escape(w)}(?!\w)", clause))


def missing_year(question: str | Question, context: str) -> str | None:
    """A year the question's asking clause names (:func:`asked_years`) that ``context`` (the retrieved chunks' titles
    and text) never mentions, or None. Narrower than :func:`missing_specifics`, which news questions' names and
    preambles trip: a year asked about that no article gives means the articles answer about another year.

    Example:
        >>> missing_year("Who proved it in 1974?", "In 1972, Karp proved it."), missing_year("Who proved it in 1972?", "In 1972, Karp proved it.")
        ('1974', None)
    """
    have = numbers(context)
    return next((w for w in asked_years(question) if not numbers(w) & have), None)


def other_specific(question: str | Question, evidence: list[Evidence], min_cover: float = 0.5) -> str | None:
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
    q = Question.of(question)
    context = " ".join(e.title + " " + e.text for e in evidence)
    missing = [x for x in missing_specifics(q, context) if numbers(x)]
    if not missing:
        return None
    asked = missing[0]
    year = all(_is_year(v) for v in numbers(asked))
    rest = q.term_set - set(content_terms(asked))
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


# Words that say something did not happen or is not so: a plain negation, and the verbs and prepositions
# that carry one ("refused to sign", "banned", "without", "except").
NEGATIVE_CUES = re.compile(
    rf"\b({_NEGATION_WORDS}|without|except|unless|lack|lacks|lacked|lacking|fail|fails|failed|"
    r"refuse|refuses|refused|reject|rejects|rejected|deny|denies|denied|prohibit|prohibits|prohibited|ban|bans|"
    r"banned|exclude|excludes|excluded|excluding|only|bar|bars|barred|barring|forbid|forbids|forbade|forbidden|"
    r"prevent|prevents|prevented|unable|refusal|denial|absence)\b|n[’']t\b",
    re.IGNORECASE,
)


def refusal_probability(alternatives: list[tuple[str, float]]) -> float:
    """The probability the answer LLM gives to opening its "does not answer" reply (``prompts.CANNOT_ANSWER_PHRASE``,
    "INSUFFICIENT EVIDENCE") as its first token: the capitalised tokens that begin the phrase ('IN', 'INS', ...).

    A small model that goes on to answer a question its evidence does not answer often weighs refusing first:
    the greedy token is "The", but "INS" has some of the mass. ``alternatives`` are (token, probability) pairs
    (``Generation.first_alternatives``).
    """
    from prompts import CANNOT_ANSWER_PHRASE

    total = 0.0
    for token, p in alternatives:
        t = token.strip()
        if len(t) >= 2 and t.isupper() and CANNOT_ANSWER_PHRASE.startswith(t):
            total += p
    return total


def best_answer(answers):
    """The :class:`rag.conflicts.answers.SourceAnswer` with the highest QA margin (None for none): the sentence
    the question-specific abstentions read."""
    return max(answers, key=lambda a: a.margin, default=None)


def negation_unmatched(question: str | Question, answers) -> bool:
    """The question asks what did *not* happen, and the sentence that best answers it (highest QA margin) says
    nothing negative: it answers the question without the "not".

    SQuAD 2.0's unanswerable questions are often an answerable one with "not" added ("Which countries did not
    agree to the treaty?" over a sentence listing those that did); the extractive answer and the LLM both
    answer the positive question. ``answers`` are :class:`rag.conflicts.answers.SourceAnswer` (``margin``,
    ``evidence``).
    """
    best = best_answer(answers)
    return best is not None and _negation_unmatched_in(Question.of(question), best.evidence.text)


def _negation_unmatched_in(q: Question, text: str) -> bool:
    return q.negated and (not NEGATIVE_CUES.search(text) or _asserts_negated_word(q, text)) \
        and not _negated_by_prefix(q, text)


_NEGATIVE_PREFIXES = ("un", "in", "im", "il", "ir", "non", "non-", "dis")


@lru_cache(maxsize=1)
def _not_prefixed_words() -> frozenset[str]:
    """Words that begin like a negative prefix but do not negate the rest (``rag/data/not_prefixed.txt``)."""
    return frozenset(line.strip() for line in data_lines("not_prefixed.txt"))


def _not_prefixed(word: str) -> bool:
    """True for a word whose prefix-like beginning negates nothing ("inform", "discovered", "improves"): it and
    the word without it are no opposites."""
    listed = _not_prefixed_words()
    return word in listed or any(word.endswith(end) and word[: -len(end)] in listed
                                 for end in ("s", "es", "d", "ed", "ing")) or (
        word.endswith("ing") and word[:-3] + "e" in listed)  # "improving": an e-final verb drops its "e"


def _negated_by_prefix(q: Question, text: str) -> bool:
    """The word the question negates, with a negative prefix, is in ``text``: "isn't active" asked, "are inactive"
    said; "not legal" / "illegal"."""
    negated = _negated_word(q)
    if negated is None or len(negated.low) < 4:
        return False
    said = {t.low for t in _tokens(text)}
    return any(p + negated.low in said and not _not_prefixed(p + negated.low) for p in _NEGATIVE_PREFIXES)


# "not", "never", "cannot", "n't": the words that negate the word right after them
_NEGATES = re.compile(r"\b(?:not|never|cannot)\b|n[’']t\b", re.IGNORECASE)


def _negated_word(q: Question) -> _Tok | None:
    """The first content word after the asking clause's negation ("What did the government not *fail* to ...?")."""
    clause = q.main_clause
    m = _NEGATES.search(clause)
    return next((t for t in _tokens(clause[m.end():]) if _is_content(t)), None) if m else None


def _asserts_negated_word(q: Question, text: str, reach: int = 4) -> bool:
    """The first word the question negates ("What did the government not *fail* to implement?") is in ``text``, and
    no negative word stands within ``reach`` words before any of its occurrences ("the government had failed to
    implement"): the sentence says it happened. Its negation elsewhere ("may not aid") is about something else."""
    if q.yes_no:
        return False
    negated = _negated_word(q)
    if negated is None:
        return False
    toks = _tokens(text)
    seen = [i for i, t in enumerate(toks) if t.stem == negated.stem]
    return bool(seen) and not any(
        NEGATIVE_CUES.search(text[toks[max(0, i - reach)].start : toks[i].start]) for i in seen)


_WH_WORD = re.compile(r"\b(" + "|".join(WH_WORDS) + r")\b", re.IGNORECASE)
_CALENDAR = frozenset(MONTH_NAMES) | frozenset(WEEKDAYS)


@dataclass(frozen=True)
class _Tok:
    text: str  # as written
    low: str  # folded, lower case
    stem: str
    joined: bool  # the token before it is a word or number too (no comma, bracket or dash between them)
    start: int


def _tokens(text: str) -> list[_Tok]:
    """The words and numbers of ``text`` (:func:`rag.text.tokenize`), each knowing whether punctuation precedes it."""
    out, prev_word, prev_end = [], False, -1
    for t in tokenize(text):
        if not (t.is_word or t.text[0].isdigit()):
            prev_word = False
            continue
        low = fold(t.text).lower()
        if out and t.start == prev_end and out[-1].low[-1].isdigit() and low in ORDINAL_SUFFIXES:  # "13th": one token
            last = out.pop()
            t_text, low, start, joined = last.text + t.text, last.low + low, last.start, last.joined
        else:
            t_text, start, joined = t.text, t.start, prev_word
        out.append(_Tok(t_text, low, stem(low) if low.isalpha() else low, joined, start))
        prev_word, prev_end = True, t.end
    return out


def _is_content(t: _Tok) -> bool:
    return len(t.low) > 1 and t.low not in STOPWORDS


def _capitalised(t: _Tok) -> bool:
    return t.text[0].isupper()


def _is_specific(t: _Tok, first: bool) -> bool:
    """A number, a number word ("three", "second"), or a capitalised word that is not the sentence's first and
    not an acronym ("EU" is often written out in full elsewhere)."""
    if _numeric(t):
        return True
    return not first and t.text[0].isupper() and not t.text.isupper()


def _numeric(t: _Tok) -> bool:
    return t.low[0].isdigit() or t.low in CARDINALS or t.low in ORDINALS


def _asked_value(said: _Tok, q: Question) -> bool:
    """Whether the sentence's word is the kind of value the question asks for: a number for "how many" ("how many
    Parisian Protestants" is answered by "25,000 Protestants", no swap). A number in place of a name stays a swap
    ("the Alpha Prize" / "the 1,000,000 prize"), as does a quantifier in place of a number ("three" / "many")."""
    return _numeric(said) and q.expected_type == "quantity"


def substituted_specific(question: str | Question, answers) -> tuple[str, str] | None:
    """(what the question asks about, what the best answering sentence says instead) when that sentence puts another
    word where the question puts one of its specifics: "the three sources of American Union law" asked, "the
    three sources of European Union law" said; "multiplying three numbers" asked, "multiplying two numbers" said.
    None otherwise.

    The test, on the clause that asks and the sentence with the highest QA margin: two adjacent words of the
    question, the second of which the sentence also has, preceded there by a different word; the question's word is
    a specific (a number, a number word, a capitalised word) that no evidence sentence, title or preceding sentence
    has at all, and the sentence's word is not in the question. Spelling variants ("Reductibility" for
    "Reducibility", "Gov" for "Governor") and dates named around it ("on Monday Musk said") do not count. A
    yes/no question is not refused this way: "Did it cost 5 million?" against "it cost 7 million" is answered No.

    SQuAD 2.0's unanswerable questions are often an answerable one with one specific swapped; the extractive
    answer and the LLM then answer the original question from a faithful quote.

    Example:
        >>> from types import SimpleNamespace as NS
        >>> ev = NS(text="European Union law has three sources.", title="Law")
        >>> a = NS(margin=2.0, evidence=ev, context="Law European Union law has three sources.")
        >>> substituted_specific("What are the sources of American Union law?", [a])
        ('American Union', 'European Union')
        >>> substituted_specific("What are the sources of European Union law?", [a]) is None
        True
    """
    best = best_answer(answers)
    return None if best is None else _substituted_in(Question.of(question), best.evidence.text, known_words(answers))


def answered_elsewhere(answers) -> frozenset[str]:
    """The words written in lower case ("Minor" in "Asia Minor" is a name, not the qualifier "minor") in the evidence
    sentences other than the best-answering one that the QA model reads as answering (margin above 0), with their
    titles and preceding sentences: where a word of the question is answered, if not in the best sentence."""
    best = best_answer(answers)
    return frozenset(w for a in answers if a is not best and a.margin > 0 for w in _LOWER_WORD.findall(a.context))


def known_words(answers) -> frozenset[str]:
    """Every word of the evidence sentences, their titles and preceding sentences (folded, lower case)."""
    return frozenset(t.low for a in answers for t in _tokens(a.context))


def _substituted_in(q: Question, text: str, known: frozenset[str]) -> tuple[str, str] | None:
    if q.asks_yes_no or not _WH_WORD.search(q.main_clause):
        return None
    return _swap(q, text, lambda mod, head: mod.low in known, opposites=True)


def names_another_edition(question: str | Question, context: str) -> tuple[str, str] | None:
    """(what the question names, what ``context`` names instead) when the question names a thing by its year ("the
    *1927* Volta a Catalunya") and the context names the same thing only with another year ("the *1920* Volta a
    Catalunya", "the 2019 championship"): a source about another edition, another season or another election
    answers nothing about this one, whatever figure it gives. Yes/no questions too: the 1920 race's distance says
    nothing about whether the 1927 race was longer.

    Example:
        >>> q = "What was the total distance of the 1927 Volta a Catalunya?"
        >>> names_another_edition(q, "1920 Volta a Catalunya. Distance: 630 km")
        ('1927 Volta', '1920 Volta')
        >>> names_another_edition(q, "Total distance of 1927 Volta a Catalunya: 1,333 km") is None
        True
    """
    for year, word in Question.of(question).dated_names:
        said = re.findall(rf"\b(\d{{4}})\s+{re.escape(word)}\b", context)
        if said and year not in said:
            return f"{year} {word}", f"{said[0]} {word}"
    return None


def side_swaps_specific(question: str | Question, sentence: str, context: str) -> tuple[str, str] | None:
    """(what the question asks about, what this sentence says instead) when one source's sentence, read with its own
    ``context`` (title, the sentence before, the sentence), puts another word where the question puts a specific
    that context lacks (with the word after it: "national security" is no "Security Minister"): asked "Who is
    Mali's Security Minister?", the sentence "Foreign Minister Abdoulaye Diop said …" answers about another office.
    The test of :func:`substituted_specific`, on one side of a disagreement instead of the best answer: such a side
    is about something else, not a second account.

    Example:
        >>> side_swaps_specific("Who is the Security Minister?", "Foreign Minister Diop said so.", "Mali")
        ('Security Minister', 'Foreign Minister')
        >>> side_swaps_specific("Who is the Security Minister?", "Security Minister Diop said so.", "Mali") is None
        True
    """
    q = Question.of(question)
    if q.asks_yes_no or not _WH_WORD.search(q.main_clause):
        return None
    toks = _tokens(f"{context} {sentence}")
    pairs = {(a.low, b.stem) for a, b in zip(toks, toks[1:])}
    return _swap(q, sentence, lambda mod, head: (mod.low, head.stem) in pairs, titles=True)


def _swap(q: Question, sentence: str, known: Callable[[_Tok, _Tok], bool], titles: bool = False,
          opposites: bool = False) -> tuple[str, str] | None:
    """The first specific of the question's asking clause (a word before the next one) that is not ``known`` and
    that ``sentence`` puts another word in place of (see :func:`substituted_specific`). ``titles``: only in a
    capitalised two-word title on both sides ("Security Minister" / "Foreign Minister"). ``opposites``: a lower-case
    word counts too, when the word in its place is its opposite (WordNet, :func:`rag.text.opposites.opposite`):
    "past actions" asked, "future actions" said."""
    asked = _tokens(q.main_clause)
    said = _tokens(sentence)
    in_question = {t.low for t in asked} | {t.stem for t in asked}
    for i in range(len(asked) - 1):
        mod, head = asked[i], asked[i + 1]
        if not (head.joined and _is_content(mod) and _is_content(head)):
            continue
        specific = _is_specific(mod, first=i == 0)
        # Any other word in a lower-case word's place is as often a paraphrase ("utilize" / "use") as a swap
        # (README, sessions 18 and 20); its opposite in the same place is a swap.
        if not specific and not (opposites and mod.text[0].islower()):
            continue
        if known(mod, head):
            continue
        for j in range(len(said) - 1):
            other, same = said[j], said[j + 1]
            if same.stem != head.stem or not same.joined or not _is_content(other) or other.stem == mod.stem:
                continue
            if other.low in in_question or other.stem in in_question or other.low in _CALENDAR:
                continue
            if titles and not all(_capitalised(t) for t in (mod, head, other, same)):
                continue
            if mod.low.startswith(other.low) or other.low.startswith(mod.low):  # "Gov" / "Governor"
                continue
            if _asked_value(other, q):  # "Parisian Protestants" / "25,000 Protestants": the count is the answer
                continue
            if difflib.SequenceMatcher(None, mod.low, other.low).ratio() >= 0.8:  # a spelling variant
                continue
            if not specific and not ((other.text[0].islower() or j == 0) and opposite(mod.low, other.low)):
                continue
            return f"{mod.text} {head.text}", f"{other.text} {same.text}"
    return None


#: "not only X but also Y" asserts X
_NOT_NEGATED = frozenset({"only", "just", "merely", "simply"})
_NEXT_WORD = re.compile(r"\s+([^\W\d_][\w-]*)")
_CONDITION = re.compile(r"\b(if|whether|unless)\b", re.IGNORECASE)
# "not ... until 1864", "It was not until Koch's proofs that ...", "not improved on for nearly three hundred years":
# a negation that dates or times what did happen (up to 12 words on, within its clause)
_NOT_UNTIL = re.compile(
    r"(?:\s+(?!but\b)[\w'’-]+){0,12}?\s+(?:until|till|before|for\s+(?:(?:nearly|almost|over|about|more\s+than|at\s+least)"
    r"\s+)?(?:\d[\d,]*|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|many|decades|centuries|years)\b)",
    re.IGNORECASE,
)


def negation_added(question: str | Question, answers) -> tuple[str, str] | None:
    """(the negation, the question's word it negates) when the question asks what did happen or is so, and the
    sentence that best answers it (highest QA margin) says that very thing is not: "What are intended as a practical
    computing technology?" over "Turing machines are *not intended* as a practical computing technology". The
    mirror of :func:`negation_unmatched`; None otherwise.

    Only a negation directly before a word of the asking clause counts, not one inside brackets ("(not votes)") or
    a condition ("if they are not equal"); yes/no questions are exempt (the sentence answers them: No).
    """
    best = best_answer(answers)
    return None if best is None else _negation_added_in(Question.of(question), best.evidence.text)


def _negation_added_in(q: Question, text: str) -> tuple[str, str] | None:
    if q.negated or q.yes_no:
        return None
    asked = {t.stem for t in _tokens(q.main_clause) if _is_content(t)}
    for m in _NEGATES.finditer(text):
        nxt = _NEXT_WORD.match(text, m.end())
        if nxt is None or text[: m.start()].rstrip().endswith(("(", "[")):
            continue
        if _CONDITION.search(" ".join(text[: m.start()].split()[-8:])):
            continue
        if _NOT_UNTIL.match(text, m.end()):  # "was not identified as a force until Newton": it was, by Newton
            continue
        word = _tokens(nxt.group(1))[0]
        if not _is_content(word) and word.low not in _NOT_NEGATED:
            # "is not more difficult": the negation reaches the content word past one degree word
            after = _NEXT_WORD.match(text, nxt.end())
            if after is not None:
                nxt, word = after, _tokens(after.group(1))[0]
        if _is_content(word) and word.stem in asked:
            return m.group().strip(), nxt.group(1)
    return None


@lru_cache(maxsize=1)
def antonyms() -> dict[str, frozenset[str]]:
    """Word -> its opposites, from ``rag/data/antonyms.txt`` (common English pairs, both directions)."""
    out: dict[str, set[str]] = {}
    for line in data_lines("antonyms.txt"):
        a, b = line.split()
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return {w: frozenset(o) for w, o in out.items()}


# lowercase words only: a capitalised "Last" or "Minor" is usually part of a name
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_FIRST_WORD = re.compile(r"^\W*([A-Z][a-z]+)\b")


def _first_word(sentence: str) -> set[str]:
    """The sentence's first word, lower-cased: capitalised for its place, not for being a name."""
    m = _FIRST_WORD.match(sentence)
    return {m.group(1).lower()} if m else set()


def opposite_qualifier(question: str | Question, answers) -> tuple[str, str] | None:
    """(the question's word, its opposite) when the sentence that best answers the question (highest QA margin)
    lacks a qualifier of the question and uses its opposite instead ("the least important" asked, "the most
    important" said; "abnormal" asked, "normal" said): that sentence answers the opposite question. None otherwise.
    """
    best = best_answer(answers)
    return None if best is None else _opposite_in(Question.of(question), best.evidence.text, answered_elsewhere(answers))


def _opposite_in(q: Question, text: str, known: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """``known``: lower-case words of the other answering sentences (:func:`answered_elsewhere`); a word of the
    question found there is answered there ("the two major subtypes" asked, the best sentence's "a third, minor
    subtype" read first)."""
    first = _first_word(text)  # "Accepted principles include ..." says "accepted"
    # not a verb a particle turns into another: "the treaties that *ended up* forming the EU" asks about no end
    asked = set(_LOWER_WORD.findall(q.text)) - set(_PHRASAL.findall(q.text))
    said = set(_LOWER_WORD.findall(text)) | first
    table = antonyms()
    for w in sorted(asked - said - known):
        for opposite in sorted(table.get(w, ())):
            if opposite in said and opposite not in asked:
                return w, opposite
    if q.yes_no:  # "Was the name correct?" over "the name was incorrect" is answered: no
        return None
    # "non state parties" asked is "non-state parties" said
    question = _NON_SPACE.sub("non-", q.text)
    asked_whole = {w for w in _WHOLE_WORD.findall(question) if not _negated_before(question, w)}
    return _prefixed_opposite(asked_whole - known, set(_WHOLE_WORD.findall(text)) | first)


_PHRASAL = re.compile(r"\b([a-z]+)\s+(?:up|out|off)\b")
# "non-zero" is one word here: the question's "zero" is not in it
_WHOLE_WORD = re.compile(r"(?<![\w-])[a-z]+(?:-[a-z]+)*(?![\w-])")
_NON_SPACE = re.compile(r"\bnon\s+(?=[a-z])")


def _negated_before(text: str, word: str, reach: int = 4) -> bool:
    """A negation within ``reach`` words before ``word`` in ``text``: "wasn't able to be justified" asks about the
    unjustified."""
    m = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)
    return bool(m) and bool(_NEGATION.search(" ".join(text[:m.start()].split()[-reach:])))


_OPPOSITE_PREFIXES = _NEGATIVE_PREFIXES + ("ab",)


def _prefixed_opposite(asked: set[str], said: set[str], shortest: int = 4) -> tuple[str, str] | None:
    """(asked word, said word) when one is the other with a negative prefix and only the other is said: "the
    abnormal force" asked, "the normal force" said; "active" asked, "inactive" said. A word the sentence also says
    unprefixed is no opposite, nor is a word whose prefix-like beginning negates nothing ("inform" / "form",
    "discover" / "cover"; :func:`_not_prefixed`)."""
    for w in sorted(asked - said):
        for p in _OPPOSITE_PREFIXES:
            if len(w) >= shortest and p + w in said and not _not_prefixed(p + w):
                return w, p + w
            if (w.startswith(p) and len(w) - len(p) >= shortest and w[len(p):] in said - asked
                    and not _not_prefixed(w)):
                return w, w[len(p):]
    return None


def answers_another_question(question: str | Question, text: str, known: frozenset[str] = frozenset(), *,
                             negation: bool = True, opposites: bool = True, substitution: bool = True,
                             sentence: str = "the sentence", elsewhere: frozenset[str] = frozenset()) -> str | None:
    """Why the evidence sentence ``text`` answers another question than the one asked, or None.

    The question-specific tests of :func:`negation_unmatched`, :func:`negation_added`, :func:`opposite_qualifier`
    and :func:`substituted_specific`, on one sentence: the pipeline applies them to the sentence that best answers
    (before the LLM), and to every sentence an answer would quote or cite. ``known``: the words of all evidence
    sentences with their titles and preceding sentences (:func:`known_words`); a specific among them is no swap.
    ``sentence`` names the sentence in the reason. ``elsewhere``: when the test decides for the whole question (the
    best sentence, before the LLM), the words of the other sentences the QA model reads as answering
    (:func:`answered_elsewhere`): an opposite word is excused when the question's own word is among them, since that
    sentence answers it ("the two major subtypes" asked, "a third, minor subtype" read best). For one sentence to
    quote or cite, leave it empty: that sentence still says the opposite.

    Example:
        >>> answers_another_question("What is the least important question?", "The most important question is P.")
        "the question asks about 'least', and the sentence says 'most'"
    """
    q = Question.of(question)
    if negation and _negation_unmatched_in(q, text):
        return f"the question asks what did not happen, and {sentence} says nothing negative"
    added = _negation_added_in(q, text) if negation else None
    if added:
        return f"the question asks what is so, and {sentence} says '{added[0]} {added[1]}'"
    flip = _opposite_in(q, text, elsewhere) if opposites else None
    if flip:
        return f"the question asks about '{flip[0]}', and {sentence} says '{flip[1]}'"
    swap = _substituted_in(q, text, known) if substitution else None
    if swap:
        return f"the question asks about '{swap[0]}', which no article mentions; {sentence} says '{swap[1]}'"
    return None
