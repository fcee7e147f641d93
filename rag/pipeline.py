"""The question-answering pipeline: retrieve -> select evidence -> generate -> verify -> conflicts.

``Pipeline`` holds the loaded models so a batch, an eval run or the web app loads them once.
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass, field
from collections.abc import Callable, Mapping

from prompts import DISAGREE_PREFIX
from rag.answerability import (
    answered_elsewhere,
    answers_another_question,
    best_answer,
    can_answer,
    declines,
    delivers_answer_type,
    known_words,
    missing_specifics,
    missing_year,
    refusal_probability,
)
from rag.answer import (
    Numbering,
    abstain_text,
    assemble,
    build_messages,
    extractive,
    invented_specifics,
    is_cannot_answer,
)
from rag.embed import Embedder, get_embedder
from rag.errors import InputError
from rag.evidence import EvidenceSet, select_evidence
from rag.question import Question
from rag.retrieve import Retriever
from rag.settings import Settings
from rag.store import Store, get_store
from rag.term_weights import StoreTermWeights
from rag.types import Answer, Conflict, Evidence, ScoredChunk, SourceView, Timings
from rag.verify import CITATION_GROUP, Checked, parse_keys, verify_draft

MAX_QUESTION_CHARS = 2000
#: First-token alternatives asked of the runtime for answerability.llm_refusal (enough to hold the refusal's start).
REFUSAL_ALTERNATIVES = 10


@dataclass
class Prepared:
    """What :meth:`Pipeline.prepare` found before any LLM call."""

    chunks: list[ScoredChunk]
    evidence: EvidenceSet
    answers: list  # rag.conflicts.answers.SourceAnswer, one per evidence sentence the QA model read
    abstain_reason: str | None
    # evidence keys whose sentence the QA model reads as answering; None when the QA test is off
    answering: set[int] | None = None
    # the abstention rests on the QA margin alone, which sources the reader finds answering differently override
    margin_only: bool = False
    # evidence key -> why its sentence answers another question (a negation, an opposite, a swapped specific)
    off_question: dict[int, str] = field(default_factory=dict)


class Pipeline:
    """Answers questions over the store with verified citations.

    Example:
        >>> p = Pipeline(get_settings())
        >>> a = p.ask("Where was the wreckage found according to Mali?")
        >>> a.answer, [c.source for c in a.citations]
    """

    def __init__(
        self,
        settings: Settings,
        store: Store | None = None,
        embedder: Embedder | None = None,
        llm=None,
        nli=None,
        verify_nli=None,
        qa=None,
    ):
        self.settings = settings
        self.store = store or get_store(settings)
        self.embedder = embedder or get_embedder(settings)
        self.retriever = Retriever(settings, self.store, self.embedder)
        self._llm = llm
        self._nli = nli
        self._nli_loaded = nli is not None
        self._verify_nli = verify_nli
        self._qa = qa
        self._lock = threading.Lock()
        self._term_weights = StoreTermWeights()

    @property
    def llm(self):
        """The llama-index LLM, loaded on first use."""
        with self._lock:
            if self._llm is None:
                from rag.llm import get_llm

                self._llm = get_llm(self.settings)
            return self._llm

    @property
    def nli(self):
        """The optional NLI model for contradiction scoring, loaded on first use."""
        with self._lock:
            if not self._nli_loaded:
                from rag.nli import get_nli

                self._nli = get_nli(self.settings.conflicts.nli, self.settings)
                self._nli_loaded = True
            return self._nli

    @property
    def qa(self):
        """The extractive QA model (answerability and per-source answers), loaded on first use; None when off."""
        cfg = self.settings
        if not (cfg.answerability.qa or (cfg.conflicts.answers and cfg.conflicts.answer_min_margin is not None)):
            return None  # typed answers (dates, numbers, names) need no model
        with self._lock:
            if self._qa is None:
                from rag.qa import ExtractiveQA

                self._qa = ExtractiveQA(cfg.answerability.qa_model)
            return self._qa

    def source_answers(self, question: str | Question, chunks: list[ScoredChunk], evidence: list[Evidence]):
        """Each evidence sentence's own answer to the question (``rag.conflicts.answers``); [] when the QA model is off."""
        if not evidence or (self.qa is None and not self.settings.conflicts.answers):
            return []
        from rag.conflicts.reading import source_answers

        by_id = {sc.chunk.chunk_id: sc.chunk for sc in chunks}

        def before(e: Evidence) -> str:
            chunk = by_id.get(e.chunk_id or "")
            if chunk is None:
                return ""
            prev = [s for s in chunk.sentences if s.end <= e.start]
            if not prev:
                return ""
            s = prev[-1]
            return chunk.text[s.start - chunk.start : s.end - chunk.start]

        return source_answers(Question.of(question), evidence, before, self.qa)

    @property
    def verify_nli(self):
        """The NLI model answer verification uses (``verify.nli``), loaded on first use; None when 'none'."""
        from rag.nli import get_nli

        with self._lock:
            if self._verify_nli is None and self.settings.verify.nli != "none":
                self._verify_nli = get_nli(self.settings.verify.nli, self.settings)
            return self._verify_nli

    def warm_up(self) -> None:
        """Load every model now (the web app and batch mode call this once)."""
        self.embedder.embed_query("warm up")
        _ = self.llm
        for model in (self.nli, self.verify_nli, self.qa):
            if model is not None and hasattr(model, "warm_up"):
                model.warm_up()
        from rag.text.sentences import split_sentences

        split_sentences("Warm up. Done.")

    # -- stages ----------------------------------------------------------------
    def gather(self, question: str | Question) -> tuple[list[ScoredChunk], EvidenceSet]:
        """Retrieval and evidence selection."""
        q = Question.of(question)
        cfg = self.settings.retrieval
        chunks = self.retriever.retrieve(q)
        ev = select_evidence(
            q, chunks, self.store, self.embedder, cfg.evidence_sentences, cfg.max_sentences_per_doc,
            stored_vectors=cfg.stored_sentence_vectors, focus_weight=cfg.focus_weight,
            recent_days=cfg.recent_days, recent_weight=cfg.recent_weight,
        )
        return chunks, ev

    def detect_conflicts(self, question: str | Question, evidence: list[Evidence]) -> list[Conflict]:
        """Contradictions among the evidence (empty when disabled)."""
        if not self.settings.conflicts.enabled or not evidence:
            return []
        from rag.conflicts import bears_on_question, find_conflicts

        q = Question.of(question)
        cfg = self.settings.conflicts
        found = find_conflicts(evidence, cfg, embedder=self.embedder, nli=self.nli, question=q.text)
        return [c for c in found if bears_on_question(c, q, evidence, self.embedder, cfg)]

    def answer_conflicts(self, question: str | Question, answers) -> list[Conflict]:
        """Sources that give different answers to the question (``rag.conflicts.answers``); [] when off."""
        cfg = self.settings.conflicts
        if not (cfg.enabled and cfg.answers) or not answers:
            return []
        from rag.conflicts.answers import answer_conflicts

        q = Question.of(question)
        if q.one_party:
            return []  # "According to Mali, ...?" asks for one side's account
        return answer_conflicts(q, answers, cfg, self.term_weights())

    def term_weights(self) -> Mapping[str, float] | None:
        """How rare each content word is among the stored chunks (``rag/term_weights.py``), for the sides' coverage;
        None when ``conflicts.answer_min_weighted_coverage`` is off."""
        if self.settings.conflicts.answer_min_weighted_coverage is None:
            return None
        return self._term_weights.of(self.store)

    def read_sources(self, question: str | Question, evidence: list[Evidence]):
        """Each source's own answer as the LLM reads it (``rag/conflicts/source_reading.py``), checked against the
        source: one short call per source about the question, at most ``conflicts.reading_max_sources``; no call
        when fewer than two sources are about the question, or when neither the reading conflicts nor the
        reader's abstention is on."""
        cfg = self.settings
        if not ((cfg.conflicts.enabled and cfg.conflicts.reading) or cfg.answerability.reader) or not evidence:
            return []
        from rag.conflicts.source_reading import read_sources

        return read_sources(self.llm, Question.of(question), evidence, cfg.conflicts)

    def reading_conflicts(self, question: str | Question, readings, answers=()) -> list[Conflict]:
        """Sources whose readings differ (``rag/conflicts/source_reading.py``); [] when off.

        ``answers`` (each sentence's QA span or typed value, from :meth:`prepare`) is the second reader an
        answer to a non-yes/no question must agree with; without them only yes/no stances are compared.
        """
        cfg = self.settings.conflicts
        if not (cfg.enabled and cfg.reading) or not readings:
            return []
        from rag.conflicts.source_reading import reading_conflicts, second_reader

        q = Question.of(question)
        if q.one_party:
            return []  # "According to Mali, ...?" asks for one side's account
        return reading_conflicts(q, readings, second_reader(answers))

    def by_source(self, question: str | Question, prepared: Prepared | None = None) -> list[SourceView]:
        """Each article's own answer to the question, marking the ones that disagree: the typed values and QA
        spans when two or more articles give one (no LLM call), else the LLM reader's answer per article.

        ``prepared`` reuses a :meth:`prepare` already run for this question instead of retrieving again.
        """
        from rag.conflicts.answers import per_source

        q = Question.of(question)
        pre = prepared or self.prepare(q)
        views = per_source(q, pre.answers, self.settings.conflicts, self.term_weights())
        if sum(v.answer is not None for v in views) >= 2 or not self.settings.conflicts.reading or pre.abstain_reason:
            return views
        # Fewer than two articles give a date, number, name or QA span: ask the LLM for each article's own answer
        # (one short call per article about the question; here a single article is read too, since the user
        # asked to see each one), checked against the article as for conflicts.
        from rag.conflicts.source_reading import read_sources, reading_views, second_reader

        cfg = self.settings.conflicts.model_copy(update={"reading_min_sources": 1})
        readings = read_sources(self.llm, q, pre.evidence.items, cfg)
        if not any(r.answer for r in readings):
            return views
        return reading_views(q, readings, pre.evidence.items, second_reader(pre.answers))

    def _contradiction(self, sentence: str, spans: list[Evidence]) -> float:
        """Veto for verification: does an answer sentence contradict the spans it cites?"""
        if not self.settings.verify.contradiction_veto:
            return 0.0
        from rag.conflicts import contradiction_score

        return contradiction_score(sentence, spans, self.settings.conflicts, self.embedder, self.nli)

    def prepare(self, question: str | Question) -> Prepared:
        """Everything before the LLM: retrieval, evidence, each sentence's own answer, and the early abstentions.

        ``abstain_reason`` is set when the evidence cannot answer: nothing relevant, no sentence with the kind
        of answer asked for, a year the question asks about that no chunk mentions, (learned) no sentence whose QA
        margin reaches ``answerability.min_qa_margin`` (``margin_only``: the reader may still find a disagreement), a
        question about what did not happen whose best answering sentence says nothing negative, or one whose best
        answering sentence says the opposite of a word it asks with ("most" for "least"), or one whose best answering
        sentence puts another word where the question names a specific no evidence has ("European Union" for
        "American Union").
        """
        q = Question.of(question)
        chunks, ev = self.gather(q)
        answers: list = []
        if not ev.items or ev.relevance < self.settings.retrieval.min_relevance:
            return Prepared(chunks, ev, answers, "no relevant evidence")
        if not can_answer(q, ev.items):
            return Prepared(chunks, ev, answers, "no evidence sentence has the kind of answer asked for")
        context = evidence_context(chunks, ev.items)
        if self.settings.answerability.specifics:
            missing = missing_specifics(q, context)
            if missing:
                return Prepared(chunks, ev, answers, "the articles do not mention " + ", ".join(missing))
        if self.settings.answerability.asked_years:
            year = missing_year(q, context)
            if year:
                return Prepared(chunks, ev, answers, f"the articles do not mention {year}")
        answers = self.source_answers(q, chunks, ev.items)
        if not (self.settings.answerability.qa and self.qa is not None):
            return Prepared(chunks, ev, answers, None)
        floor = self.settings.answerability.min_qa_margin
        best = max((a.margin for a in answers), default=float("-inf"))
        if best < floor:
            return Prepared(chunks, ev, answers, f"no evidence sentence answers the question (QA margin {best:.2f})",
                            margin_only=True)
        known = known_words(answers)
        checks = self.settings.answerability
        tests = dict(negation=checks.negation, opposites=checks.opposites, substitution=checks.substitution)
        why = answers_another_question(q, best_answer(answers).evidence.text, known, sentence="the sentence that "
                                       "best answers it", elsewhere=answered_elsewhere(answers), **tests)
        if why:
            return Prepared(chunks, ev, answers, why)
        # the extractive fallback quotes, and an answer may rest on, only sentences that answer this question
        off: dict[int, str] = {}
        for a in answers:
            other = answers_another_question(q, a.evidence.text, known, **tests)
            if other:
                off[a.evidence.key] = other
        answering = {a.evidence.key for a in answers if a.margin >= floor and a.evidence.key not in off}
        return Prepared(chunks, ev, answers, None, answering, off_question=off)

    def ask(self, question: str, id: str | None = None, on_token: Callable[[str], None] | None = None,
            as_of: datetime.date | None = None) -> Answer:
        """Answer one question; ``on_token`` receives the unverified draft as it streams.

        ``as_of`` is the day the question is asked on (default today): articles published later are left out,
        and "this week" means the week before it.

        A question that asks two things ("When was it signed, and who brokered it?") is answered part by part
        (``rag/parts.py``): each part the articles answer is answered, and each part they do not is said so.
        The question is read once (:class:`~rag.question.Question`) and every stage reads that.
        """
        from rag.parts import merge_answers, standalone

        question = (question or "").strip()
        if not question:
            raise InputError("The question is empty.")
        if len(question) > MAX_QUESTION_CHARS:
            raise InputError(f"The question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}.")
        q = Question.parse(question, as_of)
        parts = q.parts
        if len(parts) == 1:
            return self._ask_one(q, id, on_token)
        answers = []
        for part in parts:
            a = self._ask_one(Question.parse(standalone(part, parts[0]), as_of), None, on_token)
            answers.append(a.model_copy(update={"question": part}))
        return merge_answers(question, answers).model_copy(update={"id": id})

    @staticmethod
    def _abstain_text(question: Question, evidence: list[Evidence]) -> str:
        """'The articles do not say …', and when the question names a number the evidence lacks while a sentence
        about the rest gives another, that sentence (``rag.answerability.other_specific``)."""
        from rag.answerability import other_specific

        note = other_specific(question, evidence)
        return abstain_text(question.text) + (f" {note}" if note else "")

    def _abstained(self, question: Question, reason: str, base: dict, timings: Timings, text: str | None = None,
                   **fields) -> Answer:
        """The one way an answer abstains, so the reason is always recorded in ``abstain_reason``.

        ``text`` defaults to :meth:`_abstain_text` over ``base``'s evidence; ``fields`` are the rest of the
        record (the draft and verdicts when the LLM was asked). The caller has set ``timings``.
        """
        if text is None:
            text = self._abstain_text(question, base["evidence"])
        return Answer(**base, answer=text, abstained=True, mode="abstained", timings=timings, abstain_reason=reason,
                      **fields)

    def _ask_one(self, q: Question, id: str | None, on_token: Callable[[str], None] | None) -> Answer:
        field = q.article_field
        if field is not None:
            return self._ask_about_articles(q, field, id)
        t0 = time.perf_counter()
        timings = Timings()
        pre = self.prepare(q)
        timings.retrieval = time.perf_counter() - t0
        base = dict(id=id, question=q.text, evidence=pre.evidence.items, config_hash=self.settings.config_hash())
        if pre.abstain_reason:
            # The QA model's margin is one reader's doubt; two sources the LLM reads as answering differently
            # are a disagreement the person should see (conflicts.reading_when_unsure).
            if pre.margin_only and self.settings.conflicts.reading_when_unsure:
                disputed = self._read_disputes(q, pre, timings)[1]
                if disputed:
                    return self._disagreement(q, disputed, base, timings, t0)
            timings.total = time.perf_counter() - t0
            return self._abstained(q, pre.abstain_reason, base, timings)
        tc = time.perf_counter()
        disputed = self.answer_conflicts(q, pre.answers)
        timings.conflicts = time.perf_counter() - tc
        if disputed:
            return self._disagreement(q, disputed, base, timings, t0)
        # Reading after the answer (the default), the person sees the draft stream after the retrieval and the
        # prefill only; each source's reading (a few short LLM calls) then overrides it when it decides. Same
        # verdicts as reading first, for the answer call's cost on the questions the reading decides.
        after = self.settings.conflicts.reading_after_answer
        answer = self._generate(q, pre, base, timings, t0, on_token) if after else None
        decided = self._reading_decides(q, pre, base, timings, t0)
        if decided is not None:
            return decided  # a replaced answer keeps none of its draft: its verdicts are of sentences not shown
        if answer is None:
            return self._generate(q, pre, base, timings, t0, on_token)
        answer.timings.total = time.perf_counter() - t0
        return answer

    def _reading_decides(self, q: Question, pre: Prepared, base: dict, timings: Timings, t0: float) -> Answer | None:
        """Each source's reading, when it decides: no source answers (abstain), or sources answer differently (the
        disagreement); None otherwise."""
        from rag.conflicts.source_reading import no_source_answers

        readings, disputed = self._read_disputes(q, pre, timings)
        min_close = self.settings.conflicts.reading_min_sources
        if self.settings.answerability.reader and no_source_answers(readings, min_close):
            timings.total = time.perf_counter() - t0
            return self._abstained(q, "no source answers the question, as the LLM reads each one", base, timings)
        return self._disagreement(q, disputed, base, timings, t0) if disputed else None

    def _read_disputes(self, q: Question, pre: Prepared, timings: Timings) -> tuple[list, list[Conflict]]:
        """Each source's reading, and the disagreement between them ([] when they agree), timed into ``timings``."""
        tc = time.perf_counter()
        readings = self.read_sources(q, pre.evidence.items)
        timings.reading = time.perf_counter() - tc
        disputed = self.reading_conflicts(q, readings, pre.answers)
        timings.conflicts += time.perf_counter() - tc
        return readings, disputed

    def _disagreement(self, q: Question, disputed: list[Conflict], base: dict, timings: Timings, t0: float) -> Answer:
        """The sources give different answers to the very question: say so, each answer with its citation, instead
        of letting the LLM pick one side."""
        from rag.conflicts.wording import disagreement_answer

        tc = time.perf_counter()
        numbering = Numbering(base["evidence"])
        c = disputed[0]
        text = disagreement_answer(q, c, numbering.cite_span)
        others = [o for o in self.detect_conflicts(q, base["evidence"]) if not _same_sides(o, c)]
        timings.conflicts += time.perf_counter() - tc
        timings.total = time.perf_counter() - t0
        return Answer(**base, answer=text, abstained=False, citations=numbering.citations,
                      conflicts=disputed + others, mode="disagreement", timings=timings)

    def _generate(self, q: Question, pre: Prepared, base: dict, timings: Timings, t0: float,
                  on_token: Callable[[str], None] | None) -> Answer:
        """The LLM's answer from the evidence, verified sentence by sentence (or the extractive fallback, or an
        abstention with its reason), with the contradiction detector's conflicts appended."""
        from llama_index.core.llms import ChatMessage

        from rag.llm import generate

        chunks, ev = pre.chunks, pre.evidence
        numbering = Numbering(ev.items)
        prompt = build_messages(q.text, ev.items, max_chars=self.settings.retrieval.prompt_chars)
        messages = [ChatMessage(role=r, content=c) for r, c in prompt]
        asked = time.perf_counter() - t0
        refusal = self.settings.answerability.llm_refusal
        gen = generate(self.llm, messages, max_tokens=self.settings.llm.max_tokens, on_token=on_token,
                       alternatives=REFUSAL_ALTERNATIVES if refusal is not None else 0,
                       halt=None if refusal is None else lambda alts: refusal_probability(alts) >= refusal)
        timings.generation = gen.total_s
        timings.first_token = gen.first_token_s
        # what the person waits before the first word: everything before the request as well as the prefill
        timings.to_first_token = None if gen.first_token_s is None else asked + gen.first_token_s
        timings.tokens = gen.tokens
        timings.tokens_per_s = gen.tokens_per_s
        draft = gen.text.strip()

        tv = time.perf_counter()
        text, mode, reason = "", "generated", None  # a reason set below means the answer abstains
        answering = pre.answering  # the extractive fallback may quote only these (None: no such test)
        contexts = {e.key: next((sc.chunk.text for sc in chunks if sc.chunk.chunk_id == e.chunk_id), "") for e in ev.items}
        p = None if gen.first_alternatives is None else round(refusal_probability(gen.first_alternatives), 4)
        if gen.halted:
            reason = f"the LLM leaned towards finding no answer in the evidence (p = {p or 0:.2f} for its refusal)"
            checked = []
        elif is_cannot_answer(draft) or declines(draft, q):
            checked, reason = [], "the LLM found no answer in the evidence"
        else:
            checked = verify_draft(draft, ev.items, q.text, self.embedder, self.settings.verify, contexts,
                                   contradiction=self._contradiction, nli=self.verify_nli)
            if invented_specifics(checked):
                # The draft named what the evidence lacks: often an answer the corpus does not hold, but the small
                # LLM also puts a name it knows over the one the evidence gives ("Microsoft" for "Reddit"). Only
                # sentences the QA model reads as answering with confidence (margin above 0) are quoted then; with
                # none, the answer abstains.
                sure = None if answering is None else {a.evidence.key for a in pre.answers
                                                       if a.margin > 0 and a.evidence.key in answering}
                text, mode = (extractive(checked, ev.items, numbering, allowed=sure) if sure else ""), "extractive"
                if not text:
                    reason = "the draft named specifics the evidence lacks"
            elif checked:
                text, mode = assemble(checked, ev.items, numbering, self.settings.verify.min_kept_fraction,
                                      allowed=answering)
            else:
                # A draft of bare citations ("[2]") points at the evidence that answers: quote it.
                cited = [k for g in CITATION_GROUP.findall(draft) for k in parse_keys(g)]
                text, mode = extractive([], ev.items, numbering, preferred=cited, allowed=answering), "extractive"
            if reason is None:
                if not text:
                    reason = "no verified sentence, and no evidence sentence that answers the question to quote"
                elif mode == "generated" and (why := rests_off_question(checked, pre.off_question)):
                    reason = f"every sentence the answer cites answers another question: {why}"
                elif not delivers_answer_type(q, CITATION_GROUP.sub("", text)):
                    # verified, but not an answer: "when?" answered without a date, "which company?" without a name
                    reason = "the verified answer lacks the kind of answer asked for"
        timings.verification = time.perf_counter() - tv

        tc = time.perf_counter()
        conflicts = self.detect_conflicts(q, ev.items) if reason is None else []
        if conflicts:
            text = f"{text} {self.disagreement_sentence(conflicts, numbering)}"
        timings.conflicts += time.perf_counter() - tc
        timings.total = time.perf_counter() - t0
        if reason is not None:
            return self._abstained(q, reason, base, timings, draft=draft, verdicts=[c.verdict for c in checked],
                                   refusal_p=p)
        return Answer(**base, answer=text, abstained=False, citations=numbering.citations, conflicts=conflicts,
                      draft=draft, verdicts=[c.verdict for c in checked], mode=mode, timings=timings, refusal_p=p)

    def _ask_about_articles(self, q: Question, field, id: str | None) -> Answer:
        """Who wrote / when was it published / who published it: the article the question means (found by
        retrieval, as for any question) answers from its metadata record (``rag/article_facts.py``), no LLM."""
        from rag.article_facts import answer_about_articles, articles_meant

        t0 = time.perf_counter()
        chunks, ev = self.gather(q)
        timings = Timings(retrieval=time.perf_counter() - t0)
        base = dict(id=id, question=q.text, evidence=ev.items, config_hash=self.settings.config_hash())
        if not ev.items or ev.relevance < self.settings.retrieval.min_relevance:
            timings.total = time.perf_counter() - t0
            # no note on other figures here: the question asks about the articles, not a figure in them
            return self._abstained(q, "no relevant evidence", base, timings, text=abstain_text(q.text))
        doc_ids = articles_meant(q.text, ev.items)
        records = self.store.get_records(doc_ids)
        text, citations, abstained = answer_about_articles(q.text, field, [records[d] for d in doc_ids if d in records])
        timings.total = time.perf_counter() - t0
        if abstained:
            # the text says which article was meant and that its record lacks the field
            return self._abstained(q, f"the article's record has no {field.replace('_', ' ')}", base, timings, text=text,
                                   citations=citations)
        return Answer(**base, answer=text, abstained=False, citations=citations, timings=timings, mode="metadata")

    @staticmethod
    def disagreement_sentence(conflicts: list[Conflict], numbering: Numbering) -> str:
        """'Sources disagree: <one side> [n]; <the other side> [m].' for the strongest conflict.

        One quote per camp, preferring a side whose speaker is named, each cited as its exact span.
        """
        c = max(conflicts, key=lambda c: c.score)
        parts = []
        for camp in sorted({s.camp for s in c.sides}):
            members = [s for s in c.sides if s.camp == camp]
            side = next((s for s in members if s.attributed_to), members[0])
            n = numbering.cite_span(side)
            who = f"{side.attributed_to}: " if side.attributed_to else ""
            parts.append(f"{who}“{' '.join(side.text.split())}” [{n}]")
        return f"{DISAGREE_PREFIX} " + "; ".join(parts) + "."


def _same_sides(a: Conflict, b: Conflict) -> bool:
    """True when two conflicts quote the same spans (the claim detector found what the answers showed)."""
    spans = {(s.doc_id, s.start, s.end) for s in b.sides}
    return sum((s.doc_id, s.start, s.end) in spans for s in a.sides) >= 2


def evidence_context(chunks: list[ScoredChunk], evidence: list[Evidence]) -> str:
    """Everything an answer could cite: the evidence's titles and the text of the chunks it came from."""
    used = {e.chunk_id for e in evidence}
    titles = dict.fromkeys(e.title for e in evidence if e.title)
    return " ".join([*titles, *(sc.chunk.text for sc in chunks if sc.chunk.chunk_id in used)])


def rests_off_question(checked: list[Checked], off_question: Mapping[int, str]) -> str | None:
    """Why the answer answers another question, when every evidence sentence its kept sentences cite does (one
    reason; None when any cited sentence is not known to): the LLM may quote faithfully from a sentence with a
    negation, an opposite or a swapped specific the question lacks, and verification alone checks only that
    the quote is faithful."""
    cited = [k for c in checked if c.verdict.status != "removed" for k in c.keys]
    if not cited or any(k not in off_question for k in cited):
        return None
    return off_question[cited[0]]
