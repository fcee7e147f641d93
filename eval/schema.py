"""The eval-set schema (one JSON object per line) and the records a run writes.

A question line, all fields but ``id`` and ``question`` optional::

    {"id": "c01", "question": "Who brought down the Malian drone?",
     "answers": ["Algeria", "Azawad Liberation Front"],
     "gold_docs": ["001_4455a967edf0368c", "002_e5c3da72b4c04901"],
     "conflict": true,
     "conflict_docs": [["001_4455a967edf0368c"], ["002_e5c3da72b4c04901"]],
     "conflict_answers": [["Algeria"], ["Azawad Liberation Front"]],
     "unanswerable": false, "tags": ["conflict"],
     "note": "[001_4455a967edf0368c] ... shot down near Tinzaoutin. | [002_e5c3da72b4c04901] ... || comment"}

Document ids are file stems (``corpus/001_4455a967edf0368c.txt`` -> ``001_4455a967edf0368c``);
answers are matched to them through the ``source`` path of their citations and evidence.
The files in ``../shared/bench/*/questions.jsonl`` follow this schema as they are (their
``conflict_docs`` is a flat list; see ``EvalQuestion.conflict_docs``).
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

System = Literal["ours", "baseline"]
#: A note that opens with a set's name and the day the question was asked ("RealTimeQA 2023/01/05 CNN news quiz").
_DATED_NOTE = re.compile(r"^[A-Za-z][\w.-]*(?: [\w.-]+){0,2}? (\d{4})/(\d{2})/(\d{2})\b")


class EvalQuestion(BaseModel):
    """One question of an eval set.

    Example:
        >>> q = EvalQuestion(id="s01", question="Who is Mali's Security Minister?", answers=["Mohammedine"])
        >>> q.answerable
        True
    """

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="Unique id within the set (numbers are accepted and turned into strings).")
    question: str = Field(min_length=1, description="The question as a user would ask it.")
    answers: list[str] = Field(default_factory=list, description="Acceptable answer strings; any one found counts.")
    answer_parts: list[list[str]] = Field(
        default_factory=list,
        description="For multi-part questions: every part (a list of alternatives) must be found for 'complete'.",
    )
    gold_docs: list[str] = Field(default_factory=list, description="Ids (file stems) of documents that support an answer.")
    conflict: bool = Field(default=False, description="True when the documents disagree about the answer.")
    conflict_docs: list[list[str]] = Field(
        default_factory=list,
        description=(
            "Document ids on each side of the disagreement, one list per side. A flat list is accepted: "
            "it is split into [docs in gold_docs, the others] (the RGB convention: true vs counterfactual), "
            "or into one side per document when that leaves a side empty."
        ),
    )
    conflict_answers: list[list[str]] = Field(
        default_factory=list,
        description=(
            "Optional, parallel to conflict_docs: strings that mark each side's claim. A citation counts "
            "for a side only if it comes from that side's documents and its text contains one of them "
            "(needed when both sides are in the same article)."
        ),
    )
    unanswerable: bool = Field(default=False, description="True when the corpus does not hold the answer.")
    tags: list[str] = Field(default_factory=list, description="Categories for the report, e.g. single, conflict.")
    note: str = Field(default="", description="Supporting quotes '[doc] sentence | [doc] sentence || comment'.")
    asked_at: datetime.date | None = Field(
        default=None,
        description="The day the question was asked (ISO date): the system answers as of that day. Read from a note "
        "that opens with the set's name and a date ('RealTimeQA 2023/01/05 CNN news quiz') when not given.",
    )

    @field_validator("id", mode="before")
    @classmethod
    def _id_to_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v

    @model_validator(mode="before")
    @classmethod
    def _sides(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        dated = _DATED_NOTE.match(str(data.get("note") or ""))
        if dated and not data.get("asked_at"):
            data = {**data, "asked_at": "-".join(dated.groups())}
        docs = data.get("conflict_docs")
        if isinstance(docs, list) and docs and all(isinstance(d, str) for d in docs):
            gold = set(data.get("gold_docs") or [])
            inside = [d for d in docs if d in gold]
            outside = [d for d in docs if d not in gold]
            data = {**data, "conflict_docs": [inside, outside] if inside and outside else [[d] for d in docs]}
        return data

    @model_validator(mode="after")
    def _check(self) -> EvalQuestion:
        if self.conflict_answers and len(self.conflict_answers) != len(self.conflict_docs):
            raise ValueError(
                f"conflict_answers has {len(self.conflict_answers)} sides but conflict_docs has "
                f"{len(self.conflict_docs)}; give one list per side"
            )
        return self

    @property
    def answerable(self) -> bool:
        """True unless the question is marked unanswerable."""
        return not self.unanswerable


class QuestionScores(BaseModel):
    """Scores of one answer to one question (``None`` = not applicable). Definitions in ``eval/metrics.py``."""

    correct: bool | None = Field(default=None, description="A gold answer string occurs in the answer.")
    complete: bool | None = Field(default=None, description="Every answer part occurs (multi-part questions).")
    abstained: bool = Field(default=False, description="The system declined to answer.")
    sentences: int = Field(default=0, description="Answer sentences scored for citations.")
    citation_recall: float | None = Field(default=None, description="ALCE citation recall of this answer.")
    citation_precision: float | None = Field(default=None, description="ALCE citation precision of this answer.")
    faithfulness: float | None = Field(default=None, description="Share of sentences supported by any evidence.")
    cites_gold: bool | None = Field(default=None, description="A citation points into a gold document.")
    retrieved_docs: list[str] = Field(default_factory=list, description="Evidence documents (stems), best first.")
    gold_rank: int | None = Field(default=None, description="1-based rank of the first gold document, None if absent.")
    recall_at: dict[str, float] = Field(default_factory=dict, description="Retrieval recall@k by k ('1','3','5').")
    conflict_pred: bool = Field(default=False, description="The answer reported a conflict.")
    both_sides_cited: bool | None = Field(default=None, description="Citations cover at least two conflict sides.")
    both_answers_given: bool | None = Field(
        default=None, description="The answer text states the answers of at least two conflict sides."
    )
    failures: list[str] = Field(default_factory=list, description="What went wrong, in words.")


class ResultRecord(BaseModel):
    """One line of ``results.jsonl``: a question, one system's full answer, and its scores."""

    id: str = Field(description="Question id.")
    system: System = Field(description="'ours' (the Corroborate pipeline) or 'baseline' (llama-index).")
    question: EvalQuestion = Field(description="The question with its gold data.")
    answer: dict | None = Field(default=None, description="Answer.model_dump(), None when the system failed.")
    scores: QuestionScores = Field(default_factory=QuestionScores, description="Scores of the answer.")
    error: str | None = Field(default=None, description="Error message when the system failed on the question.")
    judge: str = Field(default="", description="Entailment judge used for the citation scores.")
    seconds: float = Field(default=0.0, description="Wall time for this question and system.")


class EvalRun(BaseModel):
    """What ``run_eval`` returns: aggregate metrics and where the files are.

    Example:
        >>> run = run_eval(Path("eval/sets/bundled.jsonl"), settings, Path("/tmp/run"), corpus=Path("corpus"))
        >>> run.metrics["ours"]["answer_correctness"], run.report_html
    """

    run_dir: str = Field(description="Folder holding results.jsonl, run.json, metrics.json and the reports.")
    set_name: str = Field(description="Name of the question set.")
    n_questions: int = Field(description="Questions in this run (after --sample/--limit).")
    systems: list[System] = Field(description="Systems evaluated.")
    metrics: dict[str, dict[str, Any]] = Field(description="Aggregate metrics by system (see eval/metrics.py).")
    ratios: dict[str, float | None] = Field(default_factory=dict, description="ours / baseline per metric.")
    config_hash: str = Field(description="Settings.config_hash() of the evaluated configuration.")
    judge: str = Field(description="Entailment judge used for citation metrics.")
    errors: int = Field(default=0, description="Questions on which a system raised an error.")
    report_md: str = Field(description="Path of report.md.")
    report_html: str = Field(description="Path of report.html.")
