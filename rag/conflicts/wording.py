"""The answer text when sources disagree on the answer: each camp's answer with its citation."""

from __future__ import annotations

import re
from collections.abc import Callable

from rag.conflicts.reading import core_words
from rag.question import Question
from rag.text import numbers
from rag.types import Conflict, ConflictSide

AS_OF = re.compile(r"\b(?:as of|by|in|since|until)\s+((?:1[5-9]|20)\d\d)\b", re.I)
#: The framing of a disagreement answer around each quoted side ("The sources disagree: one source says yes,
#: giving", "another gives", "Views differ: ... holds the view", "as of 2019,"): what the answer claims is the
#: quote and its citation; the eval strips this framing the way it strips "The articles say:".
SIDE_FRAMING = re.compile(
    r"^\s*(?:(?:The sources disagree|Views differ|The sources give answers from different times):\s*)?"
    r"(?:one source|another|a later source(?: \(\d{4}\))?|as of \d{4},?)"
    r"(?: says (?:yes|no))?(?:,? giving| gives| holds the view|:)?\s*",
    re.I,
)


def yes_no_stance(question: str | Question, answer: str) -> str | None:
    """For a yes/no question, 'yes' when the side's answer is what the question proposes, 'no' when it is not.

    "Was he born in 1213?" with "1213" is yes and with "1211" no; None when the question proposes no value
    the answer can be compared with.
    """
    q = Question.of(question)
    if not q.yes_no:
        return None
    core = core_words(answer)
    if not core:
        return None
    if core in (["yes"], ["no"]):
        return core[0]  # the source's own yes or no, as the reader gave it
    holds = value_holds(q, answer)
    if holds is not None:
        return "yes" if holds else "no"
    if q.proposed_class:  # "Is it considered a town?": "a market town" is one, "a village" is not
        head = q.proposed_class.split()[-1].lower()
        return "yes" if head in {w.removesuffix("'s").removesuffix("’s") for w in core} else "no"
    if all(w in q.words for w in core):
        return "yes"
    qnums, anums = q.numbers, numbers(answer)
    if anums and qnums:
        return "no"
    return None  # the question proposes no value this answer can be set against


#: A comparison the question puts before the value it proposes ("more than 1,337 km", "before 1911"); the quantity
#: reader keeps "more than" inside the quantity's own text, a date's comes before it.
_GREATER = r"more than|greater than|over|above|exceeding|after|later than"
_LESS = r"less than|fewer than|under|below|before|earlier than|prior to"
_RELATION_BEFORE = re.compile(rf"\b(?:(?P<gt>{_GREATER})|(?P<lt>{_LESS}))\s*$", re.I)
_RELATION_INSIDE = re.compile(rf"^\s*(?:(?P<gt>{_GREATER})|(?P<lt>{_LESS}))\b", re.I)


def value_holds(q: Question, answer: str, until: int | None = None) -> bool | None:
    """Whether a side's value is what a yes/no question proposes ("born on the 1st February?" / "1 February 1972":
    the same date; "more than 1,337 km?" / "1,333 km": not more), or None when they cannot be compared.

    ``until``: the side's year is the start of a span of years that runs to this one ("in 1802–03"), so a year the
    question proposes holds anywhere in it ("married in 1803?" / "he and his wife in 1802–03": yes)."""
    from rag.claims.analysis import analyze
    from rag.claims.dates import dates_conflict

    # "Sir Charles D'Oyly (1781–1845) was a painter. Was he married in 1803?" proposes the asking sentence's 1803;
    # "The tower opened in 1889. Did it open that year?" proposes the statement's year
    asking = q.asking if q.asking.proposed_dates or q.asking.claim.quantities else q
    c, a = asking.claim, analyze(answer)
    if asking.proposed_dates and a.dates:
        proposed, given = asking.proposed_dates[0], a.dates[0]
        kind = "date"
    elif c.quantities and a.quantities:
        proposed, given = c.quantities[0], a.quantities[0]
        kind = "quantity"
    else:
        return None
    m = _RELATION_INSIDE.search(proposed.text) or _RELATION_BEFORE.search(asking.text[: proposed.start])
    if m is None:
        if kind == "date":
            if until is not None and proposed.year and given.year and not (proposed.month or proposed.day):
                return given.year <= proposed.year <= until
            return not dates_conflict(proposed, given)
        if not _comparable(proposed.dimension, given.dimension):
            return None
        if proposed.unit != given.unit:  # '65 km/h' and '40 mph' are the same speed, rounded
            return abs(proposed.base_value - given.base_value) <= 0.03 * max(abs(proposed.base_value), 1e-9)
        return proposed.value == given.value
    if kind == "date":
        if not (proposed.year and given.year):
            return None
        p_val, g_val = proposed.year, given.year
    else:
        if not _comparable(proposed.dimension, given.dimension):
            return None
        p_val, g_val = proposed.base_value, given.base_value
    return g_val > p_val if m.group("gt") else g_val < p_val


def _comparable(a: str, b: str) -> bool:
    """Two quantities' values can be compared as they stand: the same dimension, or both plain counts."""
    return a == b or {a, b} <= {"count", "number"}


def disagreement_answer(question: str | Question, conflict: Conflict, cite: Callable[[ConflictSide], int]) -> str:
    """The answer text when sources disagree on the answer: each camp's answer with its citation.

    "The sources disagree: one gives “2 March 1881” [1]; another gives “3 March 1881” [2]." A yes/no
    question says which side answers yes; an outdated conflict names the years; opinions are "views".
    """
    camps = sorted({s.camp for s in conflict.sides})
    firsts = {c: next(s for s in conflict.sides if s.camp == c) for c in camps}
    if conflict.category == "outdated":
        # decided before any citation is made: the outdated wording cites one side per camp, in time order
        return _outdated_answer(list(firsts.values()), cite)
    parts = []
    q = Question.of(question)
    stances = {c: yes_no_stance(q, firsts[c].answer or "") for c in camps}
    if len(set(stances.values())) < len(camps) or None in stances.values():
        stances = dict.fromkeys(camps)  # "says no ... says no" would say nothing: give the values only
    for camp in camps:
        members = [s for s in conflict.sides if s.camp == camp]
        side = firsts[camp]
        marks = "".join(f"[{cite(s)}]" for s in members[:2])
        answer = listed_with(side.answer, side.text, q) if side.answer else side.text
        stance = stances[camp]
        who = "one source" if not parts else "another"
        if stance and core_words(answer) == [stance]:
            # a bare yes or no: the sentence it rests on is what the user needs to see
            parts.append(f"{who} says {stance}: “{' '.join(side.text.split())}” {marks}")
            continue
        verb = "holds the view" if conflict.category == "opinion" else "gives"
        lead = f"{who} says {stance}, giving" if stance else f"{who} {verb}"
        parts.append(f"{lead} “{' '.join(answer.split())}” {marks}")
    head = "Views differ" if conflict.category == "opinion" else "The sources disagree"
    return f"{head}: " + "; ".join(parts) + "."


# what stands between two items of one list: "10 dead, 47 prisoners and 17 wounded", "Barry Meehan and Eddie Brennan"
_LIST_GAP = re.compile(r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)")


def listed_with(answer: str, sentence: str, question: str | Question | None = None) -> str:
    """``answer`` with the items ``sentence`` lists beside it, of its own kind: a source whose managers "were Barry
    Meehan and Eddie Brennan" is misquoted by "Barry Meehan" alone. Figures join only when they count what the
    ``question`` asks about too ("How many dead, prisoners and wounded?": "10 dead, 47 prisoners and 17 wounded"; "How
    many dead?": "10 dead"). ``answer`` as it is when the sentence lists nothing beside it."""
    from rag.claims.analysis import analyze

    start = sentence.find(answer)
    if not answer or start < 0:
        return answer
    asked = Question.of(question).words if question is not None else None
    c = analyze(sentence)
    for kind, figures in ((c.quantities, True), (c.entities, False)):
        spans = sorted((x.start, x.end) for x in kind)
        i = next((k for k, (a, b) in enumerate(spans) if a <= start < b or start <= a < start + len(answer)), None)
        if i is None:
            continue

        def joins(k: int, gap: str) -> bool:
            if not _LIST_GAP.fullmatch(gap):
                return False
            nouns = {w for w in core_words(sentence[spans[k][0]:spans[k][1]]) if w.isalpha()}
            return not figures or (asked is not None and bool(nouns) and nouns <= asked)

        lo = hi = i
        while lo > 0 and joins(lo - 1, sentence[spans[lo - 1][1]:spans[lo][0]]):
            lo -= 1
        while hi + 1 < len(spans) and joins(hi + 1, sentence[spans[hi][1]:spans[hi + 1][0]]):
            hi += 1
        if lo == hi:
            return answer
        return sentence[min(spans[lo][0], start):max(spans[hi][1], start + len(answer))]
    return answer


def _as_of(text: str) -> int | None:
    years = [int(m.group(1)) for m in AS_OF.finditer(text)]
    return max(years) if years else None


def _outdated_answer(firsts: list[ConflictSide], cite: Callable[[ConflictSide], int]) -> str:
    """Older answer first, then the newer one, saying which is later: the newer source is preferred."""
    dated = sorted(firsts, key=lambda s: _as_of(s.text) or 0)
    old, new = dated[0], dated[-1]
    y_old, y_new = _as_of(old.text), _as_of(new.text)
    a_old, a_new = " ".join((old.answer or old.text).split()), " ".join((new.answer or new.text).split())
    return (f"The sources give answers from different times: as of {y_old}, “{a_old}” [{cite(old)}]; "
            f"a later source ({y_new}) gives “{a_new}” [{cite(new)}], which is the more recent figure.")
