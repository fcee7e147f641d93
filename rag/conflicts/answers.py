"""Question-focused conflicts: each source's own answer to the question, compared across sources.

The claim-pair detector (``detect.py``) compares sentences with each other and needs a signal it knows
(a number, a date, a negation, a named agent). Real disagreements are more varied: "is a skunk" against
"is a badger", "a penitentiary" against "a detention center", "four towns" against "three towns". What
they share is that two sources give *different answers to the question asked*. So:

1. **Per-source answers.** Every evidence sentence is read by the extractive QA model (``rag/qa.py``)
   with the context it needs: the document title and the sentence before it in its chunk, so "He died in
   1881" knows who "he" is. The answer is always a span of the sentence itself, with its margin over
   "this sentence does not answer".
2. **Which answers count.** A span whose margin is at least ``answer_min_margin``, that is not just words
   of the question, from a sentence that is about the question (at least ``answer_min_coverage`` of the
   question's content words appear in the title, the sentence or the sentence before it).
3. **Do two answers agree?** (:func:`answers_agree`) The same value read tolerantly: dates that agree on
   every field both state (``1972`` and ``10 February 1972``), the same numbers (after unit conversion),
   the same name in another spelling, or one answer's words contained in the other's (``Curran`` /
   ``Maxi Curran``). Answers of different types (a number against a name) are not compared.
4. **Conflict.** Answers are grouped into camps of agreeing answers; two or more camps from different
   sentences make one :class:`Conflict` whose sides are the sentences that hold each camp's best answer,
   quoted as their exact spans. Its score grows with the weaker camp's margin.

Every threshold is a setting chosen on the dev part of WikiContradict and RealTimeQA
(``benchmarks/conflicts_calibration.py --answers``).

The kind of disagreement (``Conflict.category``, after Google's CONFLICTS taxonomy): ``opinion`` when the
sides argue a debated point (evaluative or hedged wording, or a question asking whether something works or
is better), ``outdated`` when the sides carry different as-of dates (publication dates or "as of 2011"),
otherwise ``factual``. Complementary answers are not a conflict (they agree under rule 3, or are not
compared); we cannot judge a source's reliability, so ``misinformation`` is never assigned.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.claims import same_entity
from rag.claims.dates import dates_conflict
from rag.claims.analysis import analyze
from rag.settings import ConflictSettings
from rag.text import content_terms, fold, numbers, words
from rag.types import Conflict, ConflictSide, Evidence, SourceView

YES_NO = re.compile(
    r"^\s*(is|are|was|were|do|does|did|can|could|has|have|had|will|would|should|shall|may|might|must)\b", re.I
)
_FILLER = frozenset("a an the about approximately around roughly nearly almost some over under than of in on at by".split())
_OPINION = re.compile(
    r"\b(suggests?|suggested|argues?|argued|believes?|believed|considers?|considered|claims?|claimed|contends?|"
    r"may|might|could|likely|unlikely|effective|ineffective|better|worse|superior|inferior|beneficial|harmful|"
    r"studies|study|evidence|proponents|critics|opinion|debated?|controvers\w*)\b",
    re.I,
)
_DEBATE_QUESTION = re.compile(
    r"\b(effective|work|works|better|worse|best|worst|safe|harmful|beneficial|good|bad|should|worth)\b", re.I
)
_AS_OF = re.compile(r"\b(?:as of|by|in|since|until)\s+((?:1[5-9]|20)\d\d)\b", re.I)


@dataclass(frozen=True)
class SourceAnswer:
    """One evidence sentence's answer to the question: a span inside the sentence, with absolute offsets."""

    evidence: Evidence
    text: str
    start: int
    end: int
    margin: float  # the QA model's margin for the sentence (answer minus 'no answer')
    context: str  # title + previous sentence + the sentence: what the answer was read with
    typed: bool = False  # the span is the date/number/name the question's type asks for, not the QA model's span


def is_yes_no(question: str) -> bool:
    """'Was X born in 1213?', 'Can Y inhibit Z?': a question answered by yes or no."""
    return bool(YES_NO.match(question))


_WHO = re.compile(r"(^|[,;:]\s*)(who|whom|by whom)\b", re.I)


def expected_type(question: str) -> str | None:
    """The kind of value that answers the question: 'date', 'quantity', 'name' or None (open questions).

    A yes/no question that proposes a date or a number ("Was he born in 1213?") is answered by the date or
    number a source gives for the same thing.
    """
    from rag.answerability import expects_date, expects_quantity

    if is_yes_no(question):
        c = analyze(question)
        if c.dates:
            return "date"
        if c.quantities:
            return "quantity"
        return None
    if expects_date(question):
        return "date"
    if expects_quantity(question):
        return "quantity"
    if _WHO.search(question):
        return "name"
    return None


def _counted_phrase(sentence: str, start: int) -> str:
    """The words a number counts: up to three words after it, stopping at punctuation or the next number."""
    rest = re.split(r"[,;:.()](?=\s|$)", sentence[start:], maxsplit=1)[0].split()
    out = rest[:1]
    for w in rest[1:4]:
        if re.search(r"\d", w):
            break
        out.append(w)
    return " ".join(out)


def _trim_quantity(text: str, start: int, dimension: str, qwords: set[str]) -> tuple[str, int, int]:
    """'41 gliders carried' -> '41 gliders' when the question asks about gliders: the number, its unit, and the
    words after it that the question uses (the quantity parser sometimes takes the next verb as the noun)."""
    parts = list(re.finditer(r"\S+", text))
    keep = 1
    for k, m in enumerate(parts[1:], 1):
        w = fold(m.group().strip(".,;:()"))
        if w in qwords or (k == 1 and not dimension.startswith("count")):
            keep = k + 1
        else:
            break
    end = parts[keep - 1].end()
    return text[:end].rstrip(".,;:("), start, start + len(text[:end].rstrip(".,;:("))


def typed_answer(question: str, sentence: str) -> tuple[str, int, int] | None:
    """The date, number or name in ``sentence`` that answers ``question``, as (text, start, end), or None.

    Rule-based and precise where the learned span is not: a "when" question is answered by a date, a "how
    many" by a number, "who" by a name the question does not already give. With several candidates, the one
    whose nearby words share most with the question wins.
    """
    from rag.answerability import counted_terms

    kind = expected_type(question)
    if kind is None:
        return None
    c = analyze(sentence)
    qwords = set(words(question))
    if kind == "date":
        cands = [(d.text, d.start, d.end) for d in c.dates]
        if not cands:  # a bare year the date parser did not take ("born in 1211")
            cands = [(q.text, q.start, q.end) for q in c.quantities if 1000 <= q.value <= 2100]
    elif kind == "quantity":
        counted = counted_terms(question)
        cands = [_trim_quantity(q.text, q.start, q.dimension, qwords) for q in c.quantities]
        if counted:  # "how many gliders" is answered by a number of gliders, not of troops: the noun follows it
            cands = [x for x in cands if counted & set(content_terms(_counted_phrase(sentence, x[1])))]
        cands += [(d.text, d.start, d.end) for d in c.dates] if is_yes_no(question) else []
    else:
        asked = [e.text for e in analyze(question).entities]
        cands = [(e.text, e.start, e.end) for e in c.entities if not any(same_entity(e.text, a) for a in asked)]
    if not is_yes_no(question):
        cands = [x for x in cands if not all(w.removesuffix("'s") in qwords for w in _core(x[0]))]
    # The value must sit by words of the question: a date beside "report published" does not date the airstrike.
    # Dates and numbers are read with a tight window (their own clause); a name needs two of the question's words
    # around it ("Foreign Minister X" does not answer "who is the security minister?").
    qstems = set(content_terms(question))
    reach, need = (8, min(2, len(qstems))) if kind == "name" else (6, 1)
    scored = [(len(set(_near_stems(sentence, a, b, reach)) & qstems), -a, (t, a, b)) for t, a, b in cands if t.strip()]
    scored = [x for x in scored if x[0] >= max(1, need)]
    if not scored:
        return None
    return max(scored)[2]


def _near_stems(sentence: str, start: int, end: int, reach: int = 8) -> list[str]:
    """Content stems within ``reach`` words either side of a span (the context a name has in its sentence)."""
    left = sentence[:start].split()[-reach:]
    right = sentence[end:].split()[:reach]
    return content_terms(" ".join(left + right))


def source_answers(
    question: str,
    evidence: list[Evidence],
    before: Callable[[Evidence], str],
    qa,
) -> list[SourceAnswer]:
    """Every evidence sentence's answer, read with its title and previous sentence: the typed value the question asks
    for when there is one, else the QA model's span (margins unfiltered). ``qa`` may be None: typed answers only."""
    from rag.qa import SpanAnswer

    out = []
    for e in evidence:
        prev = before(e)
        # without a QA model only typed answers are read; their margin is then 0 ("no opinion")
        a = qa.answer(question, e.text, title=e.title, before=prev) if qa is not None else SpanAnswer("", 0, 0, 0.0)
        context = " ".join(x for x in (e.title, prev, e.text) if x)
        typed = typed_answer(question, e.text)
        if typed is not None:
            text, start, end = typed
            out.append(SourceAnswer(e, text, e.start + start, e.start + end, a.margin, context, typed=True))
        elif a.text.strip():
            out.append(SourceAnswer(e, a.text, e.start + a.start, e.start + a.end, a.margin, context))
    return out


def question_coverage(question: str, text: str) -> float:
    """Share of the question's content words (stemmed) found in ``text``."""
    q = set(content_terms(question))
    if not q:
        return 1.0
    return len(q & set(content_terms(text))) / len(q)


def _core(answer: str) -> list[str]:
    return [w for w in words(answer) if w not in _FILLER]


def only_question_words(answer: str, question: str) -> bool:
    """True when every word of the answer is already in the question (it repeats, it does not answer)."""
    core = _core(answer)
    qw = set(words(question))
    return bool(core) and all(w in qw for w in core)


def _dates(text: str):
    return analyze(text).dates


def answers_agree(a: str, b: str) -> bool | None:
    """True when two answers say the same, False when they differ, None when they cannot be compared.

    Example:
        >>> answers_agree("2 March 1881", "3 March 1881"), answers_agree("1972", "10 February 1972")
        (False, True)
        >>> answers_agree("a skunk", "a badger"), answers_agree("Maxi Curran", "Curran")
        (False, True)
        >>> answers_agree("1933", "Admiral Byrd") is None
        True
    """
    ca, cb = _core(a), _core(b)
    if not ca or not cb:
        return None
    if ca == cb:
        return True
    na, nb = numbers(a), numbers(b)
    if bool(na) != bool(nb):
        return None  # a number against a name: not answers to the same slot
    if na and nb:
        da, db = _dates(a), _dates(b)
        if da and db:
            return not any(dates_conflict(x, y) for x in da for y in db)
        dims_a = {q.dimension for q in analyze(a).quantities if not q.dimension.startswith("count")}
        dims_b = {q.dimension for q in analyze(b).quantities if not q.dimension.startswith("count")}
        if (dims_a or dims_b) and not dims_a & dims_b:
            return None  # "6.2%" against "14 years": not the same measure
        if na == nb:
            return True
        # "1,333 km (828 mi)" and "828 mi": one figure contained in the other's
        if na <= nb or nb <= na:
            return True
        return False
    sa, sb = set(ca), set(cb)
    if sa <= sb or sb <= sa:
        return True
    if same_entity(" ".join(ca), " ".join(cb)):
        return True
    return False


def _category(question: str, a: SourceAnswer, b: SourceAnswer) -> str:
    years_a = {m.group(1) for m in _AS_OF.finditer(a.evidence.text)}
    years_b = {m.group(1) for m in _AS_OF.finditer(b.evidence.text)}
    if years_a and years_b and years_a != years_b and not (_dates(a.text) or _dates(b.text)):
        return "outdated"
    if _DEBATE_QUESTION.search(question) and (_OPINION.search(a.evidence.text) or _OPINION.search(b.evidence.text)):
        return "opinion"
    return "factual"


def _kind(a: str, b: str) -> str:
    if _dates(a) and _dates(b):
        return "date"
    if numbers(a) and numbers(b):
        return "quantity"
    return "general"


def _usable(question: str, answers: list[SourceAnswer], settings: ConflictSettings) -> list[SourceAnswer]:
    yes_no = is_yes_no(question)
    spans_count = settings.answer_min_margin is not None
    return [
        a for a in answers
        if (a.typed or (spans_count and a.margin >= settings.answer_min_margin))
        and (yes_no or not only_question_words(a.text, question))
        and question_coverage(question, a.context) >= settings.answer_min_coverage
    ]


def per_source(question: str, answers: list[SourceAnswer], settings: ConflictSettings) -> list[SourceView]:
    """Each document's own answer (its best usable span per camp of agreeing answers).

    A document whose sentences give two different answers is listed once per answer; documents among the
    evidence with no usable answer are listed with ``answer=None``. The leading answer is the surest one;
    ``disagrees`` marks answers that differ from it.
    """
    usable = sorted(_usable(question, answers, settings), key=lambda a: -a.margin)
    lead = usable[0] if usable else None
    camps: list[str] = []
    views: list[SourceView] = []
    seen: set[tuple[str, int]] = set()
    for a in usable:
        camp = next((i for i, c in enumerate(camps) if answers_agree(a.text, c)), None)
        if camp is None:
            camps.append(a.text)
            camp = len(camps) - 1
        e = a.evidence
        if (e.doc_id, camp) in seen:
            continue
        seen.add((e.doc_id, camp))
        views.append(SourceView(doc_id=e.doc_id, source=e.source, title=e.title, answer=a.text, quote=e,
                                answer_start=a.start, answer_end=a.end, margin=round(a.margin, 3), camp=camp,
                                disagrees=lead is not None and answers_agree(a.text, lead.text) is False))
    answered = {v.doc_id for v in views}
    for a in answers:
        e = a.evidence
        if e.doc_id not in answered:
            answered.add(e.doc_id)
            views.append(SourceView(doc_id=e.doc_id, source=e.source, title=e.title))
    return views


def answer_conflicts(question: str, answers: list[SourceAnswer], settings: ConflictSettings) -> list[Conflict]:
    """At most one conflict: the camps of disagreeing answers to the question (see the module docstring)."""
    usable = sorted(_usable(question, answers, settings), key=lambda a: -a.margin)
    camps: list[list[SourceAnswer]] = []
    for a in usable:
        for camp in camps:
            if answers_agree(a.text, camp[0].text):
                camp.append(a)
                break
        else:
            camps.append([a])
    # Only camps whose answers can be compared with the strongest camp's: a name is no rival to a year.
    if len(camps) < 2:
        return []
    lead = camps[0][0]
    rivals = [c for c in camps[1:] if answers_agree(lead.text, c[0].text) is False]
    if not rivals:
        return []
    rival = rivals[0]
    if rival[0].evidence.key == lead.evidence.key:
        return []
    # Score: how surely both sides answer. A typed answer passed on its type (and the question's words around
    # it), not on the QA margin, so it counts as at least at the margin threshold.
    floor = settings.answer_min_margin if settings.answer_min_margin is not None else 0.0
    weaker = min(max(a.margin, floor) if a.typed else a.margin for a in (lead, rival[0]))
    score = 1 / (1 + math.exp(-max(-30.0, min(30.0, weaker - floor))))
    sides = []
    for camp_no, camp in enumerate([camps[0], rival]):
        seen: set[int] = set()
        for a in camp:
            if a.evidence.key in seen:
                continue
            seen.add(a.evidence.key)
            e = a.evidence
            sides.append(ConflictSide(doc_id=e.doc_id, source=e.source, title=e.title, start=e.start, end=e.end,
                                      text=e.text, camp=camp_no, answer=a.text))
    label = " ".join(question.strip().rstrip("?").split())
    summary = f"{label}: {lead.text} vs {rival[0].text}"
    return [Conflict(kind=_kind(lead.text, rival[0].text), score=round(score, 4), summary=summary, topic=label,
                     sides=sides, category=_category(question, lead, rival[0]), basis="answers")]


def yes_no_stance(question: str, answer: str) -> str | None:
    """For a yes/no question, 'yes' when the side's answer is what the question proposes, 'no' when it is not.

    "Was he born in 1213?" with "1213" is yes and with "1211" no; None when the question proposes no value
    the answer can be compared with.
    """
    if not is_yes_no(question):
        return None
    core = _core(answer)
    if not core:
        return None
    qwords = set(words(question))
    if all(w in qwords for w in core):
        return "yes"
    qnums, anums = numbers(question), numbers(answer)
    if anums and qnums:
        return "no"
    if not anums and any(fold(w) in qwords for w in core):
        return None  # partly the question's words: no clear stance
    return None


def disagreement_answer(question: str, conflict: Conflict, cite: Callable[[ConflictSide], int]) -> str:
    """The answer text when sources disagree on the answer: each camp's answer with its citation.

    "The sources disagree: one gives “2 March 1881” [1]; another gives “3 March 1881” [2]." A yes/no
    question says which side answers yes; an outdated conflict names the years; opinions are "views".
    """
    parts = []
    firsts = []
    camps = sorted({s.camp for s in conflict.sides})
    stances = {c: yes_no_stance(question, next(s for s in conflict.sides if s.camp == c).answer or "") for c in camps}
    if len(set(stances.values())) < len(camps) or None in stances.values():
        stances = dict.fromkeys(camps)  # "says no ... says no" would say nothing: give the values only
    for camp in camps:
        members = [s for s in conflict.sides if s.camp == camp]
        side = members[0]
        marks = "".join(f"[{cite(s)}]" for s in members[:2])
        firsts.append(side)
        answer = side.answer or side.text
        stance = stances[camp]
        who = "one source" if not parts else "another"
        verb = "holds the view" if conflict.category == "opinion" else "gives"
        lead = f"{who} says {stance}, giving" if stance else f"{who} {verb}"
        parts.append(f"{lead} “{' '.join(answer.split())}” {marks}")
    if conflict.category == "outdated":
        return _outdated_answer(conflict, firsts, cite)
    head = "Views differ" if conflict.category == "opinion" else "The sources disagree"
    return f"{head}: " + "; ".join(parts) + "."


def _as_of(text: str) -> int | None:
    years = [int(m.group(1)) for m in _AS_OF.finditer(text)]
    return max(years) if years else None


def _outdated_answer(conflict: Conflict, firsts: list[ConflictSide], cite: Callable[[ConflictSide], int]) -> str:
    """Older answer first, then the newer one, saying which is later: the newer source is preferred."""
    dated = sorted(firsts, key=lambda s: _as_of(s.text) or 0)
    old, new = dated[0], dated[-1]
    y_old, y_new = _as_of(old.text), _as_of(new.text)
    a_old, a_new = " ".join((old.answer or old.text).split()), " ".join((new.answer or new.text).split())
    return (f"The sources give answers from different times: as of {y_old}, “{a_old}” [{cite(old)}]; "
            f"a later source ({y_new}) gives “{a_new}” [{cite(new)}], which is the more recent figure.")
