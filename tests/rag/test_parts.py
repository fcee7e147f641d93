"""Multi-part questions are answered part by part (rag/parts.py)."""

import pytest

from rag.parts import merge_answers, split_parts, standalone
from rag.types import Answer, Citation

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "question, parts",
    [
        ("When was the agreement signed, and who brokered it?", ["When was the agreement signed?", "Who brokered it?"]),
        ("Where was the wreckage found? And who found it?", ["Where was the wreckage found?", "Who found it?"]),
        ("How many people died and how many were injured?", ["How many people died?", "How many were injured?"]),
        ("Who won, and by how much?", ["Who won, and by how much?"]),  # 'by how much' is no question on its own
        ("Who brought the drone down?", ["Who brought the drone down?"]),
    ],
)
def test_split_parts(question, parts):
    assert split_parts(question) == parts


def test_a_later_part_with_a_pronoun_carries_the_first_part():
    assert standalone("Who brokered it?", "When was the agreement signed?") == "Who brokered it (the agreement signed)?"
    assert standalone("Who found the drone?", "Where was it?") == "Who found the drone?"


def _cit(n, doc, start):
    return Citation(n=n, doc_id=doc, source=f"/{doc}.txt", title=doc, start=start, end=start + 5, text="x" * 5)


def test_merge_renumbers_citations_and_keeps_the_unanswered_part_said():
    signed = Answer(question="When was it signed?", answer="It was signed in 2015 [1][2].", abstained=False,
                    citations=[_cit(1, "a", 0), _cit(2, "b", 10)], mode="generated")
    broker = Answer(question="Who brokered it?", answer="Algeria brokered it [1][2].", abstained=False,
                    citations=[_cit(1, "b", 10), _cit(2, "c", 20)], mode="generated")
    none = Answer(question="Where?", answer="The articles do not say where.", abstained=True, mode="abstained")
    m = merge_answers("When was it signed, who brokered it, and where?", [signed, broker, none])
    assert not m.abstained and m.mode == "generated"
    assert "It was signed in 2015 [1][2]." in m.answer and "Algeria brokered it [2][3]." in m.answer
    assert "do not say where" in m.answer
    assert [(c.n, c.doc_id) for c in m.citations] == [(1, "a"), (2, "b"), (3, "c")]
    assert merge_answers("Q?", [none, none]).abstained
