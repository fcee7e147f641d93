"""The question, read once: what it asks for, what it names, and how it is put.

Retrieval, evidence selection, answerability, each sentence's own answer, the LLM reader and conflict
relevance all need the same facts about the question: its content terms, its focus, whether it wants a
date, a number or a name, the numbers and names it gives itself, whether it is a yes/no question or asks
one party's account. :class:`Question` holds them, each worked out on first use and kept, and
``Pipeline`` makes one per question and passes it down. The functions those stages export still take the
question as a string too (``Question.of``), for their tests and the benchmarks.

The patterns that classify a question live here, next to the property that reads them. Two tables are
also read on answers (``rag/answerability.py``): :data:`DATE_WORDS` (what counts as a date) and
:data:`NOT_ANSWER_NAMES` (capitalised words that are no name).
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from rag.focus import focus_terms
from rag.text.months import MONTH_NAMES, MONTH_PATTERN, WEEKDAYS
from rag.text.sentences import split_sentences
from rag.text.names import year_in_name
from rag.text import STOPWORDS, TERM_ALIASES, content_terms, numbers, proper_names, stem, words

if TYPE_CHECKING:  # the claim reader loads on first use: question parsing stays light at start-up
    from rag.claims.model import DateMention

WH_WORDS = ("who", "what", "when", "where", "why", "how", "which", "whose", "whom")

# -- the kind of answer asked for (rag/answerability.py) --------------------------------------------------
_QUANTITY = re.compile(
    r"\b(how (many|much|far|long|old|large|big|high|deep|often)|what (percentage|proportion|number|amount|share)|"
    r"what (was|is|were|are) the (\w+ )?(cost|price|toll|number|amount|distance|length|height|width|depth|speed|"
    r"weight|mass|population|area|size|capacity|temperature|duration|altitude|elevation|budget|salary|revenue))\b",
    re.IGNORECASE,
)
# The measure a quantity question names, as the dimension of rag.text.units its answer must have.
_MEASURES = (
    ("length", re.compile(r"\b(distance|length|height|width|depth|altitude|elevation|how (far|high|deep|tall|wide))\b", re.I)),
    ("speed", re.compile(r"\b(speed|how fast)\b", re.I)),
    ("mass", re.compile(r"\b(weight|mass|weigh|weighs|weighed|how heavy)\b", re.I)),
    ("area", re.compile(r"\b(area)\b", re.I)),
)
_MONEY = re.compile(r"\b(cost|costs|price|paid|pay|spend|spent|worth|budget|fund|funding)\b", re.IGNORECASE)
_DATE = re.compile(
    r"^\s*when\b|\b(on |in )?(what|which) (calendar )?(date|day|year|month|century|decade)\b|\bwhat time\b",
    re.IGNORECASE,
)
# "When B cells begin to replicate, what do their offspring become?": a leading "when" that another question word
# follows opens a clause that sets the scene; the question asks with the later word.
_WHEN_CLAUSE = re.compile(r"^\s*when\b.*\b(who|whom|whose|what|which|where|why|how)\b", re.IGNORECASE | re.S)
#: Date expressions (month, weekday, year, 'yesterday'): the ones a question gives, and those an answer must add.
# Years from 1000 (history answers "when" with 1598 as often as news with 2023), eras, centuries, seasons, times of
# day, and a time named by an event ("after the Franco-German War", "during the Second World War").
DATE_WORDS = re.compile(
    rf"\b({MONTH_PATTERN}|{'|'.join(WEEKDAYS)}|"
    r"(1\d|20)\d(\d|0s)|\d{1,4}\s*(BC|BCE|AD|CE)|(AD|CE)\s*\d{1,4}|\d{1,2}/\d{1,2}/\d{2,4}|"
    r"[\w-]+[\s-]+(century|centuries|millennium)|"
    r"spring|summer|autumn|winter|midsummer|night|midnight|noon|dawn|dusk|morning|afternoon|evening|"
    r"(before|after|during|until|since|following)\s+(the\s+)?([\w'’-]+\s+){0,3}?"
    r"(war|wars|revolution|reign|era|period|age|crisis|independence|liberation|invasion|occupation|uprising)|"
    r"yesterday|today|tonight|last (week|month|year|night)|"
    r"earlier this (week|month|year)|this (week|month|year))\b",
    re.IGNORECASE,
)
# Bare "who" is left out: "Who were the victims?" is rightly answered by a description.
_NAME = re.compile(
    r"\b(what is the name|what was the name|what are the names|name of)\b|"
    r"\b(which|what)(\s+\w+){0,2}\s+(company|firm|manufacturer|person|official|minister|leader|man|woman|country|city|town|"
    r"(?<!age )group|organi[sz]ation|agency|newspaper|outlet|party|militia|movement)\b",  # an age group is no name
    re.IGNORECASE,
)
# Questions whose answer names an organisation or a person: a country or nationality does not answer them.
_NOT_A_PLACE = re.compile(
    r"\b(which|what)(\s+\w+){0,2}\s+(company|companies|firm|manufacturer|maker|automaker|carmaker|airline|retailer|"
    r"brand|bank|corporation|business|startup|person|official|minister|leader|man|woman)\b",
    re.IGNORECASE,
)
# "how many irregular migrants did ..." -> the counted noun phrase, up to the first function word
_HOW_MANY = re.compile(r"\bhow many\s+((?:[\w'’-]+\s*){1,4})", re.IGNORECASE)
_WH = re.compile(r"\b(" + "|".join(WH_WORDS) + r")\b", re.IGNORECASE)

# -- the specifics it names (missing_specifics, other_specific) -------------------------------------------
_YEARLIKE = re.compile(r"(?<![\w.,])\d{1,4}(?:[.,]\d+)?(?![\w])")
#: Capitalised words that are not an answer to "which official / what is the name": titles and dates.
NOT_ANSWER_NAMES = frozenset(
    """minister ministry president prime foreign security defence defense interior general chief deputy secretary
    ambassador spokesman spokeswoman official officials government army state affairs""".split()
) | frozenset(MONTH_NAMES) | frozenset(WEEKDAYS)
_QUESTION_WORDS = frozenset(w.lower() for w in WH_WORDS) | {"did", "does", "do", "is", "are", "was", "were", "can",
                                                             "has", "have", "had", "in", "on", "at", "as"}

# -- how it is put (rag/conflicts) ------------------------------------------------------------------------
_YES_NO = re.compile(
    r"^\s*(is|are|was|were|do|does|did|can|could|has|have|had|will|would|should|shall|may|might|must)\b", re.I
)
_CHOICE = re.compile(r"\w\s+or\s+\w", re.I)
# A clause that is itself the question ("When was he born, and where?"): a question word, then its verb.
_WH_ASKS = re.compile(
    r"^\s*(who|whom|whose|what|which|when|where|why|how(\s+(many|much|long|old|far|big|often)(\s+\w+)?)?)\s+"
    r"(is|are|was|were|do|does|did|can|could|has|have|had|will|would|should|shall|may|might|must)\b", re.I
)
# ... or a question word that only a parenthesis follows ("What, aside from X, is ...?", "Which retailer, known
# for ..., will ...?"); 'when'/'where' may open a clause that sets the scene ("When he was sentenced, was he ...?").
_WH_LEAD = re.compile(r"^\s*((who|whom|whose|what|which|why|how)\b|(when|where)\s*,)", re.I)
_WHO = re.compile(r"(^|[,;:]\s*)(who|whom|by whom)\b", re.I)
# "What kind of animal is X?", "What sort of facility ...", "What is X?" (X a name): answered by what X *is*.
_CLASS = re.compile(
    r"^\s*(?i:what|which)\s+(?i:kind|type|sort|class)\s+of\b"
    r"|^\s*(?i:what)\s+(?i:is|was|are|were)\s+[A-Z][\w'’.-]*(\s+[A-Z][\w'’.-]*)*\s*\?\s*$"
)
_YES_NO_CLASS = re.compile(r"^\s*(?i:is|was|are|were)\b.*\b(?i:an?)\s+\w+", re.S)
_PROPOSED_CLASS = re.compile(r".*\b(?i:an?)\s+((?:[\w'’-]+\s*){1,3}?)\s*[?.!]*\s*$", re.S)
_ONE_PARTY = re.compile(
    r"\baccording to\b|\b(say|says|said|claim|claims|claimed|call|calls|called|describe|describes|described|"
    r"accuse|accuses|accused|allege|alleges|alleged|maintain|maintains|maintained|insist|insists|insisted|"
    r"characteri[sz]e|characteri[sz]es|characteri[sz]ed)\b",
    re.IGNORECASE,
)
# "Who appoints the board?": "who" then a lower-case verb (not an auxiliary: "Who is", "Who did ... say"; nor "Who else")
_SUBJECT_WHO = re.compile(r"\s*(?i:who)\s+([a-z]+)\b")
_AUXILIARIES = frozenset(
    "is are was were be been being am do does did has have had can could will would shall should may might must "
    "else".split()
)
_AGENT_SLOT = re.compile(r"\s*(who|whom|by whom|which (group|country|side|army|forces?|party))\b", re.IGNORECASE)
_PLACE_SLOT = re.compile(
    r"^\s*where\b|\b(which|what)\s+(\w+\s+)?(town|city|village|country|region|area|place|province)\b", re.IGNORECASE
)
_IDENT_SLOT = re.compile(r"\b(what|which)\s+(\w+\s+)?(registration|serial|code|name|title)\b", re.IGNORECASE)
# "Which countries did not sign?", "What is never allowed?"; "not only ... but" and "whether or not" negate nothing.
_NEGATED = re.compile(r"\b(not|never|no longer|cannot)\b|n[’']t\b", re.I)
# "not only X" asserts X; "may or may not", "whether or not", "or did not": both alternatives, nothing negated
_NOT_NEGATING = re.compile(
    r"\bnot only\b|\bor (?:(?:may|might|can|could|will|would|shall|should|do|does|did|is|are|was|were|has|have|had)"
    r" )?not\b|\bor \w+n[’']t\b", re.I)
# A condition the question sets ("What happens if the deadline is not met?"): up to the next comma or the end; what
# it asks about is outside it.
_CONDITION_CLAUSE = re.compile(r"\b(?:if|unless|whether|in case)\b[^,;?]*", re.I)
# A question about the time it is asked in ("on Wednesday": the last one). "new" and "now" are left out: "New York",
# "now-defunct".
_RECENT = re.compile(
    r"\b(this|last|past) (week|weekend|month|year)\b|\b(recently|latest|currently|so far|today|yesterday)\b"
    r"|\bon (mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I
)
_DEBATE = re.compile(
    r"\b(effective|work|works|better|worse|best|worst|safe|harmful|beneficial|good|bad|should|worth)\b", re.I
)


@dataclass(frozen=True)
class Question:
    """One question and everything the pipeline reads from it, each worked out once (on first use).

    Example:
        >>> q = Question.parse("How many migrants did Niger return in 2023?")
        >>> q.expects_quantity, sorted(q.counted), q.named_numbers
        (True, ['migrant'], (('2023', frozenset({2023.0})),))
    """

    text: str
    as_of: datetime.date | None = None
    """The day it is asked on: articles published later did not exist yet (``None``: today)."""

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def parse(text: str, as_of: datetime.date | None = None) -> Question:
        """The question read from ``text`` (the same object for the same text, so its readings are shared)."""
        return Question(text, as_of)

    @staticmethod
    def of(question: str | Question) -> Question:
        """``question`` itself, or the question a string asks: for the functions that still take strings."""
        return question if isinstance(question, Question) else Question.parse(question)

    # -- words -------------------------------------------------------------------------------------------
    @cached_property
    def terms(self) -> tuple[str, ...]:
        """Its content terms (stemmed, ``rag.text.content_terms``), in order."""
        return tuple(content_terms(self.text))

    @cached_property
    def term_set(self) -> frozenset[str]:
        """Its content terms as a set."""
        return frozenset(self.terms)

    @cached_property
    def words(self) -> frozenset[str]:
        """Its folded words (``rag.text.words``), stopwords included."""
        return frozenset(words(self.text))

    @cached_property
    def focus(self) -> tuple[str, ...]:
        """Stems of the thing it asks for (``rag.focus.focus_terms``): evidence selection and conflicts weigh them."""
        return tuple(focus_terms(self.text))

    @cached_property
    def search_focus(self) -> tuple[str, ...]:
        """The focus of the 'who/what is the X' kind only (``attributes=False``): what retrieval weighs."""
        return tuple(focus_terms(self.text, attributes=False))

    @cached_property
    def asks_recent(self) -> bool:
        """It asks about the time it is asked in ("this week", "recently", "latest"): newer articles answer it."""
        return bool(_RECENT.search(self.text))

    # -- the specifics it names --------------------------------------------------------------------------
    @cached_property
    def numbers(self) -> frozenset[float]:
        """Every numeric value it mentions, number words included."""
        return frozenset(numbers(self.text))

    @cached_property
    def names(self) -> frozenset[str]:
        """Its rough proper names, folded (``rag.text.proper_names``)."""
        return frozenset(proper_names(self.text))

    @cached_property
    def named_numbers(self) -> tuple[tuple[str, frozenset[float]], ...]:
        """The numbers and years it gives as written, each with its values ('1,000' -> 1000), in order."""
        return tuple((m.group(), frozenset(numbers(m.group()))) for m in _YEARLIKE.finditer(self.text))

    @cached_property
    def named_names(self) -> tuple[str, ...]:
        """The names it gives that an article must mention to be about it (no titles, months or question words), sorted."""
        return tuple(n for n in sorted(self.names - NOT_ANSWER_NAMES) if n not in STOPWORDS and n not in _QUESTION_WORDS)

    @cached_property
    def asked_dates(self) -> frozenset[str]:
        """The date expressions it gives itself, lowercased: an answer must add another."""
        return frozenset(m.group().lower() for m in DATE_WORDS.finditer(self.text))

    @cached_property
    def claim(self):
        """Its :class:`~rag.claims.model.Claim` (dates, quantities, entities, actions), as a sentence is read."""
        from rag.claims.analysis import analyze

        return analyze(self.text)

    @cached_property
    def proposed_dates(self) -> tuple[DateMention, ...]:
        """The dates it gives that could be a value it proposes: not a year that is part of a name ("Was the total
        distance of *the 1927 Volta a Catalunya* less than 1337 km?" proposes a distance; the year names the race)."""
        return tuple(d for d in self.claim.dates if not year_in_name(self.text, d.start, d.end))

    @cached_property
    def dated_names(self) -> tuple[tuple[str, str], ...]:
        """The things it names by a year, as (year, the capitalised word after it): "the *1927 Volta* a Catalunya",
        "the *2021 Carlow* Senior Football Championship"."""
        return tuple((m.group(), self.text[m.end():].split()[0].strip(".,;:?!()\"'’"))
                     for m in re.finditer(r"\b\d{4}\b", self.text) if year_in_name(self.text, m.start(), m.end()))

    @cached_property
    def entities(self) -> tuple[str, ...]:
        """The names it gives, as the claim reader finds them."""
        return tuple(e.text for e in self.claim.entities)

    # -- the kind of answer asked for --------------------------------------------------------------------
    @cached_property
    def expects_quantity(self) -> bool:
        """'How many', 'how far', 'what percentage', 'what is the cost': the answer is a number."""
        return bool(_QUANTITY.search(self.text))

    @cached_property
    def measure(self) -> str | None:
        """The dimension a quantity question asks in ('what was the total distance' -> 'length', 'how much does it
        weigh' -> 'mass'), or None: its answer is a figure in that dimension, not the count beside it. A yes/no
        question asks in the dimension of the figure it proposes ("Is its operating speed 65 km/h?" -> 'speed'): a
        source answers it with its own speed, not with the train number beside it."""
        if self.yes_no and self.expected_type == "quantity":
            measured = {dim for dim, _ in _MEASURES}
            return next((x.dimension for x in self.claim.quantities if x.dimension in measured), None)
        if not self.expects_quantity:
            return None
        return next((dim for dim, pattern in _MEASURES if pattern.search(self.text)), None)

    @cached_property
    def expects_money(self) -> bool:
        """It is about a cost, price or payment (a quantity question then needs an amount of money). "How many paid
        holiday days" counts days: a count is never money."""
        return bool(_MONEY.search(self.text)) and not self.counted

    @cached_property
    def expects_date(self) -> bool:
        """'When', 'on what date', 'which year': the answer is a date or time. Not a leading "When ...," clause that
        another question word follows ("When three forces act on a particle, what happens?")."""
        m = _DATE.search(self.text)
        if m and m.start() == 0 and _WHEN_CLAUSE.match(self.text):
            m = _DATE.search(self.text, m.end())  # only the leading clause's "when": look past it
        return bool(m)

    @cached_property
    def expects_name(self) -> bool:
        """'What is the name', 'which company / official / city': the answer is a name."""
        return bool(_NAME.search(self.text))

    @cached_property
    def not_a_place(self) -> bool:
        """'Which company / person / minister': a country or nationality does not answer it."""
        return bool(_NOT_A_PLACE.search(self.text))

    @cached_property
    def counted(self) -> frozenset[str]:
        """Stems of what a 'how many X' question counts ('how many irregular migrants did' -> irregular, migrant)."""
        m = _HOW_MANY.search(self.text)
        out: set[str] = set()
        for w in words(m.group(1)) if m else []:
            if w in STOPWORDS:
                break
            out.add(stem(TERM_ALIASES.get(w, w)))
        return frozenset(out)

    @cached_property
    def expected_type(self) -> str | None:
        """The kind of value a source's sentence answers it with: 'date', 'quantity', 'name', 'class' or None.

        A yes/no question that proposes a date or a number ("Was he born in 1213?") is answered by the date or
        number a source gives for the same thing.
        """
        if self.yes_no:
            c = self.claim
            if self.proposed_dates:
                return "date"
            if c.quantities:
                return "quantity"
            if _YES_NO_CLASS.search(self.text) and c.entities:
                return "class"  # "Is Castle Donington considered a town?" is answered by what it is said to be
            return None
        if self.expects_date:
            return "date"
        if self.expects_quantity:
            return "quantity"
        if _WHO.search(self.text):
            return "name"
        if _CLASS.search(self.text):
            return "class"
        return None

    @cached_property
    def proposed_class(self) -> str | None:
        """What a yes/no question proposes its subject is ("Is Castle Donington considered a town?" -> 'town'), the
        words after its last "a" / "an"; None for other questions."""
        if self.expected_type != "class":
            return None
        m = _PROPOSED_CLASS.search(self.text)
        return m.group(1).strip() if m else None

    @cached_property
    def subject_verb(self) -> str | None:
        """The verb of a question that asks for its subject ("Who *appoints* the board?", "Who *built* the hut?"), or
        None: a question whose "who" is the verb's object or is asked with "is", "did" or a modal has none."""
        m = _SUBJECT_WHO.match(self.main_clause)
        if m is None or m.group(1).lower() in _AUXILIARIES:
            return None
        return m.group(1)

    @cached_property
    def slot(self) -> str | None:
        """The answer slot a conflict can dispute: agent, quantity, date, place, name, or None (why, yes/no...)."""
        if _AGENT_SLOT.match(self.text):
            return "agent"
        if self.expects_quantity:
            return "quantity"
        if self.expects_date:
            return "date"
        if _PLACE_SLOT.search(self.text):
            return "place"
        if _IDENT_SLOT.search(self.text):
            return "name"
        return None

    @cached_property
    def article_field(self):
        """The metadata field it asks about an article itself ('who wrote the article ...'), else None."""
        from rag.article_facts import asked_field

        return asked_field(self.text)

    # -- how it is put -----------------------------------------------------------------------------------
    @cached_property
    def wh(self) -> bool:
        """It contains a question word (who, what, when ...)."""
        return bool(_WH.search(self.text))

    @cached_property
    def yes_no(self) -> bool:
        """'Was X born in 1213?', 'Can Y inhibit Z?': answered by yes or no (or by one of the alternatives it gives).

        The question may follow a preamble ("X is a painter. Was he married in 1803?") or a leading clause
        ("As of 2011, are more than ...?", "When he was sentenced in 1980, was he ...?"): the clause that asks is
        what counts, unless the leading clause is itself a wh-question ("When was it built, and was it ...?").
        """
        asked = self.main_clause
        if _YES_NO.match(asked):
            return True
        if _WH_ASKS.match(asked) or _WH_LEAD.match(asked):
            return False
        # the clause after a comma asks, and asks for no wh-word ('..., are made up of what type?' does)
        return any(_YES_NO.match(rest) and not _WH.search(rest) for rest in asked.split(", ")[1:])

    @cached_property
    def main_clause(self) -> str:
        """The sentence that asks: the last one of the text, after any statements that set it up."""
        text = self.text.strip()
        sentences: list[str] = []
        for span in split_sentences(text):
            piece = text[span.start : span.end]
            if sentences and len(sentences[-1].split()) < 3:  # 'Was Mt.' ended at an abbreviation, not a sentence
                sentences[-1] += " " + piece
            else:
                sentences.append(piece)
        return next((x for x in reversed(sentences) if x.endswith("?")), sentences[-1] if sentences else text)

    @cached_property
    def asking(self) -> Question:
        """The sentence that asks (:attr:`main_clause`) as a question of its own, or this question when that is all
        of it. Statements before it set it up: "Sir Charles D'Oyly (1781–1845) was a British painter. Was he married
        in 1803?" proposes 1803, and a source about the marriage need not repeat the introduction."""
        main = self.main_clause.strip()
        return self if main == self.text.strip() else Question(main, self.as_of)

    @cached_property
    def asks_yes_no(self) -> bool:
        """A yes/no question, not a choice between named alternatives ("Is it a town or a village?")."""
        return self.yes_no and not _CHOICE.search(self.main_clause)

    @cached_property
    def alternatives(self) -> tuple[str, ...]:
        """The named alternatives a choice question asks between, as written ("Was it a penitentiary or a detention
        center?" -> ("penitentiary", "detention center"); "Where does it originate: the lobe or the thalamus?";
        "what type of role (lead or supporting)"); () for other questions.

        The right alternative runs from "or" to the end of the clause (or of its bracket, after its colon), less
        leading stopwords, at most four words; the left one takes as many words back from "or" (all of them after a
        colon or inside a bracket), stopping at a stopword or a comma.
        """
        clause = self.main_clause.strip().rstrip("?").strip()
        inner = re.search(r"\(([^()]*\bor\b[^()]*)\)", clause)
        whole = bool(inner) or ":" in clause  # the alternatives stand alone: the left one is all before "or"
        if inner:
            clause = inner.group(1)
        elif ":" in clause:
            clause = clause.rsplit(":", 1)[1]
        m = re.search(r"^(.*\S)\s+or\s+(.+)$", clause.replace('"', " ").replace("“", " ").replace("”", " "))
        if not m:
            return ()
        right = m.group(2).split()
        while right and right[0].lower() in STOPWORDS:
            right.pop(0)
        if not right or len(right) > 4:
            return ()
        left: list[str] = []
        for w in reversed(m.group(1).split()):
            if w.lower() in STOPWORDS or w.endswith((",", ";")) or (not whole and len(left) == len(right)):
                break
            left.insert(0, w)
        if not left:
            return ()
        return " ".join(left), " ".join(right).strip(",;")

    @cached_property
    def one_party(self) -> bool:
        """'According to Mali, ...?', 'What did Algeria say ...?': it asks for one party's own account."""
        return bool(_ONE_PARTY.search(self.text))

    @cached_property
    def unconditioned(self) -> str:
        """The question without the conditions it sets ("What happens if the deadline is not met?" -> "What happens
        ?"): what it asks about, not the situation it asks it in."""
        return " ".join(_CONDITION_CLAUSE.sub(" ", self.text).split())

    @cached_property
    def negated(self) -> bool:
        """It asks about what did *not* happen or is *not* so ("Which countries did not sign the treaty?"); not a
        negation inside a condition it sets ("What happens if the deadline is not met?") or of one of two
        alternatives ("how powerful it may or may not be")."""
        return bool(_NEGATED.search(_NOT_NEGATING.sub(" ", self.unconditioned)))

    @cached_property
    def debated(self) -> bool:
        """It asks whether something works, is better or safe: sides that argue it hold views."""
        return bool(_DEBATE.search(self.text))

    @cached_property
    def parts(self) -> tuple[str, ...]:
        """The separate questions inside it (``rag.parts.split_parts``; one item when it asks one thing)."""
        from rag.parts import split_parts

        return tuple(split_parts(self.text))
