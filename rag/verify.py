"""Verify an LLM draft against the evidence it cites, sentence by sentence.

A sentence survives only if the spans it cites support it: every number in it
occurs in them, every name in it occurs in them (or in their surrounding chunk),
its content words are mostly theirs, it does not add or drop a negation, and it
is semantically close to one of them. An NLI model, when configured (``verify.nli``), removes a
sentence its cited spans contradict and accepts a loose paraphrase they entail. A sentence that fails with the keys it
cites is re-checked against every evidence item ('recited'); failing that it is
replaced by the closest evidence sentence when that is a near paraphrase
('rewritten'), else removed. Nothing here trusts the LLM's own citations.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
from pydantic import BaseModel, Field

from rag.embed import Embedder
from rag.nli import NLIModel
from rag.roles import swapped_roles
from rag.settings import VerifySettings
from rag.text import content_terms, fold, numbers, proper_names, words
from rag.types import Evidence, Verdict

CITATION_GROUP = re.compile(r"\[(\d+(?:\s*[,;–-]\s*\d+)*)\]")
NEGATION = re.compile(r"\b(not|never|no|nor|denie[sd]|deny|denying|rejects?|rejected|rejecting|n't)\b", re.I)
# Sentences that only talk about the evidence ("This can be found in evidence [2].") carry no claim.
META_SENTENCE = re.compile(r"^(this|that|it)\b.*\b(evidence|found in|stated in|mentioned in)\b", re.I)
REWRITE_MIN_SIMILARITY = 0.75


class DraftSentence(BaseModel):
    """One sentence of the draft with the keys it cites."""

    text: str = Field(description="Sentence without citation markers.")
    cited: list[int] = Field(default_factory=list, description="Keys cited in or right after the sentence.")


class Checked(BaseModel):
    """A verified sentence and the keys that support it (empty when removed)."""

    verdict: Verdict
    text: str = Field(description="Final sentence text (rewritten or as drafted), no markers.")
    keys: list[int] = Field(default_factory=list, description="Evidence keys to cite for it.")


def parse_keys(group: str) -> list[int]:
    """'1, 3' -> [1, 3]; '2-4' -> [2, 3, 4]."""
    keys: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group):
        if re.fullmatch(r"\d+\s*[–-]\s*\d+", part):
            a, b = (int(x) for x in re.split(r"\s*[–-]\s*", part))
            keys.extend(range(a, min(b, a + 20) + 1))
        elif part.strip().isdigit():
            keys.append(int(part))
    return keys


def split_draft(draft: str) -> list[DraftSentence]:
    """Split a draft into sentences and attach each citation group to the sentence it follows."""
    from rag.text.sentences import split_sentences

    # Move a citation written after the full stop ("... territory. [2]") in front of it.
    text = re.sub(r"([.!?])((?:\s*\[[^\]]+\])+)", r"\2\1", draft.strip())
    out: list[DraftSentence] = []
    for span in split_sentences(text):
        raw = text[span.start : span.end]
        keys = [k for g in CITATION_GROUP.findall(raw) for k in parse_keys(g)]
        plain = re.sub(r"\s+", " ", CITATION_GROUP.sub("", raw)).strip()
        plain = re.sub(r"\s+([.,;:!?])", r"\1", plain)
        if re.fullmatch(r"[\W\d]*", plain):
            if out and keys:  # a lone "[3]" line belongs to the previous sentence
                out[-1].cited.extend(k for k in keys if k not in out[-1].cited)
            continue
        out.append(DraftSentence(text=plain, cited=list(dict.fromkeys(keys))))
    return out


def _name_supported(name: str, vocab: set[str], flat: str) -> bool:
    # Prefix match so "Malian" supports "Mali" and vice versa; codes like "TZ-98D" match the flattened text.
    if name in vocab or any(w.startswith(name) or name.startswith(w) for w in vocab if len(w) >= 4):
        return True
    key = re.sub(r"[\W_]", "", name)
    return len(key) >= 3 and key in flat


def _fused_answer(sentence: str, cited: list[Evidence], span_contexts: list[str] | None, question: str) -> str | None:
    """Why a sentence supported only by several spans together joins them wrongly, or None.

    Joined spans can support two claims side by side ("X called it hostile [2], and the ministry called it
    pathetic [3]"), but also a fusion: "Blinken travelled to Israel [1][3]" from "Blinken travelled to China" [1]
    and "Biden visited Israel" [3], every word found somewhere. The answer's own specifics (names and numbers the
    question does not give) must come from a span that also names (itself or in its chunk) one of the question's
    names the sentence repeats; else the answer is about someone or something else. (Requiring every repeated
    word of the question there too was measured on RealTimeQA dev: it removed a correct answer and no wrong one.)
    """
    q_names = proper_names(question)
    repeated = proper_names(sentence) & q_names
    if not repeated:
        return None
    contexts = span_contexts or [""] * len(cited)
    texts = [(e.text, e.text + " " + c) for e, c in zip(cited, contexts)]

    def has_name(name: str, text: str) -> bool:
        return _name_supported(name, set(words(text)), re.sub(r"[\W_]", "", fold(text)))

    new = [(n, lambda t, n=n: has_name(n, t)) for n in sorted(proper_names(sentence) - q_names)]
    new += [(f"{v:g}", lambda t, v=v: v in numbers(t)) for v in sorted(numbers(sentence) - numbers(question))]
    for label, holds in new:
        holders = [full for text, full in texts if holds(text)]
        if holders and not any(has_name(name, full) for full in holders for name in repeated):
            return f"joins '{label}' from a span that does not name {', '.join(sorted(repeated)[:3])}"
    return None


def check_support(
    sentence: str,
    cited: list[Evidence],
    context: str,
    question_terms: set[str],
    similarity: float,
    cfg: VerifySettings,
    contradiction: Callable[[str, list[Evidence]], float] | None = None,
    contradiction_threshold: float = 0.7,
    question: str = "",
    nli: NLIModel | None = None,
    span_contexts: list[str] | None = None,
) -> tuple[bool, float, list[str]]:
    """Is ``sentence`` supported by the ``cited`` spans? Returns (ok, score, reasons).

    ``contradiction(sentence, cited)`` (the contradiction detector) vetoes a sentence that
    disagrees with its own spans however much wording they share. ``nli`` (premise: the cited
    spans joined; hypothesis: the sentence) vetoes a sentence it finds contradicted with
    probability >= ``cfg.nli_contradiction``, and accepts a loose paraphrase that only failed the
    overlap or similarity tests when its entailment probability is >= ``cfg.nli_entailment``.
    ``span_contexts`` (each cited span's surrounding chunk, in order) lets a span that says "he" count as naming
    the person its chunk names (:func:`_fused_answer`).
    """
    reasons: list[str] = []
    if not cited:
        return False, 0.0, ["cites no evidence"]
    ev_text = " ".join(e.text for e in cited)
    # Numbers and names the question itself uses are its framing, not new claims ("the August 2024 strike");
    # a swapped name or figure is still caught by the contradiction veto.
    missing_numbers = numbers(sentence) - numbers(ev_text) - numbers(question)
    if missing_numbers:
        reasons.append("numbers not in cited text: " + ", ".join(f"{n:g}" for n in sorted(missing_numbers)))
    vocab = set(words(ev_text + " " + context))
    flat = re.sub(r"[\W_]", "", fold(ev_text + " " + context))
    missing_names = {n for n in proper_names(sentence) - proper_names(question) if not _name_supported(n, vocab, flat)}
    if missing_names:
        reasons.append("names not in cited text: " + ", ".join(sorted(missing_names)))
    swap = swapped_roles(sentence, ev_text)
    if swap:
        reasons.append(swap)
    fused = _fused_answer(sentence, cited, span_contexts, question) if len(cited) >= 2 else None
    if fused:
        reasons.append(fused)
    terms = content_terms(sentence)
    ev_terms = set(content_terms(ev_text))
    if terms:
        penalty = sum(0.5 if t in question_terms else 1.0 for t in terms if t not in ev_terms)
        overlap = 1.0 - penalty / len(terms)
    else:
        overlap = 0.0
    if overlap < cfg.min_overlap:
        reasons.append(f"content overlap {overlap:.2f} < {cfg.min_overlap}")
    if bool(NEGATION.search(sentence)) and not NEGATION.search(ev_text):
        reasons.append("adds a negation the cited text does not have")
    if similarity < cfg.min_similarity and overlap < 0.85:
        reasons.append(f"similarity {similarity:.2f} < {cfg.min_similarity}")
    # Only the wording tests may be overruled by entailment: invented names/numbers and negations never.
    soft = bool(reasons) and all(r.startswith(("content overlap", "similarity")) for r in reasons)
    framing = [t for t in terms if t in question_terms and t not in ev_terms]
    if nli is not None and (not reasons or soft):
        s = nli.predict(ev_text, sentence)
        if s.contradiction >= cfg.nli_contradiction:
            reasons.append(f"contradicted by the cited text (NLI {s.contradiction:.2f})")
        elif soft and s.entailment is not None and s.entailment >= cfg.nli_entailment:
            reasons = []
        if (not reasons and framing and cfg.framing_min_entailment is not None and s.entailment is not None
                and s.entailment < cfg.framing_min_entailment):
            reasons.append(f"states the question's '{' '.join(framing[:4])}' as fact; its spans do not "
                           f"(NLI entailment {s.entailment:.2f})")
    if not reasons and contradiction is not None:
        c = contradiction(sentence, cited)
        if c >= contradiction_threshold:
            reasons.append(f"contradicts the cited text (score {c:.2f})")
    score = float(0.5 * max(overlap, 0.0) + 0.5 * similarity)
    return not reasons, score, reasons


def complete_citation(
    sentence: str,
    keys: list[int],
    score: float,
    evidence: list[Evidence],
    attempt: Callable[[list[int]], tuple[bool, float, list[str]]],
) -> tuple[list[int], float]:
    """Point a passing sentence at the evidence that holds the words its citation lacks.

    The overlap test lets a sentence pass with a few content words missing from its span, so the LLM's
    "[2]" can stand for a sentence whose key words ("attack trajectory") are in [1]. If another item
    holds missing words and supports the sentence better alone, it replaces the citation; if it only
    supports it together with the cited items, it is added.
    """
    cited_terms = set(content_terms(" ".join(e.text for e in evidence if e.key in keys)))
    missing = set(content_terms(sentence)) - cited_terms
    if not missing:
        return keys, score
    others = [e for e in evidence if e.key not in keys]
    gain = {e.key: len(missing & set(content_terms(e.text))) for e in others}
    best = max(others, key=lambda e: (gain[e.key], -e.key), default=None)
    if best is None or gain[best.key] == 0:
        return keys, score
    ok, alone, _ = attempt([best.key])
    if ok and alone >= score:
        return [best.key], alone
    both = sorted([*keys, best.key])
    ok, together, _ = attempt(both)
    if ok and together > score:
        return both, together
    return keys, score


def prune_citations(
    sentence: str,
    keys: list[int],
    score: float,
    evidence: list[Evidence],
    attempt: Callable[[list[int]], tuple[bool, float, list[str]]],
) -> tuple[list[int], float]:
    """Drop the citations a supported sentence does not need (the ALCE test for an irrelevant citation).

    A citation is dropped when it does not support the sentence alone, the sentence stays supported
    without it, and it holds none of the sentence's words that the other cited spans lack. The last
    condition matters because the overlap test passes a sentence with a few words missing: without
    it, "X called it hostile [2], and the ministry called it pathetic [3]" would lose [3].
    A second source that supports the sentence on its own stays: corroboration is the point.
    """
    by_key = {e.key: e for e in evidence}
    terms = set(content_terms(sentence))
    for k in list(keys):
        if len(keys) < 2:
            break
        rest = [m for m in keys if m != k]
        rest_terms = set(content_terms(" ".join(by_key[m].text for m in rest)))
        if (terms & set(content_terms(by_key[k].text))) - rest_terms or attempt([k])[0]:
            continue
        ok, rest_score, _ = attempt(rest)
        if ok:
            keys, score = rest, rest_score
    return keys, score


def tidy_citations(
    sentence: str,
    keys: list[int],
    score: float,
    evidence: list[Evidence],
    attempt: Callable[[list[int]], tuple[bool, float, list[str]]],
) -> tuple[list[int], float]:
    """A passing sentence's final citations: completed (:func:`complete_citation`), then pruned."""
    return prune_citations(sentence, *complete_citation(sentence, keys, score, evidence, attempt), evidence, attempt)


def verify_draft(
    draft: str,
    evidence: list[Evidence],
    question: str,
    embedder: Embedder,
    cfg: VerifySettings,
    contexts: dict[int, str] | None = None,
    contradiction: Callable[[str, list[Evidence]], float] | None = None,
    nli: NLIModel | None = None,
) -> list[Checked]:
    """Check every sentence of ``draft``; see the module docstring for the rules (``nli``: see check_support)."""
    sentences = split_draft(draft)
    if not sentences or not evidence:
        return []
    by_key = {e.key: e for e in evidence}
    contexts = contexts or {}
    qterms = set(content_terms(question))
    svecs = embedder.embed_documents([s.text for s in sentences])
    evecs = embedder.embed_documents([e.text for e in evidence])
    sims = svecs @ evecs.T  # (sentences, evidence)
    key_index = {e.key: i for i, e in enumerate(evidence)}
    out: list[Checked] = []
    for si, s in enumerate(sentences):
        valid = [k for k in s.cited if k in by_key]
        invalid = [k for k in s.cited if k not in by_key]
        if META_SENTENCE.match(s.text) and len(content_terms(s.text)) <= 6:
            out.append(Checked(verdict=Verdict(sentence=s.text, cited=s.cited, status="removed",
                                               reasons=["talks about the evidence, not the question"]), text=s.text))
            continue
        reasons_first: list[str] = [f"cites unknown evidence [{k}]" for k in invalid]

        def attempt(keys: list[int]) -> tuple[bool, float, list[str]]:
            sim = max(float(sims[si, key_index[k]]) for k in keys) if keys else 0.0
            span_contexts = [contexts.get(k, "") for k in keys]
            return check_support(s.text, [by_key[k] for k in keys], " ".join(span_contexts), qterms, sim, cfg,
                                 contradiction, question=question, nli=nli, span_contexts=span_contexts)

        ok, score, reasons = attempt(valid)
        if ok:
            keys, score = tidy_citations(s.text, valid, score, evidence, attempt)
            status = "supported" if keys == valid else "recited"
            out.append(Checked(verdict=Verdict(sentence=s.text, cited=s.cited, supported_by=keys,
                                               status=status, score=score, reasons=reasons_first), text=s.text, keys=keys))
            continue
        reasons_first += reasons
        # Re-cite: the LLM often cites the wrong number. Try single items, best similarity first.
        ranked = [evidence[i].key for i in np.argsort(-sims[si])]
        found = None
        for k in ranked[:5]:
            ok2, score2, _ = attempt([k])
            if ok2:
                found = ([k], score2)
                break
        if found is None and len(ranked) >= 2:
            pair = sorted(ranked[:2])
            ok2, score2, _ = attempt(pair)
            if ok2:
                found = (pair, score2)
        if found:
            # a re-cited sentence can join two spans ("X called it hostile, and Algeria called it pathetic")
            found = tidy_citations(s.text, *found, evidence, attempt)
            out.append(Checked(verdict=Verdict(sentence=s.text, cited=s.cited, supported_by=found[0], status="recited",
                                               score=found[1], reasons=reasons_first), text=s.text, keys=found[0]))
            continue
        best = int(np.argmax(sims[si]))
        # Rewriting repairs a loose paraphrase; a sentence that invents a name or number, swaps the parties or
        # contradicts its span, is not a paraphrase of anything and is removed.
        invented = any(r.startswith(("names not in", "roles swapped", "numbers not in", "contradicts", "contradicted"))
                       for r in reasons_first)
        if float(sims[si, best]) >= REWRITE_MIN_SIMILARITY and not invented:
            ev = evidence[best]
            out.append(Checked(verdict=Verdict(sentence=s.text, cited=s.cited, supported_by=[ev.key], status="rewritten",
                                               score=float(sims[si, best]), reasons=reasons_first), text=ev.text, keys=[ev.key]))
            continue
        out.append(Checked(verdict=Verdict(sentence=s.text, cited=s.cited, status="removed", reasons=reasons_first), text=s.text))
    return out
