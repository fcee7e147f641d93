"""Each source's answer to the question, read by the LLM and checked against the source.

The typed reading (``reading.py``) compares dates, numbers and names; many real disagreements are not of
those kinds. Half of WikiContradict's questions are yes/no questions about a property ("Did the grooves
form in a single event?"), where one passage implies yes and the other no; others ask for a description or
a figure the typed reading cannot pick out. Word rules cannot read those; a reader can. So for every source
(document) about the question, one short LLM call shows only that source (its title and best
``reading_max_sentences`` evidence sentences) and asks for its own answer, on one line
(``prompts/source_reading_*.txt``)::

    No [3]            (a yes/no question)
    47,195 [8]        (any other question: words copied from the source, and the sentence they come from)
    not stated

Each source is read alone, so what one source says cannot leak into another's answer, and the system turn is
the same for every call, so llama.cpp's prompt cache serves it. We do not trust the replies, we check them:

* :func:`parse_reading`: a non-yes/no answer must be copied from its own source (``reading_min_copied`` of its
  words occur in the source), say more than the question and be short (a whole sentence copied is no answer); "not stated" and its variants are no answer;
  the cited sentence must be one of the source's own (else the one sharing most words with the answer);
* :func:`corroborated`: a non-yes/no answer is a side only where a second, independent reader (the
  extractive QA model's span or the typed value, ``reading.py``) picks words of it in the same sentence.
  On the dev parts the reader's wrong answers ("Bamako" for "near which town") were its false flags, and
  two readers rarely agree on the same wrong words.

Two checked readings that differ make one :class:`Conflict` with ``basis="reading"``
(:func:`reading_conflicts`): opposite yes/no stances, or two answers :func:`answers_agree` finds different
(not merely incomparable). The pipeline asks the reader only when the typed reading found no conflict.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from rag.answerability import names_another_edition, side_swaps_specific
from rag.conflicts.answers import answers_agree, two_camps
from rag.conflicts.reading import core_words, only_question_words, question_coverage, typed_answer
from rag.conflicts.wording import value_holds
from rag.question import Question
from rag.settings import ConflictSettings
from rag.text import STOPWORDS, content_terms, fold, numbers, stem, title_key, words
from rag.types import Conflict, Evidence, SourceView

LETTERS = string.ascii_uppercase
#: The prompt asks for at most eight words; a reply of more is a copied sentence, not an answer.
MAX_ANSWER_WORDS = 10
# "[4]", "[1, 3]", and the "(4)" a small model sometimes writes instead (one or two digits: "(1998)" is a year)
_CITE = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]|\((\d{1,2})\)")
_NOT_STATED = re.compile(
    r"^\W*(not stated|not mentioned|not given|not said|not specified|no answer|unknown|none|n/?a|"
    r"(it |the source )?does not (say|state|mention|answer)|insufficient evidence)\b",
    re.I,
)
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
_STANCE = re.compile(r"^\W*(yes|no)\b", re.I)


@dataclass(frozen=True)
class SourceGroup:
    """One source (document) as the reader sees it: a letter and its evidence sentences, best first."""

    letter: str
    doc_id: str
    title: str
    evidence: tuple[Evidence, ...]
    close: bool = True  # holds min_coverage of the question's words (not only read for naming its subject)


@dataclass(frozen=True)
class SourceReading:
    """One source's checked answer: ``answer`` is None when it does not answer (or its line failed a check)."""

    group: SourceGroup
    answer: str | None
    stance: str | None  # 'yes' / 'no' for a yes/no question
    evidence: Evidence | None  # the sentence the answer comes from
    raw: str  # the reader's line, for the record


def group_sources(question: str | Question, evidence: list[Evidence], max_sources: int, min_coverage: float,
                  max_sentences: int = 0, named_min_coverage: float = 1.0, same_title: bool = False) -> list[SourceGroup]:
    """The evidence grouped by document, documents in order of their best sentence, at most ``max_sources``, each
    with its ``max_sentences`` best sentences (0: all).

    Only documents about the question count: their title and sentences hold at least ``min_coverage`` of the
    question's content words, or they name every entity the question names and hold ``named_min_coverage`` of
    its words. A source about something else would "answer" a yes/no question with No; but two accounts of one
    subject often word it unlike the question ("the grooves formed in one event" for "did the formation of the
    grooves occur as a single event?"), and the subject's own name says they are about it.

    With ``same_title``, a document that names the question's subject (every entity it names) and has the same
    title as one about the question is read too (after those, while there is room, not ``close``): another version
    of one article or page (an updated story, a revised entry) is another account of the same subject even where
    it words the question's point otherwise. So are two such documents with one title, when fewer than two sources
    are about the question by wording.
    """
    q = asking_part(question)
    order: dict[str, list[Evidence]] = {}
    for e in evidence:
        order.setdefault(e.doc_id, []).append(e)
    groups: list[SourceGroup] = []
    for doc_id, items in order.items():
        items = items[:max_sentences] if max_sentences else items
        text = " ".join([items[0].title, *(e.text for e in items)])
        coverage = question_coverage(q, text)
        close = coverage >= min_coverage
        if not close and (coverage < named_min_coverage or not names_every_entity(q, text)):
            continue
        groups.append(SourceGroup(LETTERS[len(groups)], doc_id, items[0].title, tuple(items), close))
        if len(groups) == max_sources:
            break
    if same_title and len(groups) < max_sources:
        groups = _with_same_title(q, order, groups, max_sources, max_sentences)
    return groups


def asking_part(question: str | Question) -> Question:
    """The question whose words a source must hold to be read: the sentence that asks (:attr:`Question.asking`;
    "Sir Charles D'Oyly, 7th Baronet (1781–1845), was a British public official and painter from Dacca. Was
    Charles D'Oyly married in 1803?" is about a marriage, and a source need not repeat the introduction), or the
    whole question when that sentence names nobody ("Was he married in 1803?")."""
    q = Question.of(question)
    return q.asking if q.asking.entities else q


def _with_same_title(q: Question, order: dict[str, list[Evidence]], groups: list[SourceGroup], max_sources: int,
                     max_sentences: int) -> list[SourceGroup]:
    """``groups`` and, while there is room, the documents that name every entity the question names and share a
    title with a source about it, or, when fewer than two are about it, with another such document."""
    taken = {g.doc_id for g in groups}
    named: dict[str, list[tuple[str, list[Evidence]]]] = {}  # by title: the documents naming the question's subject
    for doc_id, items in order.items():
        items = items[:max_sentences] if max_sentences else items
        key = title_key(items[0].title)
        if key and names_every_entity(q, " ".join([items[0].title, *(e.text for e in items)])):
            named.setdefault(key, []).append((doc_id, items))
    close = {title_key(g.title) for g in groups if g.close}
    wanted = [(d, items) for key in close for d, items in named.get(key, []) if d not in taken]
    if len(groups) + len(wanted) < 2:
        pair = next((docs for docs in named.values() if len(docs) >= 2), [])
        wanted = [(d, items) for d, items in pair if d not in taken]
    out = list(groups)
    for doc_id, items in wanted[: max_sources - len(out)]:
        out.append(SourceGroup(LETTERS[len(out)], doc_id, items[0].title, tuple(items), False))
    return out


def names_every_entity(question: str | Question, text: str) -> bool:
    """True when ``text`` names every entity the question names, as written or written another way ('Darwin' for
    'Charles Darwin', :func:`rag.claims.same_entity`); False when the question names none."""
    from rag.claims import same_entity
    from rag.claims.analysis import analyze

    wanted = Question.of(question).entities
    if not wanted:
        return False
    folded = fold(text)
    found: list[str] | None = None
    for name in wanted:
        if fold(name) in folded:
            continue
        found = found if found is not None else [e.text for e in analyze(text).entities]
        if not any(same_entity(name, other) for other in found):
            return False
    return True


def format_source(group: SourceGroup) -> str:
    """``title`` then ``[n] sentence`` lines, sentences in the order they appear in the article."""
    lines = [f"[{e.key}] {' '.join(e.text.split())}" for e in sorted(group.evidence, key=lambda e: e.start)]
    return "\n".join([" ".join(group.title.split()) or "(untitled)", *lines])


def build_reading_messages(question: str | Question, group: SourceGroup, prompt_dir: str | None = None) -> list[tuple[str, str]]:
    """(role, content) pairs asking for one source's answer; the system turn is the same for every source, so
    llama.cpp's prompt cache serves it after the first call."""
    from rag.prompting import render

    system = render("source_reading_system", prompt_dir)
    user = render("source_reading_user", prompt_dir, question=" ".join(Question.of(question).text.split()), source=format_source(group))
    return [("system", system), ("user", user)]


def asks_yes_no(question: str | Question) -> bool:
    """A yes/no question, not a choice between named alternatives ("Is it a town or a village?")."""
    return Question.of(question).asks_yes_no


def _held(core: list[str], text: str) -> int:
    """How many of the answer's core words ``text`` holds; a number counts when the text gives the same value in
    digits or words (the reader writes '42' for 'forty-two', '11' for 'eleven')."""
    have, values = set(words(text)), numbers(text)
    return sum(w in have or bool((v := numbers(w)) and v <= values) for w in core)


def _copied_share(answer: str, group: SourceGroup) -> float:
    core = core_words(answer)
    if not core:
        return 0.0
    return _held(core, " ".join([group.title, *(e.text for e in group.evidence)])) / len(core)


def _best_sentence(answer: str, group: SourceGroup, cited: list[int]) -> Evidence | None:
    """The sentence the answer comes from: the cited one, unless another sentence of the source holds more of the
    answer's words (the reader cites the sentence next to it now and then); else the one holding most."""
    own = {e.key: e for e in group.evidence}
    core = [w for w in core_words(answer) if w not in ("yes", "no")]
    first_cited = next((own[k] for k in cited if k in own), None)
    if not core:
        return first_cited
    held = {e.key: _held(core, e.text) for e in group.evidence}
    best = max(group.evidence, key=lambda e: held[e.key])
    if first_cited is not None and held[first_cited.key] >= held[best.key]:
        return first_cited
    return best if held[best.key] else first_cited


def parse_reading(reply: str, question: str | Question, group: SourceGroup, min_copied: float) -> SourceReading:
    """The checked reading of one source from the reader's reply (see the module docstring)."""
    q = Question.of(question)
    raw = next((line for line in reply.splitlines() if line.strip()), "")
    cited = [int(k) for pair in _CITE.findall(raw) for k in re.split(r"[,;]", "".join(pair))]
    answer = " ".join(_CITE.sub(" ", raw).split()).strip(" .;,:\"“”'")
    none = SourceReading(group, None, None, None, raw)
    if not answer or _NOT_STATED.match(answer):
        return none
    if q.asks_yes_no:
        m = _STANCE.match(answer)
        if m is None:
            return none
        # the reader saw only this source: a stance citing no sentence of it (or another number) rests on its best one
        sentence = _best_sentence(answer, group, cited) or group.evidence[0]
        stance = _stance_by_value(q, sentence) or fold(m.group(1))
        return SourceReading(group, stance, stance, sentence, raw)
    choice = q.yes_no  # "Is it a town or a village?": the answer is one of the question's alternatives
    chosen = _choice_by_text(q, group) if choice else None
    if chosen is not None:  # the source's own words pick one: the small LLM misreads "a prison, not a penitentiary"
        return SourceReading(group, chosen[0], None, chosen[1], raw)
    if len(words(answer)) > MAX_ANSWER_WORDS:
        return none  # a sentence copied whole, not the answer in it: compared, it would differ from anything
    if (only_question_words(answer, q) and not choice) or _copied_share(answer, group) < min_copied:
        return none  # repeats the question, or is not the source's own words
    return SourceReading(group, answer, None, _best_sentence(answer, group, cited) or group.evidence[0], raw)


# a negation just before an alternative: "not a penitentiary", "rather than the village", "never a town"
_NEGATED_BEFORE = re.compile(r"\b(?:not|never|no|nor|rather\s+than|instead\s+of)\s+(?:[\w-]+\s+){0,2}$")


def _choice_by_text(q: Question, group: SourceGroup) -> tuple[str, Evidence] | None:
    """For a choice question ("Was it a penitentiary or a detention center?"), the one alternative the source's
    sentences name without negating it, with its sentence; None when they name neither or both."""
    found: dict[str, Evidence] = {}
    for e in group.evidence:
        text = fold(e.text)
        for alt in q.alternatives:
            for m in re.finditer(rf"\b{re.escape(fold(alt))}\b", text):
                if not _NEGATED_BEFORE.search(text[max(0, m.start() - 40):m.start()]):
                    found.setdefault(alt, e)
    return next(iter(found.items())) if len(found) == 1 else None


def second_reader(answers) -> dict[int, str] | None:
    """Each evidence sentence's QA span or typed value by evidence key (``SourceAnswer``s from ``Pipeline.prepare``):
    the second reader :func:`corroborated` checks open readings against; None when there are none."""
    return {a.evidence.key: a.text for a in answers} if answers else None


def corroborated(question: str | Question, readings: list[SourceReading], second: dict[int, str] | None) -> list[SourceReading]:
    """The readings that can be sides: every yes/no stance; an answer to another question only where a second
    reader (the extractive QA model's span, or the typed value, in ``second`` by evidence key) picks words of it
    in the same sentence. Without a second reader (``None``) only stances count.

    Two readers that err independently rarely agree on the same wrong words, and a wrong side is a false flag.
    """
    q = Question.of(question)
    out = []
    for r in readings:
        if r.answer is None or r.evidence is None:
            continue
        chosen = _choice_by_text(q, r.group) if q.alternatives else None
        if r.stance is None and not _typed_in_sentence(q, r) and (chosen is None or chosen[0] != r.answer):
            other = (second or {}).get(r.evidence.key)
            if not other or not set(core_words(other)) & set(core_words(r.answer)):
                continue
        context = " ".join([r.group.title, *(e.text for e in r.group.evidence)])
        if side_swaps_specific(q, r.evidence.text, context) is not None:
            continue  # "Foreign Minister X" answers about another office than the "Security Minister" asked
        if names_another_edition(q, context) is not None:
            continue  # the 1920 race's distance answers nothing about the 1927 race
        if r.stance is None and describes_another_noun(q, r.answer, r.evidence.text):
            continue  # "the Algerian regime" gives the regime's nationality, not the drone's
        out.append(r)
    return out


# A nationality or origin written as an adjective: "Algerian", "Turkish", "Chinese", "Israeli", "Arabic", "French"
_DEMONYM = re.compile(r"[A-Z][a-z]+(?:an|ese|ish|i|ic|ch)")
_COPULA = re.compile(r"\b(?:is|was|are|were|be|been|being)\s+(?:(?:a|an|the)\s+)?$", re.I)


def describes_another_noun(question: str | Question, answer: str, sentence: str) -> bool:
    """Whether a one-word nationality answer is written, in every place its sentence has it, as the adjective of a
    noun the question does not ask about ("hostile action from the *Algerian regime*" for "What nationality was
    the drone?"): it then says whose that other thing is. Said of the asked subject ("the *Turkish drone*"), or
    predicated ("it was a *French* design"), it answers.

    Example:
        >>> q = "What nationality was the drone?"
        >>> describes_another_noun(q, "Algerian", "It was downed by the Algerian regime."), describes_another_noun(q, "Turkish", "The Turkish drone fell.")
        (True, False)
    """
    word = answer.strip(" .,;:\"'“”‘’").removeprefix("the ").strip()
    if not _DEMONYM.fullmatch(word):
        return False
    asked = {stem(t) for t in content_terms(Question.of(question).text)}
    hits = list(re.finditer(rf"\b{re.escape(word)}\b", sentence))
    if not hits:
        return False
    for m in hits:
        after = re.match(r"\s+([a-z][a-z-]+)", sentence[m.end():])
        if not after or after.group(1) in STOPWORDS or stem(after.group(1)) in asked:
            return False  # no noun after it, or the noun asked about
        if _COPULA.search(sentence[: m.start()]):
            return False  # "was a French painter": said of the subject
    return True


def _stance_by_value(q: Question, sentence: Evidence) -> str | None:
    """For a yes/no question that proposes a date or a figure, the stance its sentence's own value gives ("played
    in 2021?" / "played on 24 September 2019": no), or None. The rule-based reading of a value beats the small
    LLM's yes, which leans to agreeing with the question."""
    if q.expected_type not in ("date", "quantity"):
        return None
    typed = typed_answer(q, sentence.text)
    holds = value_holds(q, typed[0], until=year_span_end(sentence.text, *typed)) if typed else None
    return None if holds is None else ("yes" if holds else "no")


# the end of a span of years written after its first year: "1802–03", "1802-1803", "1911 – 1946"
_SPAN_END = re.compile(r"\s?[–—-]\s?(\d{4}|\d{2})\b(?![–—-]?\d)")


def year_span_end(sentence: str, text: str, start: int, end: int) -> int | None:
    """The last year of a span of years whose first year is the value ``text`` at ``start:end`` of ``sentence``
    ("in 1802–03": 1803), or None when the value is no year or no span follows it."""
    if not re.fullmatch(r"\d{4}", text.strip()):
        return None
    m = _SPAN_END.match(sentence, end)
    if m is None:
        return None
    first, tail = int(text), m.group(1)
    last = int(tail) if len(tail) == 4 else first - first % 100 + int(tail)
    return last if last > first else None


def _typed_in_sentence(q: Question, r: SourceReading) -> bool:
    """A figure asked for ('how many ...?', 'what distance ...?') that the reader copied from its sentence: a value
    is checked by being there, as the typed reading's own values are, so no second reader is needed."""
    if q.expected_type != "quantity":
        return False  # dates have the typed reading; names and descriptions need the second reader
    values = numbers(r.answer) - {v for _, vs in q.named_numbers for v in vs}  # not the year the question gives
    return bool(values) and values <= numbers(r.evidence.text)


def answer_shape(answer: str, sentence: str) -> str | None:
    """'number', 'name' (every word a proper noun where the source writes it), 'description' (none is), 'mixed'; None
    when the source's casing cannot tell (the words occur only at the start of its sentence, or not at all).

    A name and a description can both be right ("a lion" and "Kimba"; "a Louisiana congressman" and his name),
    so only answers of one shape are compared.
    """
    if numbers(answer):
        return "number"
    proper = []
    for w in (w for w in _TOKEN.findall(answer) if fold(w) not in STOPWORDS):
        seen = [m.group(0) for m in re.finditer(rf"\b{re.escape(w)}\b", sentence, re.I) if m.start() > 0]
        if seen:
            proper.append(any(x[0].isupper() for x in seen))
    if not proper:
        return None
    return "name" if all(proper) else "description" if not any(proper) else "mixed"


def _comparable(a: SourceReading, b: SourceReading, alternatives: tuple[str, ...] = ()) -> bool:
    if a.stance or b.stance or {a.answer, b.answer} <= set(alternatives):
        return True  # two of the question's own alternatives compare, whatever their casing ("Carandiru Penitentiary")
    sa, sb = answer_shape(a.answer, a.evidence.text), answer_shape(b.answer, b.evidence.text)
    return sa is None or sb is None or sa == sb


def _camps(answered: list[SourceReading]) -> list[list[SourceReading]]:
    """Readings grouped by agreement (the same stance, or answers that agree), in order of first appearance."""
    camps: list[list[SourceReading]] = []
    for r in answered:
        for camp in camps:
            lead = camp[0]
            if r.stance == lead.stance if r.stance else answers_agree(r.answer, lead.answer):
                camp.append(r)
                break
        else:
            camps.append([r])
    return camps


def _differs(r: SourceReading, lead: SourceReading, alternatives: tuple[str, ...] = ()) -> bool:
    """Does ``r`` disagree with the leading reading: another stance, or a different answer of the same shape (or
    another of the question's ``alternatives``)?"""
    if lead.stance:
        return r.stance != lead.stance
    return answers_agree(r.answer, lead.answer) is False and _comparable(r, lead, alternatives)


def reading_conflicts(question: str | Question, readings: list[SourceReading], second: dict[int, str] | None = None) -> list[Conflict]:
    """At most one conflict: the first two camps of :func:`corroborated` readings that disagree."""
    camps = _camps(corroborated(question, readings, second))
    if len(camps) < 2:
        return []
    alternatives = Question.of(question).alternatives
    rival = next((c for c in camps[1:] if _differs(c[0], camps[0][0], alternatives)), None)
    if rival is None:
        return []
    return [two_camps(question, [[(r.evidence, r.answer) for r in camp] for camp in (camps[0], rival)],
                      kind="general", score=0.75, basis="reading")]


def reading_views(question: str | Question, readings: list[SourceReading], evidence: list[Evidence],
                  second: dict[int, str] | None = None) -> list[SourceView]:
    """Each article's own answer as the reader gave it (``rag ask --by-source``, the Compare tab).

    Every checked reading is shown with its sentence; camps and ``disagrees`` follow :func:`reading_conflicts`
    (only :func:`corroborated` readings are compared, so a mark means what a flag would). Articles among the
    evidence that were not read, or answered "not stated", are listed with ``answer=None``.
    """
    camps = _camps(corroborated(question, readings, second))
    camp_of = {id(r): i for i, camp in enumerate(camps) for r in camp}
    alternatives = Question.of(question).alternatives
    views: list[SourceView] = []
    for r in readings:
        g = r.group
        if r.answer is None or r.evidence is None:
            continue
        camp = camp_of.get(id(r))
        disagrees = camp not in (None, 0) and _differs(r, camps[0][0], alternatives)
        e = r.evidence
        at = e.text.lower().find(r.answer.lower()) if not r.stance else -1
        views.append(SourceView(doc_id=g.doc_id, source=e.source, title=g.title, answer=r.answer, quote=e,
                                answer_start=e.start + at if at >= 0 else None,
                                answer_end=e.start + at + len(r.answer) if at >= 0 else None,
                                camp=camp, disagrees=disagrees, basis="reading"))
    shown = {v.doc_id for v in views}
    for e in evidence:
        if e.doc_id not in shown:
            shown.add(e.doc_id)
            views.append(SourceView(doc_id=e.doc_id, source=e.source, title=e.title))
    return views


def no_source_answers(readings: list[SourceReading], min_close: int = 1) -> bool:
    """True when every source read replied that it does not answer ("not stated") and at least ``min_close`` of
    them hold the question's wording (``SourceGroup.close``).

    Replies that failed a check do not count as "not stated": the reader found something there. A source read
    only for naming the question's subject is read to find disagreements; that it does not answer says little
    (dev: it refused an answerable bundled question whose answer was in a third article).
    """
    return (bool(readings) and sum(r.group.close for r in readings) >= min_close
            and all(_NOT_STATED.match(r.raw or "") is not None for r in readings))


def read_sources(llm, question: str | Question, evidence: list[Evidence], settings: ConflictSettings,
                 prompt_dir: str | None = None) -> list[SourceReading]:
    """Ask the LLM for each source's answer, one short call per source, and check each (fewer than
    ``reading_min_sources`` sources about the question: no call, no readings)."""
    from llama_index.core.llms import ChatMessage

    from rag.llm import generate

    q = Question.of(question)
    groups = group_sources(q, evidence, settings.reading_max_sources, settings.reading_min_coverage,
                           settings.reading_max_sentences, settings.reading_named_min_coverage,
                           settings.reading_same_title)
    if len(groups) < settings.reading_min_sources:
        return []
    out = []
    for g in groups:
        messages = [ChatMessage(role=r, content=c) for r, c in build_reading_messages(q, g, prompt_dir)]
        gen = generate(llm, messages, max_tokens=settings.reading_max_tokens, stop=["\n"])
        out.append(parse_reading(gen.text, q, g, settings.reading_min_copied))
    return out
