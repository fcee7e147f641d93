"""Training data for the extractive QA model: SQuAD 2.0 questions from the bench's *dev* articles only, and
(``build_news``) RealTimeQA questions from its *train* quarter only (``rtqa_part``).

The bench's ``squad2/split.json`` fixes 8 dev and 5 test articles. The test articles are never read here.
The dev articles are split again, by a fixed rule, into

* ``train``: 6 articles the model learns from, and
* ``calib``: 2 articles (the two whose md5 of the name sorts first) for choosing thresholds and checking
  the model, never trained on.

Each example is ``(question, context, answer_start, answer_text)`` with ``answer_start = -1`` for "no answer".
Besides SQuAD's own unanswerable questions (written to look answerable from their paragraph), every
answerable question is also paired, with probability ``negative_rate``, with another paragraph of its article
that lacks every gold answer: a "this passage does not say" example, the case the pipeline meets when it asks
one source a question another source answers.

The context is ``"<article title>\\n\\n<paragraph>"``, the form the runtime uses (title, then the chunk).

Example:
    python -m train.qa.data          # prints counts and a few examples
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = Path(os.environ.get("CORROBORATE_BENCH", REPO.parent / "shared" / "bench"))
SQUAD = BENCH / "squad2"
NOTE = re.compile(r"article (\S+), paragraph (\d+)")


@dataclass(frozen=True)
class QAExample:
    qid: str
    question: str
    context: str
    answer_start: int  # character offset into context, -1 when the context holds no answer
    answer_text: str
    article: str
    unanswerable: bool
    passage_start: int = 0  # where the passage the answer is taken from starts in context (after title, before)


def title_of(article: str) -> str:
    return article.replace("_", " ")


def context_for(title: str, text: str) -> tuple[str, int]:
    """The runtime's context form and the offset at which ``text`` starts inside it."""
    head = f"{title}\n\n" if title else ""
    return head + text, len(head)


def dev_articles() -> tuple[list[str], list[str]]:
    """(train, calib) article names, both from the bench's dev split."""
    split = json.loads((SQUAD / "split.json").read_text(encoding="utf-8"))
    dev = sorted(split["dev"], key=lambda a: hashlib.md5(a.encode()).hexdigest())
    return sorted(dev[2:]), sorted(dev[:2])


def _tokens(s: str) -> list[str]:
    return re.findall(r"\w+", s.lower())


def consensus(answers: list[str]) -> str:
    """The annotator answer that agrees most with the others (token F1); SQuAD's first one is sometimes off."""

    def f1(a: str, b: str) -> float:
        ta, tb = _tokens(a), _tokens(b)
        common = sum(min(ta.count(t), tb.count(t)) for t in set(ta))
        return 2 * common / (len(ta) + len(tb)) if common else 0.0

    return max(answers, key=lambda a: (sum(f1(a, b) for b in answers), -answers.index(a)))


def _doc_id(article: str, para: int) -> str:
    return f"squad_{article.lower()}_{para:02d}"


def load_questions(articles: set[str]) -> list[dict]:
    out = []
    for line in (SQUAD / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        m = NOTE.search(q["note"])
        if m and m.group(1) in articles:
            q["article"], q["para"] = m.group(1), int(m.group(2))
            out.append(q)
    return out


def _refuse_test(articles: list[str]) -> None:
    split = json.loads((SQUAD / "split.json").read_text(encoding="utf-8"))
    leaked = set(articles) & set(split["test"])
    if leaked:
        raise ValueError(f"test articles may not be used for training or tuning: {sorted(leaked)}")


def _paragraphs(articles: list[str]) -> dict[str, list[int]]:
    """Each article's paragraph numbers, from the stored documents' names."""
    paras: dict[str, list[int]] = {}
    for p in sorted((SQUAD / "docs").glob("squad_*.txt")):
        for a in articles:
            m = re.fullmatch(rf"squad_{re.escape(a.lower())}_(\d+)", p.stem)
            if m:
                paras.setdefault(a, []).append(int(m.group(1)))
    return paras


def build(articles: list[str], negative_rate: float = 0.5, seed: int = 13) -> list[QAExample]:
    """Examples for these articles (refuses test articles)."""
    _refuse_test(articles)
    rng = random.Random(seed)
    docs: dict[str, str] = {}

    def doc(article: str, para: int) -> str | None:
        key = _doc_id(article, para)
        if key not in docs:
            path = SQUAD / "docs" / f"{key}.txt"
            docs[key] = path.read_text(encoding="utf-8") if path.is_file() else None
        return docs[key]

    paras = _paragraphs(articles)
    out: list[QAExample] = []
    for q in load_questions(set(articles)):
        text = doc(q["article"], q["para"])
        if text is None:
            continue
        title = title_of(q["article"])
        context, shift = context_for(title, text)
        if q["unanswerable"]:
            out.append(QAExample(q["id"], q["question"], context, -1, "", q["article"], True))
            continue
        answer = consensus(q["answers"])
        pos = text.find(answer)
        if pos < 0:
            continue
        out.append(QAExample(q["id"], q["question"], context, shift + pos, answer, q["article"], False))
        if rng.random() < negative_rate:
            others = [p for p in paras.get(q["article"], []) if p != q["para"]]
            if others:
                other = doc(q["article"], rng.choice(others)) or ""
                if other and not any(a.lower() in other.lower() for a in q["answers"]):
                    ctx, _ = context_for(title, other)
                    out.append(QAExample(q["id"] + "-neg", q["question"], ctx, -1, "", q["article"], True))
    return out


def _content(s: str) -> set[str]:
    return {t for t in _tokens(s) if len(t) > 2}


def closest(question: str, items: list[tuple[str, str, int]], n: int) -> list[tuple[str, str, int]]:
    """The ``n`` sentence contexts sharing most words with the question (as retrieval would pick them)."""
    terms = _content(question)
    return sorted(items, key=lambda it: -len(terms & _content(it[1])))[:n]


def free_of(items: list[tuple[str, str, int]], golds: list[str]) -> list[tuple[str, str, int]]:
    """The sentence contexts whose sentence holds none of ``golds`` (case-insensitive): safe negatives."""
    return [it for it in items if not any(g.lower() in it[1].lower() for g in golds)]


def answer_examples(qid: str, question: str, items: list[tuple[str, str, int]], candidates: list[str],
                    golds: list[str], article: str, negatives: int) -> list[QAExample]:
    """One question's examples over one passage's ``sentence_contexts``: the sentence holding the first of
    ``candidates`` found (as written) with that answer, and up to ``negatives`` sentences holding no gold answer
    (closest to the question first); [] when no single sentence holds a candidate (it crosses a boundary)."""
    holding = [(it, a) for a in candidates for it in items if a in it[1]]
    if not holding:
        return []
    (ctx, sent, off), answer = holding[0]
    out = [QAExample(qid, question, ctx, off + sent.find(answer), answer, article, False, off)]
    out.extend(QAExample(f"{qid}-n{k}", question, it[0], -1, "", article, True, it[2])
               for k, it in enumerate(closest(question, free_of(items, golds), negatives)))
    return out


def sentence_contexts(text: str) -> list[tuple[str, str, int]]:
    """``(context, sentence, offset)`` for every sentence of a stored document, as the runtime reads it.

    The runtime (``rag/qa.py``, ``rag/conflicts/reading.py``) asks the QA model about one evidence sentence at a
    time, with the document's title and the sentence before it as context: ``title\n\nprevious sentence``.
    ``offset`` is where the sentence starts inside ``context``.
    """
    from ingest.metadata import title_from_text
    from rag.qa import context_head
    from rag.text.sentences import split_sentences

    title, _ = title_from_text(text)
    spans = split_sentences(text)
    out = []
    for k, sp in enumerate(spans):
        sent = text[sp.start : sp.end]
        prev = text[spans[k - 1].start : spans[k - 1].end] if k else ""
        head = context_head(title, prev)
        out.append((head + sent, sent, len(head)))
    return out


def build_sentences(articles: list[str], negatives: int = 2, cross_rate: float = 0.3, seed: int = 13) -> list[QAExample]:
    """Examples in the runtime's shape: one sentence (with its title and previous sentence) per example.

    The runtime takes the best margin over the evidence sentences, so what it needs is a span score for the one
    sentence that answers and a "no answer" for the sentences around it that do not. Per answerable question:
    the sentence holding the answer, plus up to ``negatives`` sentences of the same paragraph that hold no gold
    answer (those sharing most words with the question first, as retrieval would pick them). Per unanswerable
    question: its paragraph's ``negatives + 1`` sentences sharing most words with it. With probability
    ``cross_rate``, an answerable question also gets the closest sentence of another paragraph of its article
    that lacks every gold answer.
    """
    _refuse_test(articles)
    rng = random.Random(seed)
    cache: dict[str, list[tuple[str, str, int]]] = {}

    def sents(article: str, para: int) -> list[tuple[str, str, int]]:
        key = _doc_id(article, para)
        if key not in cache:
            path = SQUAD / "docs" / f"{key}.txt"
            cache[key] = sentence_contexts(path.read_text(encoding="utf-8")) if path.is_file() else []
        return cache[key]

    paras = _paragraphs(articles)
    out: list[QAExample] = []
    for q in load_questions(set(articles)):
        items = sents(q["article"], q["para"])
        if not items:
            continue
        neg = lambda it, tag: QAExample(f"{q['id']}-{tag}", q["question"], it[0], -1, "", q["article"], True, it[2])  # noqa: E731
        if q["unanswerable"]:
            out.extend(neg(it, f"u{k}") for k, it in enumerate(closest(q["question"], items, negatives + 1)))
            continue
        found = answer_examples(q["id"], q["question"], items, [consensus(q["answers"])], q["answers"], q["article"],
                                negatives)
        if not found:
            continue
        out.extend(found)
        if rng.random() < cross_rate:
            others = [p for p in paras.get(q["article"], []) if p != q["para"]]
            if others:
                far = free_of(sents(q["article"], rng.choice(others)), q["answers"])
                out.extend(neg(it, "x") for it in closest(q["question"], far, 1))
    return out


RTQA = BENCH / "realtimeqa"


def rtqa_part(qid: str) -> str:
    """RealTimeQA's fixed parts by the md5 of the question id's first hex digit: 0-3 ``train`` (the QA model
    learns from them), 4-7 ``dev`` (thresholds), 8-f ``test`` (held out; ``eval`` and the replay use 8-f too)."""
    h = hashlib.md5(qid.encode()).hexdigest()[0]
    return "train" if h in "0123" else "dev" if h in "4567" else "test"


def build_news(negatives: int = 1) -> list[QAExample]:
    """News examples in the runtime's shape from RealTimeQA's ``train`` part: the gold passage's sentence that holds
    the answer string (as written), and up to ``negatives`` of its other sentences (closest to the question first)
    that hold no answer. SQuAD alone is Wikipedia; without news the model reads news sentences as not answering."""
    out: list[QAExample] = []
    for line in (RTQA / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if rtqa_part(q["id"]) != "train" or not q.get("answers") or not q.get("gold_docs"):
            continue
        path = RTQA / "docs" / f"{q['gold_docs'][0]}.txt"
        if not path.is_file():
            continue
        items = sentence_contexts(path.read_text(encoding="utf-8"))
        golds = [a for a in q["answers"] if a.strip()]
        out.extend(answer_examples(q["id"], q["question"], items, golds, golds, "realtimeqa", negatives))
    return out


if __name__ == "__main__":
    train, calib = dev_articles()
    print("train articles:", train)
    print("calib articles:", calib)
    for name, arts in (("train", train), ("calib", calib)):
        ex = build(arts)
        print(name, len(ex), "examples,", sum(e.answer_start < 0 for e in ex), "without an answer")
    for e in build(train)[:3]:
        print(e.question, "->", repr(e.answer_text), e.context[e.answer_start : e.answer_start + len(e.answer_text)])


# -- near-miss questions (``build_perturbed``) ----------------------------------------------------------------------
_WORD = re.compile(r"[A-Za-z][\w'-]*|\d[\d,.]*\d|\d")
_AUX = re.compile(r"\b(is|was|are|were|did|does|do|can|could|has|have|had|will|would)\b(?! not\b)")
_SUFFIXES = ("ing", "ed", "ly", "ion", "al", "er", "s")


def _suffix(word: str) -> str:
    return next((s for s in _SUFFIXES if word.endswith(s)), "")


_DETERMINERS = frozenset("the a an this that these those its their his her our each every some any many several "
                         "most such".split())
_AFTER_HEAD = frozenset("of in on at for to with by from that which who whose was is were are and or".split())


def _kind(token: str, first: bool, before: str = "", after: str = "") -> str | None:
    """What a word may be swapped for: a number (same digit count), a mid-sentence capitalised word, or a lowercase
    noun (after a determiner and ending its phrase: 'the *defeat* of', so the swap stays grammatical)."""
    if token[0].isdigit():
        return f"num{len(token)}"
    if token[0].isupper():
        return None if first else "cap"
    if len(token) < 4 or before.lower() not in _DETERMINERS or (after and after.lower() not in _AFTER_HEAD):
        return None
    return f"noun{_suffix(token)}"


def _kinds(text: str) -> list[tuple[re.Match, str | None]]:
    toks = list(_WORD.finditer(text))
    out = []
    for k, m in enumerate(toks):
        before = toks[k - 1].group() if k else ""
        after = toks[k + 1].group() if k + 1 < len(toks) and toks[k + 1].start() - m.end() <= 1 else ""
        out.append((m, _kind(m.group(), k == 0, before, after)))
    return out


def _antonyms() -> dict[str, str]:
    pairs: dict[str, str] = {}
    path = REPO / "rag" / "data" / "antonyms.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#"):
            pairs.setdefault(parts[0], parts[1])
            pairs.setdefault(parts[1], parts[0])
    return pairs


def perturb(question: str, sentence: str, answer: str, pool: dict[str, list[str]], rng: random.Random,
            antonyms: dict[str, str]) -> str | None:
    """The question changed so that ``sentence`` no longer answers it, the way SQuAD 2.0's writers made their
    unanswerable questions: a word the sentence shares with the question swapped for an opposite or for another word
    of the same kind from the same article (one the sentence does not have), or a negation added. None when no
    change applies. ``pool`` maps a kind (:func:`_kind`) to the article's words of that kind."""
    from rag.text import STOPWORDS

    have = {w.lower() for w in _WORD.findall(sentence)}
    shielded = {w.lower() for w in _WORD.findall(answer)}
    kinds = _kinds(question)
    anchored = [m for m, _ in kinds if m.group().lower() in have and m.group().lower() not in shielded
                and m.group().lower() not in STOPWORDS]
    opposite = [m for m in anchored if m.group().lower() in antonyms and antonyms[m.group().lower()] not in have]
    roll = rng.random()
    if opposite and roll < 0.5:
        m = rng.choice(opposite)
        new = antonyms[m.group().lower()]
        return question[: m.start()] + new + question[m.end():]
    aux = _AUX.search(question)
    if aux and roll < 0.2 and not re.search(r"\bnot\b|n't\b", question):
        return question[: aux.end()] + " not" + question[aux.end():]
    kind_of = {m.start(): kind for m, kind in kinds}
    swappable = []
    for m in anchored:
        kind = kind_of[m.start()]
        choices = [w for w in pool.get(kind or "", []) if w.lower() not in have and w.lower() not in question.lower()]
        if kind and choices:
            swappable.append((m, choices))
    if not swappable:
        return None
    m, choices = rng.choice(swappable)
    return question[: m.start()] + rng.choice(choices) + question[m.end():]


def build_perturbed(articles: list[str], rate: float = 1.0, seed: int = 13) -> list[QAExample]:
    """Near-miss negatives: per answerable question (with probability ``rate``), a :func:`perturb`-ed copy asked of
    the very sentence that answers the original, labelled "no answer". The model learns that a sentence answering a
    question *like* this one is not an answer; SQuAD's own unanswerable questions are too few (1,315 here) to teach it."""
    from rag.text import STOPWORDS

    _refuse_test(articles)
    rng = random.Random(seed)
    antonyms = _antonyms()
    paras = _paragraphs(articles)
    pools: dict[str, dict[str, list[str]]] = {}
    cache: dict[str, list[tuple[str, str, int]]] = {}
    for a in articles:
        kinds: dict[str, set[str]] = {}
        for p in paras.get(a, []):
            key = _doc_id(a, p)
            text = (SQUAD / "docs" / f"{key}.txt").read_text(encoding="utf-8")
            cache[key] = sentence_contexts(text)
            for _, sent, _ in cache[key]:
                for m, kind in _kinds(sent):
                    if kind and m.group().lower() not in STOPWORDS:
                        kinds.setdefault(kind, set()).add(m.group())
        pools[a] = {k: sorted(v) for k, v in kinds.items()}
    out: list[QAExample] = []
    for q in load_questions(set(articles)):
        if q["unanswerable"] or rng.random() >= rate:
            continue
        items = cache.get(_doc_id(q["article"], q["para"]), [])
        answer = consensus(q["answers"])
        holding = [it for it in items if answer in it[1]]
        if not holding:
            continue
        ctx, sent, off = holding[0]
        new = perturb(q["question"], sent, answer, pools[q["article"]], rng, antonyms)
        if new and new != q["question"]:
            out.append(QAExample(q["id"] + "-p", new, ctx, -1, "", q["article"], True, off))
    return out
