"""Each evidence sentence's own answer to the question (step 1 of question-focused conflicts, ``answers.py``).

For a question that asks for a date, a number or a name, the answer is the value of that kind beside the
question's own words (:func:`typed_answer`); otherwise the extractive QA model's span (``rag/qa.py``). Every
sentence is read with its article title and the sentence before it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rag.answerability import demonyms
from rag.claims import same_entity
from rag.claims.analysis import analyze
from rag.claims.verbs import VERB_FORMS
from rag.question import Question
from rag.text import content_terms, fold, stem, words
from rag.text.names import year_in_name
from rag.types import Evidence

_FILLER = frozenset("a an the about approximately around roughly nearly almost some over under than of in on at by".split())


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
    span: str | None = None  # for a typed answer, the QA model's own span in the sentence (None: not kept)


def is_yes_no(question: str | Question) -> bool:
    """'Was X born in 1213?', 'Can Y inhibit Z?': a question answered by yes or no."""
    return Question.of(question).yes_no


def expected_type(question: str | Question) -> str | None:
    """The kind of value that answers the question: 'date', 'quantity', 'name', 'class' or None (open questions);
    see :attr:`Question.expected_type`."""
    return Question.of(question).expected_type


# "X is a market town in ...": the noun phrase after the copula, up to a preposition, clause word or punctuation.
_COPULA = re.compile(
    r"\b(?:is|was|are|were)\s+(?:(?:also|now|still|considered|classified\s+as|known\s+as)\s+)?(?:an?|the)\s+"
    r"((?:(?!(?:in|of|on|at|by|with|from|for|to|and|or|that|which|who|whose|where|located|situated)\b)[\w'’-]+\s*){1,3})",
    re.I,
)


def class_answer(question: str | Question, sentence: str) -> tuple[str, int, int] | None:
    """What a sentence says its subject *is* ("a village"), when the subject is the question's subject."""
    subjects = Question.of(question).entities
    if not subjects:
        return None
    m = _COPULA.search(sentence)
    if m is None:
        return None
    before = sentence[: m.start()]
    if not any(same_entity(e.text, subj) for e in analyze(before or " ").entities for subj in subjects) and not any(
        subj.lower() in before.lower() for subj in subjects
    ):
        return None
    text = m.group(1).strip()
    start = m.start(1)
    return text, start, start + len(text)


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


def typed_answer(question: str | Question, sentence: str) -> tuple[str, int, int] | None:
    """The date, number or name in ``sentence`` that answers ``question``, as (text, start, end), or None.

    Rule-based and precise where the learned span is not: a "when" question is answered by a date, a "how
    many" by a number, "who" by a name the question does not already give. With several candidates, the one
    whose nearby words share most with the question wins.
    """
    q = Question.of(question)
    kind = q.expected_type
    if kind is None:
        return None
    if kind == "class":
        return class_answer(q, sentence)
    qwords = q.words
    c = analyze(sentence)
    if kind == "date":
        cands = [(d.text, d.start, d.end) for d in c.dates]
        if not cands:  # a bare year the date parser did not take ("born in 1211")
            cands = [(x.text, x.start, x.end) for x in c.quantities if 1000 <= x.value <= 2100]
        # "adopted the 1994 Works Council Directive" dates the directive, not the adopting
        cands = [x for x in cands if not _names_another(sentence, x[1], x[2], qwords)]
    elif kind == "quantity":
        # "what was the total distance?" is answered by a length, not by the "8 stages" beside it
        cands = [_trim_quantity(x.text, x.start, x.dimension, qwords) for x in c.quantities
                 if q.measure is None or x.dimension == q.measure]
        if q.counted:  # "how many gliders" is answered by a number of gliders, not of troops: the noun follows it
            cands = [x for x in cands if q.counted & set(content_terms(_counted_phrase(sentence, x[1])))]
        cands += [(d.text, d.start, d.end) for d in c.dates] if q.yes_no and q.measure is None else []
    else:
        cands = [(e.text, e.start, e.end) for e in c.entities if not any(same_entity(e.text, a) for a in q.entities)]
        if q.subject_verb:  # "Who appoints the board?" is not answered by "It appoints *the Commissioners* and the board"
            cands = [x for x in cands if not _object_of(sentence, x[1], q.subject_verb)]
        # Names that answer nobody: the "European Union" of "European Union law" for "Who applies European Union law?"
        # (a name before a noun the question asks about describes that noun), the "American" of "American engineer",
        # the "GR" of "general relativity (GR)"
        cands = [x for x in cands if not _modifies_question_noun(sentence, x[2], q)
                 and not _abbreviation_in_brackets(sentence, x[1], x[2]) and not _demonym_before_noun(sentence, *x)]
    if not q.yes_no:
        cands = [x for x in cands if not all(w.removesuffix("'s") in qwords for w in core_words(x[0]))]
    elif kind in ("date", "quantity"):
        # "Was the play-off of the 2021 Carlow Championship played in 2021?": the "2021" before "Carlow" is the
        # name the question gives, in the sentence as in the question, not the value it proposes
        cands = [x for x in cands if not _in_question_name(q.text, sentence, x[1], x[2])]
    # The value must sit by words of the question: a date beside "report published" does not date the airstrike.
    # Dates and numbers are read with a tight window (their own clause); a name needs two of the question's words
    # around it ("Foreign Minister X" does not answer "who is the security minister?").
    reach, need = (8, min(2, len(q.term_set))) if kind == "name" else (6, 1)
    # "How many prisoners" answered by "50 prisoners": the counted noun is itself the question's word beside the value
    counted = 1 if kind == "quantity" and q.counted else 0
    # Ties go to the candidate closest to a question word ("the hut on Mount Pleasant built by *Charles Crawford*",
    # not the Crosbie Ward two words before), then to the earlier one.
    scored = [(len(set(_near_stems(sentence, a, b, reach)) & q.term_set) + counted,
               -_gap_to_question(sentence, a, b, q.term_set, reach), -a, (t, a, b))
              for t, a, b in cands if t.strip()]
    scored = [x for x in scored if x[0] >= max(1, need)]
    if not scored:
        return None
    return max(scored)[-1]


def _bare(word: str) -> str:
    """A word of the sentence as the question's words are kept: folded, without the punctuation around it."""
    return fold(word.strip(".,;:()\"'’"))


def _names_another(sentence: str, start: int, end: int, qwords: frozenset[str] | set[str]) -> bool:
    """Whether a bare year is part of the name of something the question does not ask about: "the 1994 Works
    Council Directive", "the 2004 Treaty establishing ..." (a determiner before it, a capitalised word after it, and
    no preposition of time before the determiner: "at the 1989 Strasbourg Council" dates what happened there). A
    name the question itself gives ("the 1992 Maastricht Treaty" for "When was the Maastricht Treaty signed?") is
    what it asks about."""
    if not year_in_name(sentence, start, end):
        return False
    named = []
    for w in sentence[end:].split()[:3]:  # the capitalised words that follow it
        if not w[:1].isupper():
            break
        named.append(_bare(w))
    return not all(w in qwords for w in named)


def _modifies_question_noun(sentence: str, end: int, q: Question) -> bool:
    """Whether the name ending at ``end`` is directly followed by a lower-case content word of the question that is
    no verb ("Elena Rybakina *won* the final" answers "Who won ...?")."""
    after = sentence[end:].split()[:1]
    if not after or not after[0][:1].islower():
        return False
    w = _bare(after[0])
    if w not in q.words or not content_terms(w) or w in VERB_FORMS or w.endswith("ed"):
        return False
    return not (q.subject_verb and stem(w) == stem(q.subject_verb))


def _demonym_before_noun(sentence: str, text: str, start: int, end: int) -> bool:
    """Whether a one-word name is an adjective of nationality or origin before a lower-case noun ("*American* computer
    scientist", "*Polish* university", "*Russian* or Ottoman empires"): it describes someone, it names nobody."""
    after = sentence[end:].split()[:1]
    return text in demonyms() and bool(after) and after[0][:1].islower()


def _abbreviation_in_brackets(sentence: str, start: int, end: int) -> bool:
    """Whether the name is an abbreviation in brackets after what it abbreviates ("general relativity (GR)"): the
    words before it are the same answer, spelled out."""
    return sentence[start - 1 : start] == "(" and sentence[end : end + 1] == ")" and sentence[start:end].isupper()


def _object_of(sentence: str, start: int, verb: str, reach: int = 5) -> bool:
    """Whether the name at ``sentence[start:]`` follows ``verb`` (any form of it) within ``reach`` words, with no "by"
    between: the verb's object ("appoints *the Commissioners*"), not its agent ("appointed *by* the Council")."""
    target = stem(verb)
    before = sentence[:start].split()[-reach:]
    for i, w in enumerate(before):
        if stem(_bare(w)) == target:
            return not any(fold(x) == "by" for x in before[i + 1:])
    return False


def _in_question_name(question: str, sentence: str, start: int, end: int) -> bool:
    """Whether the value at ``sentence[start:end]`` begins a name the question also writes: the question has the
    value followed by the same capitalised word ("2021 Carlow")."""
    after = sentence[end:].split()[:1]
    if not after or not after[0][:1].isupper():
        return False
    phrase = f"{sentence[start:end]} {after[0].strip('.,;:')}"
    return phrase in " ".join(question.split())


def _window(sentence: str, start: int, end: int, reach: int) -> tuple[list[str], list[str]]:
    """The ``reach`` words before and after a span."""
    return sentence[:start].split()[-reach:], sentence[end:].split()[:reach]


def _gap_to_question(sentence: str, start: int, end: int, terms: frozenset[str], reach: int) -> int:
    """How many words lie between a span and the nearest word of the question within ``reach`` (``reach`` if none)."""
    left, right = _window(sentence, start, end, reach)
    gaps = [len(left) - 1 - i for i, w in enumerate(left) if set(content_terms(w)) & terms]
    gaps += [i for i, w in enumerate(right) if set(content_terms(w)) & terms]
    return min(gaps, default=reach)


def _near_stems(sentence: str, start: int, end: int, reach: int = 8) -> list[str]:
    """Content stems within ``reach`` words either side of a span (the context a name has in its sentence)."""
    left, right = _window(sentence, start, end, reach)
    return content_terms(" ".join(left + right))


def source_answers(
    question: str | Question,
    evidence: list[Evidence],
    before: Callable[[Evidence], str],
    qa,
) -> list[SourceAnswer]:
    """Every evidence sentence's answer, read with its title and previous sentence: the typed value the question asks
    for when there is one, else the QA model's span (margins unfiltered). ``qa`` may be None: typed answers only."""
    from rag.qa import SpanAnswer

    q = Question.of(question)
    out = []
    for e in evidence:
        prev = before(e)
        # without a QA model only typed answers are read; their margin is then 0 ("no opinion")
        a = qa.answer(q.text, e.text, title=e.title, before=prev) if qa is not None else SpanAnswer("", 0, 0, 0.0)
        context = " ".join(x for x in (e.title, prev, e.text) if x)
        typed = typed_answer(q, e.text)
        if typed is not None:
            text, start, end = typed
            out.append(SourceAnswer(e, text, e.start + start, e.start + end, a.margin, context, typed=True, span=a.text))
        elif a.text.strip():
            out.append(SourceAnswer(e, a.text, e.start + a.start, e.start + a.end, a.margin, context))
    return out


def question_coverage(question: str | Question, text: str, weights: Mapping[str, float] | None = None) -> float:
    """Share of the question's content words (stemmed) found in ``text``.

    With ``weights`` (``rag.term_weights``: how rare each word is in the store), each word counts by its weight,
    and words no stored chunk holds are left out: they cannot tell one source from another.
    """
    q = Question.of(question).term_set
    if weights is not None:
        q = frozenset(t for t in q if t in weights)
    if not q:
        return 1.0
    found = q & set(content_terms(text))
    if weights is None:
        return len(found) / len(q)
    # fsum: correctly rounded whatever the set's iteration order (hash seed), so a source holding every word is 1.0
    total = math.fsum(weights[t] for t in q)
    return math.fsum(weights[t] for t in found) / total if total > 0 else 1.0


def core_words(answer: str) -> list[str]:
    """The answer's words without articles, hedges and prepositions ('about 1.5 kg' -> ['1.5', 'kg'])."""
    return [w for w in words(answer) if w not in _FILLER]


def only_question_words(answer: str, question: str | Question) -> bool:
    """True when every word of the answer is already in the question (it repeats, it does not answer)."""
    core = core_words(answer)
    qw = Question.of(question).words
    return bool(core) and all(w in qw for w in core)


