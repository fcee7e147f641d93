"""Disagreements without a question (the corpus-wide scan): two accounts of one subject that date, count or
measure the same thing differently.

Asked a question, the pipeline compares each source's own answer to it (``rag.conflicts.answers``). A scan has no
question, and the claim signals alone, weighted for news, miss most real disagreements between two accounts of one
subject ("Paul McCole was born on 1 February 1972" / "Paul McCole (born 10 February 1972) is …": one shared
topical word, and the NLI model sees no contradiction in two days). So each pair of close sentences from two
documents is asked the question they share, "When <the words both write>?" (or "How many …?", "How much speed
…?"), and answered as the question-focused path answers: the date or figure beside the question's words
(``typed_answer``), compared tolerantly (``answers_agree``: "1972" agrees with "10 February 1972", "65 km/h"
with "40 mph").

Which pairs are asked, and why so few:
- Only sentences of two documents with the same title: two accounts of one subject (two copies or versions of
  one story, two passages of one encyclopedia article). Across news articles with other headlines, the same
  words with another month are mostly another month's figures ("house prices fell 0.4% in October" / "0.2% in
  December"): over the 2,225 BBC articles, pairs of other titles gave 9 such "conflicts" at cosine 0.8 and
  hundreds below it, for two real ones.
- They share an event told in common words (lower case, not part of a name): "born", "laid down".
- A value the other document also states anywhere is not against it (two statements of one account, or a range
  told twice); a weekday alone dates nothing ("on Tuesday" in two articles is two different weeks); two figures
  must count the same thing ("7 wounded" is no rival to "47 prisoners").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.claims import analyze
from rag.conflicts.answers import answers_agree, two_camps
from rag.conflicts.reading import typed_answer
from rag.embed import Embedder
from rag.question import Question
from rag.text import STOPWORDS, content_terms, numbers, proper_names, stem, title_key
from rag.text.numerals import CARDINALS
from rag.text.months import MONTHS
from rag.text.tokens import tokenize
from rag.types import Conflict, Evidence


def _dates(text: str) -> list[str]:
    """The dates a sentence gives (a weekday alone is no date across articles), bare years included."""
    c = analyze(text)
    out = [d.text for d in c.dates if d.text and (d.year is not None or d.month is not None)]
    return out + [x.text for x in c.quantities if 1000 <= x.value <= 2100 and float(x.value).is_integer()]


# The question that asks a measured figure: "how much speed ...?" is answered by a speed, not the count beside it.
_ASK = {"length": "How much distance", "speed": "How much speed", "mass": "How much weight", "area": "How much area"}


def _figures(text: str) -> list[tuple[str, str]]:
    """The figures a sentence gives, as (text, dimension); years are dates, not figures."""
    return [(x.text, x.dimension) for x in analyze(text).quantities
            if not (x.dimension == "count" and 1000 <= x.value <= 2100 and float(x.value).is_integer())]


def _name_stems(text: str) -> set[str]:
    return set(content_terms(" ".join(proper_names(text))))


def shared_question(a: Evidence, b: Evidence, ask: str = "When") -> Question | None:
    """'When <the words a and b both write>?' (or another ``ask``: 'How many', 'How much speed') when they are two
    accounts of one subject and one event (module docstring), in a's wording and order; None otherwise."""
    if not title_key(a.title) or title_key(a.title) != title_key(b.title):
        return None
    terms_b = set(content_terms(b.text))
    shared: list[str] = []
    seen: set[str] = set()
    for t in tokenize(a.text):
        if not t.is_word:
            continue
        stems = content_terms(t.text)
        if not stems or stems[0] in seen or stems[0] not in terms_b or numbers(t.text) or t.low in MONTHS:
            continue
        seen.add(stems[0])
        shared.append(t.text)
    # the event is told in common words: written in lower case, not a name or a fragment of one
    names = _name_stems(a.text) | _name_stems(b.text)
    if not {content_terms(w)[0] for w in shared if w[:1].islower() and len(w) >= 3} - names:
        return None
    return Question.parse(f"{ask} " + " ".join(shared) + "?")


@dataclass(frozen=True)
class _Valued:
    """A sentence with the dates and figures it gives, read once."""

    ev: Evidence
    dates: list[str]
    figures: list[tuple[str, str]]


def shared_question_conflicts(evidence: list[Evidence], embedder: Embedder, floor: float,
                              figures: bool = True, limit: int = 20_000) -> list[Conflict]:
    """Conflicts between sentences of two documents with the same title that date (or, with ``figures``, count or
    measure) what they share differently (module docstring).

    Only pairs at cosine ``floor`` or above (``embedder``'s vectors) are asked, at most ``limit`` of them, the
    closest first. Each conflict's score is the pair's similarity: how surely the two sentences speak of one thing.
    """
    valued = [v for v in (_Valued(e, _dates(e.text), _figures(e.text) if figures else []) for e in evidence)
              if v.dates or v.figures]
    stated: dict[str, list[str]] = {}  # every value each document states, in any sentence
    for v in valued:
        stated.setdefault(v.ev.doc_id, []).extend([*v.dates, *(t for t, _ in v.figures)])
    out: list[Conflict] = []
    for sim, a, b in _close_pairs(valued, embedder, floor, limit):
        found = _date_conflict(a, b) or _figure_conflict(a, b)
        if found is not None:
            q, xa, xb, kind = found
            if any(_states(xa, v) for v in stated[b.ev.doc_id]) or any(_states(xb, v) for v in stated[a.ev.doc_id]):
                continue  # the other document states this value too: two statements of one account, not two accounts
            out.append(two_camps(q, [[(a.ev, xa)], [(b.ev, xb)]], kind=kind, score=round(sim, 4), basis="answers"))
    return out


def _close_pairs(sentences: list[_Valued], embedder: Embedder, floor: float, limit: int,
                 block: int = 512) -> list[tuple[float, _Valued, _Valued]]:
    """(similarity, a, b) for sentences of two documents with the same title at ``floor`` or above, the closest
    ``limit`` first. Only sentences whose title another document shares are embedded, and similarities are
    computed within each title a block of rows at a time, so a large store never holds a whole matrix."""
    groups: dict[str, list[_Valued]] = {}
    for v in sentences:
        if title_key(v.ev.title):
            groups.setdefault(title_key(v.ev.title), []).append(v)
    groups = {k: g for k, g in groups.items() if len({v.ev.doc_id for v in g}) >= 2}
    pairs: list[tuple[float, int, _Valued, _Valued]] = []
    for group in groups.values():
        vecs = np.asarray(embedder.embed_documents([v.ev.text for v in group]), dtype=np.float32)
        for lo in range(0, len(group), block):
            sims = vecs[lo : lo + block] @ vecs.T
            rows, cols = np.nonzero(sims >= floor)
            for r, c in zip(rows.tolist(), cols.tolist()):
                a, b = group[lo + r], group[c]
                if c > lo + r and a.ev.doc_id != b.ev.doc_id:
                    pairs.append((float(sims[r, c]), a.ev.key, a, b))
    pairs.sort(key=lambda x: (-x[0], x[1], x[3].ev.key))
    return [(sim, a, b) for sim, _, a, b in pairs[:limit]]


def _date_conflict(a: _Valued, b: _Valued) -> tuple[Question, str, str, str] | None:
    if not (a.dates and b.dates):
        return None
    return _answered_differently(shared_question(a.ev, b.ev), a.ev, b.ev, a.dates, b.dates, "date")


def _figure_conflict(a: _Valued, b: _Valued) -> tuple[Question, str, str, str] | None:
    for dim in dict.fromkeys(d for _, d in a.figures):
        values_b = [t for t, d in b.figures if d == dim]
        if not values_b:
            continue
        q = shared_question(a.ev, b.ev, _ASK.get(dim, "How many"))
        found = _answered_differently(q, a.ev, b.ev, [t for t, d in a.figures if d == dim], values_b, "quantity")
        if found is not None:
            return found
    return None


def _answered_differently(q: Question | None, a: Evidence, b: Evidence, values_a: list[str], values_b: list[str],
                          kind: str) -> tuple[Question, str, str, str] | None:
    if q is None:
        return None
    xa, xb = typed_answer(q, a.text), typed_answer(q, b.text)
    if xa is None or xb is None or answers_agree(xa[0], xb[0]) is not False:
        return None
    if any(answers_agree(xa[0], v) for v in values_b) or any(answers_agree(xb[0], v) for v in values_a):
        return None  # each also gives the other's value: a range or two events, not two accounts
    if kind == "quantity" and not _same_thing_counted(xa[0], xb[0]):
        return None  # "7 wounded" and "47 prisoners" count different things
    return q, xa[0], xb[0], kind


def _states(answer: str, value: str) -> bool:
    """Whether a value a document gives ('28 separate spyware programs') states an answer read elsewhere ('28'): they
    agree as answers, or the answer's figure is in it and counts the same thing (the typed reading trims a figure
    to its number and counted words, where the document's value keeps what follows)."""
    if answers_agree(answer, value):
        return True
    figure = numbers(answer)
    return bool(figure) and figure <= numbers(value) and _same_thing_counted(answer, value)


def _same_thing_counted(x: str, y: str) -> bool:
    """Two figures count or measure the same thing: a shared word besides the number ("50 wounded", "17 wounded"),
    or neither has one ("65 km/h", "62 km/h": the dimension was matched already)."""
    wx, wy = _counted_words(x), _counted_words(y)
    return bool(wx & wy) or not (wx and wy)


def _counted_words(figure: str) -> set[str]:
    return {stem(w) for w in re.findall(r"[^\W\d_]+", figure.lower()) if w not in CARDINALS and w not in STOPWORDS}
