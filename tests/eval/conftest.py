"""Fakes shared by the eval tests: a set-based judge and hand-made answers and records."""

from __future__ import annotations

import pytest

from eval.schema import EvalQuestion, QuestionScores, ResultRecord
from rag.types import Answer, Citation, Evidence, Timings


class KeywordJudge:
    """Supports a hypothesis when every word of it (lowercased, 3+ letters) occurs in the joined premises."""

    name = "fake:keyword"

    def __init__(self):
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def supports(self, hypothesis, premises, question=""):
        self.calls.append((hypothesis, tuple(premises)))
        if not premises:
            return False
        hay = " ".join(premises).lower()
        words = [w.strip(".,;:“”\"'") for w in hypothesis.lower().split()]
        return all(w in hay for w in words if len(w) >= 3)


@pytest.fixture
def judge():
    return KeywordJudge()


def cite(n: int, text: str, source: str = "/c/001_a.txt", start: int = 0) -> Citation:
    return Citation(n=n, doc_id=f"id-{source}", source=source, title="T", start=start, end=start + len(text), text=text)


def evidence(key: int, text: str, source: str = "/c/001_a.txt") -> Evidence:
    return Evidence(key=key, doc_id=f"id-{source}", source=source, title="T", start=0, end=len(text), text=text)


def make_answer(text: str, citations=(), evidence_items=(), abstained=False, conflicts=(), total=1.0, **kw) -> Answer:
    return Answer(question="q?", answer=text, abstained=abstained, citations=list(citations),
                  evidence=list(evidence_items), conflicts=list(conflicts),
                  mode="abstained" if abstained else "generated", timings=Timings(total=total, retrieval=0.1, generation=total - 0.1), **kw)


def make_record(q: EvalQuestion, answer: Answer | None, scores: QuestionScores | None = None, system="ours", error=None) -> ResultRecord:
    return ResultRecord(id=q.id, system=system, question=q, answer=answer.model_dump(mode="json") if answer else None,
                        scores=scores or QuestionScores(), error=error, judge="fake:keyword")
