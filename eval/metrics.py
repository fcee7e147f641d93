"""Per-question scores and their aggregates. Every metric is defined in its function's docstring
and in ``eval/README.md``; ``METRICS`` lists them in report order with their direction.

Scores read only the ``Answer`` a system returned (text, citations, evidence, conflicts, timings),
so our pipeline and the llama-index baseline are scored by the same code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
from pydantic import BaseModel, Field

from eval.judge import Judge
from eval.loaders import doc_key
from eval.schema import EvalQuestion, QuestionScores, ResultRecord
from prompts import DISAGREE_PREFIX, EXTRACTIVE_PREFIX
from rag.conflicts.wording import SIDE_FRAMING
from rag.text import TERM_ALIASES, content_terms, fold
from rag.text.numerals import CARDINALS
from rag.types import Answer, Citation

RECALL_KS = (1, 3, 5)
STAGES = ("retrieval", "to_first_token", "first_token", "generation", "verification", "conflicts", "total")

_MARKERS = re.compile(r"\[\d+(?:\s*[,;–-]\s*\d+)*\]")
_NUMBER_WORDS = {w: str(v) for w, v in CARDINALS.items()}  # 'two' -> '2'; ordinals and 'dozen' stay words
_ARTICLES = {"a", "an", "the"}


# -- answer strings ----------------------------------------------------------------------------


def normalize_answer(text: str) -> str:
    """Lowercase, strip accents, citation markers, punctuation and articles; unify number formats.

    '9.5km', '9.5 km' and '9.5 kilometres' all become '9.5 km'; '30,000' becomes '30000';
    'two' becomes '2'. Decimal points between digits and '%' survive.
    """
    t = fold(_MARKERS.sub(" ", text)).replace("’", "'").replace("per cent", "percent")
    t = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", t)  # thousands separators
    t = re.sub(r"(\d)([a-z%])", r"\1 \2", t)  # '9.5km' -> '9.5 km'
    t = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", t)  # full stops, not decimal points
    t = re.sub(r"[^\w\s.%]|_", " ", t)
    tokens = []
    for tok in t.split():
        tok = TERM_ALIASES.get(tok, tok)
        tok = _NUMBER_WORDS.get(tok, tok)
        if tok not in _ARTICLES:
            tokens.append(tok)
    return " ".join(tokens)


def contains_answer(text: str, answers: Iterable[str]) -> bool:
    """True when some answer, normalised, occurs in the normalised text as whole words."""
    hay = f" {normalize_answer(text)} "
    for a in answers:
        needle = normalize_answer(a)
        if needle and f" {needle} " in hay:
            return True
    return False


def answer_correct(q: EvalQuestion, a: Answer) -> bool | None:
    """**Answer correctness**: a gold answer string occurs in the answer text after ``normalize_answer``.

    Defined for answerable questions with ``answers``; an abstention counts as wrong.
    """
    if not q.answerable or not q.answers:
        return None
    return (not a.abstained) and contains_answer(a.answer, q.answers)


def answer_complete(q: EvalQuestion, a: Answer) -> bool | None:
    """**Answer completeness** (multi-part questions): every part of ``answer_parts`` is found."""
    if not q.answerable or not q.answer_parts:
        return None
    return (not a.abstained) and all(contains_answer(a.answer, part) for part in q.answer_parts)


# -- sentences and citations -------------------------------------------------------------------


class CitedSentence(BaseModel):
    """One claim of a final answer and the citation numbers attached to it."""

    text: str = Field(description="Sentence without markers or framing prefixes.")
    cited: list[int] = Field(default_factory=list, description="Citation numbers attached to it.")
    quote: str | None = Field(default=None, description="The quoted words, when the claim is only a quotation "
                                                        "(a side's value, an extractive quote).")


# A claim that is one quotation: “…”, with the full stop the splitter leaves after it.
_WHOLE_QUOTE = re.compile(r"[“\"]([^“”\"]+)[”\"]\s*[.!?]?")


def _norm(text: str) -> str:
    return " ".join(fold(text).lower().replace("’", "'").split())


def quote_found(quote: str, passages: Sequence[str]) -> bool:
    """``quote`` is in the passages word for word (case, spacing and apostrophes aside; not inside a longer word
    or number: "10" is not in "1910")."""
    q = _norm(quote).strip(" .,;:")
    if not q:
        return False
    pattern = (r"(?<!\w)" if q[0].isalnum() else "") + re.escape(q) + (r"(?!\w)" if q[-1].isalnum() else "")
    return any(re.search(pattern, _norm(p)) for p in passages)


def claim_supported(claim: CitedSentence, passages: Sequence[str], judge: Judge, question: str = "") -> bool:
    """The judge's verdict, except for a claim that is only a quotation: that is supported when the passages hold
    it word for word. An entailment model has nothing to read in a bare value ("“1860”" against "She died in 1860
    at the age of 38." is neutral to it), and a quotation is checked best by being found."""
    if claim.quote is not None:
        return quote_found(claim.quote, [p for p in passages if p and p.strip()])
    return judge.supports(claim.text, passages, question)


# A marker after a closing quote or full stop ("... inside Mali.” [2]") belongs to the sentence before it.
_TRAILING = re.compile(r"([.!?]?[”\"’]*)((?:\s*\[\d+(?:\s*[,;–-]\s*\d+)*\])+)")
# "Sources disagree: A “…” [1]; B “…” [2]." lists one claim per side.
_SIDE_BREAK = re.compile(r"(\])\s*;\s+")


def answer_sentences(text: str) -> list[CitedSentence]:
    """Split a final answer into sentences with their citations; framing ('The articles say:') is dropped."""
    from rag.verify import split_draft

    text = _SIDE_BREAK.sub(r"\1. ", text.strip())
    moved = _TRAILING.sub(lambda m: f"{m.group(2)}{m.group(1)}" if m.group(1) else m.group(0), text)
    out = []
    for s in split_draft(moved):
        body = s.text
        for prefix in (EXTRACTIVE_PREFIX, DISAGREE_PREFIX):
            if body.startswith(prefix):
                body = body[len(prefix) :]
        body = SIDE_FRAMING.sub("", body)  # "one source gives “1934” [1]": the claim is the quote
        body = body.strip(" ;,:").lstrip("”’.")
        if content_terms(body):
            whole = _WHOLE_QUOTE.fullmatch(body.strip())
            out.append(CitedSentence(text=body, cited=s.cited, quote=whole.group(1).strip() if whole else None))
    return out


def citation_scores(
    sentences: Sequence[CitedSentence], citations: Sequence[Citation], judge: Judge, question: str = ""
) -> tuple[float | None, float | None, list[bool]]:
    """**Citation recall and precision**, ALCE style (Gao et al. 2023, princeton-nlp/ALCE ``eval.py``).

    Recall: the share of answer sentences supported (judge) by the concatenation of the passages
    they cite; a sentence without citations counts as unsupported.
    Precision: the share of citations that are correct. A citation of a supported sentence is
    *irrelevant* when it alone does not support the sentence AND the sentence stays supported
    without it; every other citation of a supported sentence is correct; citations of unsupported
    sentences are not. Returns (recall, precision, supported per sentence); None when undefined.
    """
    by_n = {c.n: c for c in citations}
    supported: list[bool] = []
    correct = total = 0
    for s in sentences:
        refs = [n for n in dict.fromkeys(s.cited) if n in by_n]
        joint = bool(refs) and claim_supported(s, [by_n[n].text for n in refs], judge, question)
        supported.append(joint)
        total += len(refs)
        if not joint:
            continue
        if len(refs) == 1:
            correct += 1
            continue
        for n in refs:
            if claim_supported(s, [by_n[n].text], judge, question):
                correct += 1
                continue
            rest = [by_n[m].text for m in refs if m != n]
            if not claim_supported(s, rest, judge, question):
                correct += 1  # needed: without it the sentence loses its support
    recall = sum(supported) / len(supported) if supported else None
    precision = correct / total if total else None
    return recall, precision, supported


def faithfulness(sentences: Sequence[CitedSentence], evidence: Sequence[str], judge: Judge, question: str = "") -> float | None:
    """**Faithfulness**: the share of answer sentences supported by any retrieved evidence, cited or not.

    A sentence is supported when one evidence passage, or two read together, support it (judge).
    """
    if not sentences:
        return None
    evidence = [e for e in evidence if e.strip()]
    ok = 0
    for s in sentences:
        if any(claim_supported(s, [e], judge, question) for e in evidence):
            ok += 1
            continue
        pairs = ((evidence[i], evidence[j]) for i in range(len(evidence)) for j in range(i + 1, len(evidence)))
        if any(claim_supported(s, list(p), judge, question) for p in pairs):
            ok += 1
    return ok / len(sentences)


# -- retrieval and conflicts -------------------------------------------------------------------


def ranked_docs(a: Answer) -> list[str]:
    """Distinct evidence documents (source-path stems) in evidence order, best first."""
    return list(dict.fromkeys(doc_key(e.source) for e in a.evidence if e.source))


def retrieval_scores(q: EvalQuestion, docs: Sequence[str]) -> tuple[int | None, dict[str, float]]:
    """**Retrieval recall@k and MRR** against ``gold_docs``.

    recall@k = |gold ∩ first k distinct evidence documents| / |gold|; the reciprocal rank is
    1 / rank of the first gold document (0 when none is retrieved). Defined for answerable
    questions with gold documents. Returns (rank or None, {k: recall}).
    """
    gold = set(q.gold_docs)
    if not gold or not q.answerable:
        return None, {}
    rank = next((i + 1 for i, d in enumerate(docs) if d in gold), None)
    return rank, {str(k): len(gold & set(docs[:k])) / len(gold) for k in RECALL_KS}


def both_sides_cited(q: EvalQuestion, citations: Sequence[Citation]) -> bool | None:
    """**Both sides cited**: the citations cover at least two sides of ``conflict_docs``.

    A citation covers a side when its document is on that side and, if ``conflict_answers`` is
    given, its text contains one of that side's strings. Defined for conflict questions.
    """
    if not q.conflict or len(q.conflict_docs) < 2:
        return None
    covered = 0
    for i, side in enumerate(q.conflict_docs):
        marks = q.conflict_answers[i] if q.conflict_answers else None
        if any(doc_key(c.source) in side and (marks is None or contains_answer(c.text, marks)) for c in citations):
            covered += 1
    return covered >= 2


def both_answers_given(q: EvalQuestion, a: Answer) -> bool | None:
    """**Both answers given**: the answer text itself states the answers of at least two sides.

    Sides are ``conflict_answers`` when given, else each string of ``answers`` (WikiContradict lists one
    answer per side). Defined for conflict questions with two or more sides; an abstention counts as no.
    """
    if not q.conflict:
        return None
    sides = q.conflict_answers or [[x] for x in q.answers]
    if len(sides) < 2:
        return None
    if a.abstained:
        return False
    return sum(1 for side in sides if contains_answer(a.answer, side)) >= 2


# -- one answer ---------------------------------------------------------------------------------


def score_answer(q: EvalQuestion, a: Answer, judge: Judge) -> QuestionScores:
    """All per-question scores of one answer, with the failures spelled out for the report."""
    s = QuestionScores(abstained=a.abstained, conflict_pred=bool(a.conflicts))
    s.correct = answer_correct(q, a)
    s.complete = answer_complete(q, a)
    fails: list[str] = []
    if not a.abstained:
        sents = answer_sentences(a.answer)
        s.sentences = len(sents)
        s.citation_recall, s.citation_precision, supported = citation_scores(sents, a.citations, judge, q.question)
        s.faithfulness = faithfulness(sents, [e.text for e in a.evidence], judge, q.question)
        uncited = sum(1 for x in sents if not x.cited)
        unsupported = sum(1 for x, ok in zip(sents, supported) if x.cited and not ok)
        if uncited:
            fails.append(f"missing citation ({uncited} of {len(sents)} sentences uncited)")
        if unsupported:
            fails.append(f"citation does not support its sentence ({unsupported} of {len(sents)})")
        if s.citation_precision is not None and s.citation_precision < 1 and not unsupported:
            fails.append(f"irrelevant citation (precision {s.citation_precision:.2f})")
        if s.faithfulness is not None and s.faithfulness < 1:
            fails.append(f"sentence not backed by any evidence (faithfulness {s.faithfulness:.2f})")
        if q.gold_docs and q.answerable:
            s.cites_gold = any(doc_key(c.source) in set(q.gold_docs) for c in a.citations)
    s.retrieved_docs = ranked_docs(a)
    s.gold_rank, s.recall_at = retrieval_scores(q, s.retrieved_docs)
    s.both_sides_cited = both_sides_cited(q, [] if a.abstained else a.citations)
    s.both_answers_given = both_answers_given(q, a)

    if q.unanswerable and not a.abstained:
        fails.insert(0, "not abstained on an unanswerable question")
    if q.answerable and a.abstained:
        fails.insert(0, "false abstention")
    elif s.correct is False:
        fails.insert(0, "wrong answer (no gold answer string found)")
    if s.complete is False and not a.abstained:
        fails.append("incomplete answer (a part is missing)")
    if q.gold_docs and q.answerable and s.gold_rank is None:
        fails.append("no gold document retrieved")
    if q.conflict and not s.conflict_pred:
        fails.append("conflict missed")
    if not q.conflict and s.conflict_pred:
        fails.append("conflict flagged where sources agree")
    if s.both_sides_cited is False:
        fails.append("only one side of the conflict cited")
    s.failures = fails
    return s


# -- aggregates ---------------------------------------------------------------------------------


class MetricInfo(BaseModel):
    """A reported metric: key in the metrics dict, label, direction."""

    key: str
    label: str
    higher_is_better: bool = True
    description: str = ""


METRICS: list[MetricInfo] = [
    MetricInfo(key="answer_correctness", label="Answer correctness", description="gold string in answer (answerable)"),
    MetricInfo(key="answer_completeness", label="Answer completeness", description="all parts found (multi-part)"),
    MetricInfo(key="citation_recall", label="Citation recall", description="sentences supported by their citations"),
    MetricInfo(key="citation_precision", label="Citation precision", description="citations that are needed"),
    MetricInfo(key="faithfulness", label="Faithfulness", description="sentences supported by any evidence"),
    MetricInfo(key="cites_gold", label="Cites a gold doc", description="answers citing a gold document"),
    MetricInfo(key="abstention_precision", label="Abstention precision", description="abstentions that were right"),
    MetricInfo(key="abstention_recall", label="Abstention recall", description="unanswerable questions abstained on"),
    MetricInfo(key="false_abstention_rate", label="False abstention rate", higher_is_better=False,
               description="answerable questions abstained on"),
    MetricInfo(key="conflict_precision", label="Conflict precision", description="flagged questions that are conflicts"),
    MetricInfo(key="conflict_recall", label="Conflict recall", description="conflict questions flagged"),
    MetricInfo(key="conflict_f1", label="Conflict F1"),
    MetricInfo(key="both_sides_cited", label="Both sides cited", description="conflict answers citing two sides"),
    MetricInfo(key="both_answers_given", label="Both answers given",
               description="conflict answers stating two sides' answers in the text"),
    *[MetricInfo(key=f"retrieval_recall@{k}", label=f"Retrieval recall@{k}", description="gold docs in top k") for k in RECALL_KS],
    MetricInfo(key="mrr", label="MRR", description="mean reciprocal rank of the first gold doc"),
]


def _mean(values: Iterable[float | bool | None]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    """p50, p95, mean and count of a list of seconds."""
    if not values:
        return {"p50": None, "p95": None, "mean": None, "n": 0}
    arr = np.asarray(values, dtype=float)
    return {"p50": float(np.percentile(arr, 50)), "p95": float(np.percentile(arr, 95)), "mean": float(arr.mean()), "n": len(values)}


def aggregate(records: Sequence[ResultRecord]) -> dict:
    """Aggregate metrics of one system's records; errored questions are counted and left out.

    Abstention treats 'unanswerable' as the positive class: precision = right abstentions / all
    abstentions, recall = abstentions on unanswerable / unanswerable questions, false-abstention
    rate = abstentions on answerable / answerable questions. Conflict detection is scored per
    question: predicted = the answer carries at least one Conflict, gold = ``conflict``.
    """
    ok = [r for r in records if r.answer is not None]
    sc = [(r.question, r.scores) for r in ok]
    out: dict = {
        "answer_correctness": _mean(s.correct for _, s in sc),
        "answer_completeness": _mean(s.complete for _, s in sc),
        "citation_recall": _mean(s.citation_recall for _, s in sc),
        "citation_precision": _mean(s.citation_precision for _, s in sc),
        "faithfulness": _mean(s.faithfulness for _, s in sc),
        "cites_gold": _mean(s.cites_gold for _, s in sc),
    }
    abst_unans = sum(1 for q, s in sc if s.abstained and q.unanswerable)
    abst = sum(1 for _, s in sc if s.abstained)
    unans = sum(1 for q, _ in sc if q.unanswerable)
    answerable = [(q, s) for q, s in sc if q.answerable]
    out["abstention_precision"] = _ratio(abst_unans, abst)
    out["abstention_recall"] = _ratio(abst_unans, unans)
    out["false_abstention_rate"] = _ratio(sum(1 for _, s in answerable if s.abstained), len(answerable))

    tp = sum(1 for q, s in sc if q.conflict and s.conflict_pred)
    fp = sum(1 for q, s in sc if not q.conflict and s.conflict_pred)
    fn = sum(1 for q, s in sc if q.conflict and not s.conflict_pred)
    tn = sum(1 for q, s in sc if not q.conflict and not s.conflict_pred)
    p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    out["conflict_precision"], out["conflict_recall"] = p, r
    out["conflict_f1"] = None if r is None else (2 * p * r / (p + r) if p and r else 0.0)
    out["both_sides_cited"] = _mean(s.both_sides_cited for _, s in sc)
    out["both_answers_given"] = _mean(s.both_answers_given for _, s in sc)

    with_gold = [s for q, s in sc if q.gold_docs and q.answerable]
    for k in RECALL_KS:
        out[f"retrieval_recall@{k}"] = _mean(s.recall_at.get(str(k)) for s in with_gold)
    out["mrr"] = _mean((1.0 / s.gold_rank if s.gold_rank else 0.0) for s in with_gold)

    out["counts"] = {
        "questions": len(records),
        "errors": len(records) - len(ok),
        "answerable": len(answerable),
        "unanswerable": unans,
        "conflict": sum(1 for q, _ in sc if q.conflict),
        "abstained": abst,
    }
    out["conflict_confusion"] = {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    out["latency"] = latency(ok)
    tags = sorted({t for q, _ in sc for t in q.tags})
    out["by_tag"] = {
        t: {
            "n": sum(1 for q, _ in sc if t in q.tags),
            "answer_correctness": _mean(s.correct for q, s in sc if t in q.tags),
            "abstained": _mean(s.abstained for q, s in sc if t in q.tags),
            "citation_recall": _mean(s.citation_recall for q, s in sc if t in q.tags),
        }
        for t in tags
    }
    return out


def latency(records: Sequence[ResultRecord]) -> dict[str, dict[str, float | None]]:
    """**Latency** p50/p95 per stage from ``Answer.timings`` (seconds; first_token, the runtime's
    prefill, and to_first_token, the wait from the question, only when streamed)."""
    out = {}
    for stage in STAGES:
        vals = []
        for r in records:
            t = (r.answer or {}).get("timings") or {}
            v = t.get(stage)
            if v is not None and (stage == "total" or v > 0):
                vals.append(float(v))
        out[stage] = percentiles(vals)
    return out


def ratios(ours: dict, baseline: dict) -> dict[str, float | None]:
    """ours / baseline for every reported metric (None when the baseline is 0 or missing)."""
    out = {}
    for m in METRICS:
        a, b = ours.get(m.key), baseline.get(m.key)
        out[m.key] = (a / b) if (a is not None and b) else None
    return out
