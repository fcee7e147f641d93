"""Training data for the extractive QA model: SQuAD 2.0 questions from the bench's *dev* articles only.

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


def build(articles: list[str], negative_rate: float = 0.5, seed: int = 13) -> list[QAExample]:
    """Examples for these articles (refuses test articles)."""
    split = json.loads((SQUAD / "split.json").read_text(encoding="utf-8"))
    leaked = set(articles) & set(split["test"])
    if leaked:
        raise ValueError(f"test articles may not be used for training or tuning: {sorted(leaked)}")
    rng = random.Random(seed)
    docs: dict[str, str] = {}

    def doc(article: str, para: int) -> str | None:
        key = _doc_id(article, para)
        if key not in docs:
            path = SQUAD / "docs" / f"{key}.txt"
            docs[key] = path.read_text(encoding="utf-8") if path.is_file() else None
        return docs[key]

    paras: dict[str, list[int]] = {}
    for p in sorted((SQUAD / "docs").glob("squad_*.txt")):
        for a in articles:
            m = re.fullmatch(rf"squad_{re.escape(a.lower())}_(\d+)", p.stem)
            if m:
                paras.setdefault(a, []).append(int(m.group(1)))
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


if __name__ == "__main__":
    train, calib = dev_articles()
    print("train articles:", train)
    print("calib articles:", calib)
    for name, arts in (("train", train), ("calib", calib)):
        ex = build(arts)
        print(name, len(ex), "examples,", sum(e.answer_start < 0 for e in ex), "without an answer")
    for e in build(train)[:3]:
        print(e.question, "->", repr(e.answer_text), e.context[e.answer_start : e.answer_start + len(e.answer_text)])
