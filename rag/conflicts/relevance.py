"""Whether a conflict found among a question's evidence bears on what the question asks."""

from __future__ import annotations

from rag.claims import analyze
from rag.embed import Embedder
from rag.question import Question
from rag.settings import ConflictSettings
from rag.types import Conflict, Evidence


# ---------------------------------------------------------------------------
# Relevance to the question
# ---------------------------------------------------------------------------


# Which conflict kinds can bear on a question that asks for one kind of answer. Negation and general
# conflicts ("whether it happened") bear on any; a place can be disputed as a distance ("2 km inside").
_KINDS_FOR_SLOT = {
    "agent": {"agent", "negation", "general"},
    "quantity": {"quantity", "negation", "general"},
    "date": {"date", "negation", "general"},
    "place": {"quantity", "negation", "general"},
    "name": {"negation", "general"},
}


def asks_one_party(question: str | Question) -> bool:
    """'According to Mali, ...?', 'What did Algeria say ...?': the question asks for one party's own account."""
    return Question.of(question).one_party


def asked_slot(question: str | Question) -> str | None:
    """What kind of answer the question asks for: agent, quantity, date, place, name, or None (why, yes/no...)."""
    return Question.of(question).slot


def _disputes_the_asked_slot(conflict: Conflict, question: Question, slot: str | None) -> bool:
    """True when the conflict disputes exactly the kind of answer asked for, about the asked action.

    A date conflict answers a date question; an agent conflict answers a who-question only when both
    are about the same action ("won", "shot down").
    """
    if slot == "date" and conflict.kind == "date":
        return True
    if slot == "agent" and conflict.kind == "agent":
        asked = {a.key for a in question.claim.actions}
        return bool(asked & {a.key for s in conflict.sides for a in analyze(s.text).actions})
    return False


def bears_on_question(
    conflict: Conflict,
    question: str | Question,
    evidence: list[Evidence],
    embedder: Embedder | None,
    settings: ConflictSettings,
) -> bool:
    """Does this conflict among the evidence bear on what the question asks?

    Evidence retrieved for any question about a disputed event tends to contain that event's
    disputes. A conflict is kept only when:

    1. the question does not ask for one party's own account ("according to Algeria...", "what did
       Mali say..."), which is answerable without taking sides;
    2. the conflict's kind can answer what the question asks (no agent dispute for "which town?");
    3. and either the conflict disputes exactly the asked slot (two dates for "when?", two agents of
       the asked action for "who?"), or a side is among the
       ``question_max_rank`` best evidence sentences and either both camps are (not for agent
       disputes) or the disputed point (the summary's label, e.g. "Who downed the drone") is close
       to the question (``question_min_similarity``, embedding cosine; ``question_min_similarity_open``
       when the question names no answer type, as "What did Mali withdraw from?" or "Why...?").

    Thresholds were set on the bundled eval set's conflict and non-conflict questions (see README).
    """
    q = Question.of(question)
    if q.one_party:
        return False
    slot = q.slot
    if slot and conflict.kind not in _KINDS_FOR_SLOT[slot]:
        return False  # "Near which town was the drone brought down?" does not ask who brought it down
    best: dict[int, int] = {}
    for side in conflict.sides:
        rank = next((i for i, e in enumerate(evidence)
                     if e.doc_id == side.doc_id and e.start <= side.start and side.end <= e.end), len(evidence))
        best[side.camp] = min(best.get(side.camp, rank), rank)
    if len(best) < 2:
        return False
    if _disputes_the_asked_slot(conflict, q, slot):
        # "When was Splatoon 2 released?" against two release dates, "Who won Wimbledon in 2019?" against two
        # winners: the dispute is over the very answer asked for, wherever its sides rank in the evidence
        return True
    if min(best.values()) >= settings.question_max_rank:
        return False
    if conflict.kind != "agent" and max(best.values()) < settings.question_max_rank:
        # both camps are among the very best evidence for the question: the dispute is about what it asks,
        # even when the label is generic ("Disagreement (...)" for a swapped name or figure). Agent disputes
        # are matched by their action above instead ("Who recalled the ambassador?" is not about the downing).
        return True
    if embedder is None:
        return True
    label = conflict.summary.split(":", 1)[0]
    floor = settings.question_min_similarity if slot else max(settings.question_min_similarity,
                                                              settings.question_min_similarity_open)
    return float(embedder.embed_query(q.text) @ embedder.embed_query(label)) >= floor
