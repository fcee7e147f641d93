"""Disagreements without a question (the corpus-wide scan): two documents that date the same thing differently.

Asked a question, the pipeline compares each source's own answer to it (``rag.conflicts.answers``). A scan has no
question, and the claim signals alone, weighted for news, miss most real disagreements between encyclopedic
passages ("Paul McCole was born on 1 February 1972" / "Paul McCole (born 10 February 1972) is …": one shared
topical word, and the NLI model sees no contradiction in two days). So each pair of close sentences from two
documents is asked the question they share, "When <the words both write>?", and answered as the question-focused
path answers: the date beside the question's words (``typed_answer``), compared tolerantly (``answers_agree``:
"1972" and "10 February 1972" agree).

A pair is only asked when both sentences are about one subject and one event:
- they share a name (or their documents have the same title: two accounts of one subject),
- and words besides names, the event ("born", "laid down"): at least one when the titles match, else two.
A sentence that also gives the other's date is not against it ("from 1788 until the early 1790s" twice), and a
weekday alone dates nothing across articles ("on Tuesday" in two articles is two different weeks).
"""

from __future__ import annotations

import numpy as np

from rag.claims import analyze
from rag.conflicts.answers import answers_agree, two_camps
from rag.conflicts.reading import typed_answer
from rag.embed import Embedder
from rag.question import Question
from rag.text import content_terms, numbers, proper_names
from rag.text.months import MONTHS
from rag.text.tokens import tokenize
from rag.types import Conflict, Evidence


def _dates(text: str) -> list[str]:
    """The dates a sentence gives (a weekday alone is no date across articles), bare years included."""
    c = analyze(text)
    out = [d.text for d in c.dates if d.text and (d.year is not None or d.month is not None)]
    return out + [x.text for x in c.quantities if 1000 <= x.value <= 2100 and float(x.value).is_integer()]


def _name_stems(text: str) -> set[str]:
    return set(content_terms(" ".join(proper_names(text))))


def shared_question(a: Evidence, b: Evidence) -> Question | None:
    """'When <the words a and b both write>?' when they are about one subject and one event (module docstring),
    in a's wording and order; None otherwise."""
    terms_b = set(content_terms(b.text))
    names = _name_stems(a.text) | _name_stems(b.text)
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
    shared_stems = {content_terms(w)[0] for w in shared}
    event = shared_stems - names
    same_title = bool(a.title.strip()) and a.title.strip().lower() == b.title.strip().lower()
    if len(event) < (1 if same_title else 2) or not (same_title or shared_stems & names):
        return None
    return Question.parse("When " + " ".join(shared) + "?")


def implicit_date_conflicts(evidence: list[Evidence], embedder: Embedder, floor: float) -> list[Conflict]:
    """Conflicts between sentences of two documents that date what they share differently (module docstring).

    Pairs of dated sentences below cosine ``floor`` (``embedder``'s vectors) are not asked. Each conflict's score
    is the pair's similarity: how surely the two sentences speak of one thing.
    """
    dated = [e for e in evidence if _dates(e.text)]
    if len(dated) < 2:
        return []
    vectors = np.asarray(embedder.embed_documents([e.text for e in dated]), dtype=np.float32)
    out: list[Conflict] = []
    for i in range(len(dated)):
        for j in range(i + 1, len(dated)):
            a, b = dated[i], dated[j]
            sim = float(vectors[i] @ vectors[j])
            if a.doc_id == b.doc_id or sim < floor:
                continue
            q = shared_question(a, b)
            if q is None:
                continue
            xa, xb = typed_answer(q, a.text), typed_answer(q, b.text)
            if xa is None or xb is None or answers_agree(xa[0], xb[0]) is not False:
                continue
            if any(answers_agree(xa[0], d) for d in _dates(b.text)) or any(answers_agree(xb[0], d) for d in _dates(a.text)):
                continue  # each also gives the other's date: a range or two events, not two accounts
            out.append(two_camps(q, [[(a, xa[0])], [(b, xb[0])]], kind="date", score=round(sim, 4), basis="answers"))
    return out
