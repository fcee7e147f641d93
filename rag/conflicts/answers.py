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
   question's content words appear in the title, the sentence or the sentence before it; or, weighting each
   word by how rare it is among the stored chunks, ``answer_min_weighted_coverage`` of them; or a sentence whose
   evidence score, embedding similarity with shared words, reaches ``answer_min_evidence_score``).
3. **Do two answers agree?** (:func:`answers_agree`) The same value read tolerantly: dates that agree on
   every field both state (``1972`` and ``10 February 1972``), the same numbers (after unit conversion),
   the same name in another spelling, or one answer's words contained in the other's (``Curran`` /
   ``Maxi Curran``). Answers of different types (a number against a name) are not compared.
4. **Conflict.** Answers are grouped into camps of agreeing answers; two or more camps from different
   sentences make one :class:`Conflict` whose sides are the sentences that hold each camp's best answer,
   quoted as their exact spans. Its score grows with the weaker camp's margin.

Modules: ``reading`` (step 1: each sentence's answer), this one (steps 2-4 and the category), ``wording`` (the
answer text that gives both sides).

Every threshold is a setting chosen on the dev parts of WikiContradict, RealTimeQA and SQuAD 2.0
(``benchmarks/judgement_replay.py sweep --part dev``).

The kind of disagreement (``Conflict.category``, after Google's CONFLICTS taxonomy): ``opinion`` when the
sides argue a debated point (evaluative or hedged wording, or a question asking whether something works or
is better), ``outdated`` when the sides carry different as-of dates (publication dates or "as of 2011"),
otherwise ``factual``. Complementary answers are not a conflict (they agree under rule 3, or are not
compared); we cannot judge a source's reliability, so ``misinformation`` is never assigned.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from rag.answerability import names_another_edition
from rag.claims.analysis import analyze
from rag.claims.dates import dates_conflict
from rag.claims import same_entity
from rag.conflicts.reading import (  # noqa: F401  (re-exported: the public face of question-focused conflicts)
    SourceAnswer,
    core_words,
    expected_type,
    is_yes_no,
    only_question_words,
    question_coverage,
    source_answers,
    typed_answer,
)
from rag.conflicts.wording import AS_OF, disagreement_answer, yes_no_stance  # noqa: F401
from rag.question import Question
from rag.settings import ConflictSettings
from rag.text import content_terms, numbers, stem
from rag.types import Conflict, ConflictSide, Evidence, SourceView

__all__ = ["SourceAnswer", "answer_conflicts", "answers_agree", "disagreement_answer", "per_source", "source_answers",
           "typed_answer", "expected_type", "is_yes_no", "only_question_words", "question_coverage", "yes_no_stance"]

_OPINION = re.compile(
    r"\b(suggests?|suggested|argues?|argued|believes?|believed|considers?|considered|claims?|claimed|contends?|"
    r"may|might|could|likely|unlikely|effective|ineffective|better|worse|superior|inferior|beneficial|harmful|"
    r"studies|study|evidence|proponents|critics|opinion|debated?|controvers\w*)\b",
    re.I,
)


_NEGATORS = frozenset("no not non without free never none neither nor".split())


def _dates(text: str):
    return analyze(text).dates


def answers_agree(a: str, b: str) -> bool | None:
    """True when two answers say the same, False when they differ, None when they cannot be compared.

    Example:
        >>> answers_agree("2 March 1881", "3 March 1881"), answers_agree("1972", "10 February 1972")
        (False, True)
        >>> answers_agree("a skunk", "a badger"), answers_agree("Maxi Curran", "Curran")
        (False, True)
        >>> answers_agree("with glue", "with no glue")
        False
        >>> answers_agree("1933", "Admiral Byrd") is None
        True
    """
    ca, cb = core_words(a), core_words(b)
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
    if (sa ^ sb) & _NEGATORS:
        return False  # "with glue" / "with no glue", "lead paint" / "lead-free paint"
    sa, sb = {stem(w) for w in sa}, {stem(w) for w in sb}  # "classifying problems" / "it classifies problems"
    if sa <= sb or sb <= sa:
        return True
    if same_entity(" ".join(ca), " ".join(cb)):
        return True
    return False


def category_of(question: str | Question, text_a: str, text_b: str, answer_a: str, answer_b: str) -> str:
    """The kind of disagreement between two sides (sentences ``text_*`` giving ``answer_*``): outdated, opinion or
    factual (see the module docstring)."""
    years_a = {m.group(1) for m in AS_OF.finditer(text_a)}
    years_b = {m.group(1) for m in AS_OF.finditer(text_b)}
    if years_a and years_b and years_a != years_b and not (_dates(answer_a) or _dates(answer_b)):
        return "outdated"
    if Question.of(question).debated and (_OPINION.search(text_a) or _OPINION.search(text_b)):
        return "opinion"
    return "factual"


def _kind(a: str, b: str) -> str:
    if _dates(a) and _dates(b):
        return "date"
    if numbers(a) and numbers(b):
        return "quantity"
    return "general"


def about_question(question: Question, context: str, settings: ConflictSettings,
                   weights: Mapping[str, float] | None = None, score: float | None = None) -> bool:
    """Whether a side's context (title, sentence before, sentence) is about the question: it holds
    ``answer_min_coverage`` of the question's content words, or, given the store's term ``weights``, at least
    ``answer_min_weighted_coverage`` of them weighted by how rare each is (the subject's rare words, worded
    otherwise around them), or its sentence's evidence ``score`` reaches ``answer_min_evidence_score`` (close in
    meaning, worded otherwise)."""
    if question_coverage(question, context) >= settings.answer_min_coverage:
        return True
    if score is not None and settings.answer_min_evidence_score is not None \
            and score >= settings.answer_min_evidence_score:
        return True
    floor = settings.answer_min_weighted_coverage
    return weights is not None and floor is not None and question_coverage(question, context, weights) >= floor


def _usable(question: Question, answers: list[SourceAnswer], settings: ConflictSettings,
            weights: Mapping[str, float] | None = None) -> list[SourceAnswer]:
    yes_no = question.yes_no
    spans_count = settings.answer_min_margin is not None
    return [
        a for a in answers
        if ((a.typed and _read_twice(a, settings.typed_name_min_margin))
             or (spans_count and a.margin >= settings.answer_min_margin))
        and (yes_no or not only_question_words(a.text, question))
        and about_question(question, a.context, settings, weights, a.evidence.score)
        and names_another_edition(question, a.context) is None  # the 1920 race's figure is no side on the 1927 one
    ]


def _read_twice(a: SourceAnswer, floor: float | None) -> bool:
    """Whether a typed answer is one a second reader agrees with. A date or figure is read by its type beside the
    question's words; a name needs more: the typed reader takes the capitalised words near the question's ("such as
    *Directives*, the European Commission can take proceedings" for "Who can enforce European Union law?"). It
    counts when the QA model reads its sentence as answering (margin ``floor``) or picks a word of it."""
    if floor is None or a.span is None or any(ch.isdigit() for ch in a.text) or a.margin >= floor:
        return True
    return bool(set(core_words(a.text)) & set(core_words(a.span)))


def _grouped(question: Question, answers: list[SourceAnswer], settings: ConflictSettings,
             weights: Mapping[str, float] | None = None) -> list[tuple[SourceAnswer, int]]:
    """Usable answers, surest first, each with its camp: the first camp whose lead answer it agrees with."""
    leads: list[str] = []
    out = []
    for a in sorted(_usable(question, answers, settings, weights), key=lambda a: -a.margin):
        camp = next((i for i, lead in enumerate(leads) if answers_agree(a.text, lead)), None)
        if camp is None:
            leads.append(a.text)
            camp = len(leads) - 1
        out.append((a, camp))
    return out


def per_source(question: str | Question, answers: list[SourceAnswer], settings: ConflictSettings,
               weights: Mapping[str, float] | None = None) -> list[SourceView]:
    """Each document's own answer (its best usable span per camp of agreeing answers; ``weights`` as for
    :func:`answer_conflicts`).

    A document whose sentences give two different answers is listed once per answer; documents among the
    evidence with no usable answer are listed with ``answer=None``. The leading answer is the surest one;
    ``disagrees`` marks answers that differ from it.
    """
    grouped = _grouped(Question.of(question), answers, settings, weights)
    lead = grouped[0][0] if grouped else None
    views: list[SourceView] = []
    seen: set[tuple[str, int]] = set()
    for a, camp in grouped:
        e = a.evidence
        if (e.doc_id, camp) in seen:
            continue
        seen.add((e.doc_id, camp))
        views.append(SourceView(doc_id=e.doc_id, source=e.source, title=e.title, answer=a.text, quote=e,
                                answer_start=a.start, answer_end=a.end, margin=round(a.margin, 3), camp=camp,
                                disagrees=answers_agree(a.text, lead.text) is False, basis="answers"))
    answered = {v.doc_id for v in views}
    for a in answers:
        e = a.evidence
        if e.doc_id not in answered:
            answered.add(e.doc_id)
            views.append(SourceView(doc_id=e.doc_id, source=e.source, title=e.title))
    return views


def answer_conflicts(question: str | Question, answers: list[SourceAnswer], settings: ConflictSettings,
                     weights: Mapping[str, float] | None = None) -> list[Conflict]:
    """At most one conflict: the camps of disagreeing answers to the question (see the module docstring).

    ``weights`` (the store's term weights, ``rag.term_weights``) let a side whose context holds the question's rare
    words count as about the question (``answer_min_weighted_coverage``); without them only plain coverage counts.
    """
    question = Question.of(question)
    grouped = _grouped(question, answers, settings, weights)
    camps = [[a for a, c in grouped if c == k] for k in range(len({c for _, c in grouped}))]
    # Only camps whose answers can be compared with the strongest camp's: a name is no rival to a year.
    if len(camps) < 2:
        return []
    lead = camps[0][0]
    rivals = [c for c in camps[1:] if answers_agree(lead.text, c[0].text) is False
              and any(_rivals(a, b, settings.answer_same_document_min_overlap) for a in camps[0] for b in c)]
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
    return [two_camps(question, [[(a.evidence, a.text) for a in camp] for camp in (camps[0], rival)],
                      kind=_kind(lead.text, rival[0].text), score=round(score, 4), basis="answers")]


def _rivals(a: SourceAnswer, b: SourceAnswer, min_overlap: float | None) -> bool:
    """Whether two answers can be rival accounts: from two documents, or two sentences of one document that restate
    one fact (``min_overlap`` of their content words in common, the answers themselves left out). "The FSO factory
    was established in 1951." and "In 1995 the factory was purchased by Daewoo." tell two events of one story."""
    if a.evidence.doc_id != b.evidence.doc_id or min_overlap is None:
        return True
    if a.evidence.key == b.evidence.key:
        return False

    def terms(x: SourceAnswer) -> set[str]:
        rest = x.evidence.text.replace(x.text, " ")
        return {t for t in content_terms(rest) if not any(ch.isdigit() for ch in t)}

    ta, tb = terms(a), terms(b)
    return bool(ta | tb) and len(ta & tb) / len(ta | tb) >= min_overlap


def two_camps(question: str | Question, camps: list[list[tuple[Evidence, str]]], kind: str, score: float, basis: str) -> Conflict:
    """The conflict between two camps of (evidence sentence, its answer), the surest of each first: each sentence
    quoted once as a side with its answer, and the category read from the two leading sides."""
    sides = []
    for camp_no, camp in enumerate(camps):
        seen: set[int] = set()
        for e, answer in camp:
            if e.key in seen:
                continue
            seen.add(e.key)
            sides.append(ConflictSide(**e.span_fields(), camp=camp_no, answer=answer))
    (e_a, a), (e_b, b) = camps[0][0], camps[1][0]
    question = Question.of(question)
    label = " ".join(question.text.strip().rstrip("?").split())
    return Conflict(kind=kind, score=score, summary=f"{label}: {a} vs {b}", topic=label, sides=sides,
                    category=category_of(question, e_a.text, e_b.text, a, b), basis=basis)
