"""Extractive question answering with a "no answer" option: what does *this* passage answer to the question?

Corroborate's own small model (``models/corroborate-qa``: all-MiniLM-L6-v2 fine-tuned on the SQuAD 2.0
dev-split articles of the shared bench, int8 ONNX; recipe in ``train/qa/``). It reads
``[CLS] question [SEP] title \\n\\n context passage [SEP]`` and scores every token as the start and the end
of the answer; the score of the span ``(CLS, CLS)`` is "this passage does not answer". ``margin`` is
the best span's score minus that null score: above 0 the model thinks the passage answers.

Two stages read it:

* answerability (``rag/answerability.py``): the best margin over the evidence is a learned "does the
  evidence answer this?" signal, where word rules cannot tell "which stadium was built in 1998?" from a
  passage about a stadium built in 2001;
* question-focused conflicts (``rag/conflicts/answers.py``): each source's own answer, compared across
  sources.

Like the NLI runtime, every input is scored alone and unpadded (the dynamic int8 quantisation makes padded
batches change scores) and loading is lazy, once, thread-safe.

Example:
    >>> qa = ExtractiveQA()
    >>> a = qa.answer("When did Karl die?", "He died on 2 March 1881 in Michelstadt.", title="Karl Weyprecht")
    >>> a.text, a.margin > 0
    ('2 March 1881', True)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.errors import ModelError
from rag.nli import OnnxPairModel, onnx_session

MODEL_FILES = ("tokenizer.json", "qa.json")


def default_model_dir() -> Path:
    """The shipped folder ``models/corroborate-qa`` next to the ``rag`` package."""
    return Path(__file__).resolve().parent.parent / "models" / "corroborate-qa"


@dataclass(frozen=True)
class SpanAnswer:
    """The passage's answer: ``passage[start:end] == text``; empty text when no span was possible."""

    text: str
    start: int
    end: int
    margin: float  # best span score minus the "no answer" score (logits); > 0 means "answers"

    @property
    def answers(self) -> bool:
        return bool(self.text) and self.margin > 0


def context_head(title: str = "", before: str = "") -> str:
    """What precedes a passage in the model's context: ``title\n\n`` then the text before it and a space."""
    return (f"{title.strip()}\n\n" if title and title.strip() else "") + (f"{before.strip()} " if before and before.strip() else "")


def best_span(start: np.ndarray, end: np.ndarray, allowed: np.ndarray, max_tokens: int) -> tuple[float, int, int]:
    """The best ``(score, i, j)`` with ``allowed[i]``, ``allowed[j]``, ``i <= j < i + max_tokens``.

    Only the 20 best start tokens are tried (the usual SQuAD decoding); training's evaluation uses it too.
    """
    s_masked = np.where(allowed, start, -np.inf)
    e_masked = np.where(allowed, end, -np.inf)
    best = (-np.inf, 0, 0)
    for i in np.argsort(-s_masked)[:20]:
        if not allowed[i]:
            break
        hi = min(len(e_masked), i + max_tokens)
        j = int(i + np.argmax(e_masked[i:hi]))
        score = float(s_masked[i] + e_masked[j])
        if score > best[0]:
            best = (score, int(i), j)
    return best


class ExtractiveQA(OnnxPairModel):
    """The packaged int8 extractive QA model; one unpadded (question, context) per ONNX call."""

    def __init__(self, model_dir: str | Path | None = None, threads: int = 1, onnx_name: str = "model.int8.onnx"):
        super().__init__(threads)
        self.model_dir = Path(model_dir).expanduser() if model_dir else default_model_dir()
        self.onnx_name = onnx_name
        self.max_length = 384
        self.max_answer_tokens = 30

    def _load(self):
        missing = [n for n in (self.onnx_name, *MODEL_FILES) if not (self.model_dir / n).is_file()]
        if missing:
            raise ModelError(
                f"QA model folder {self.model_dir} lacks {', '.join(missing)}: reinstall Corroborate (the folder "
                "ships as models/corroborate-qa), or rebuild it with 'python -m train.qa.export --model DIR'."
            )
        from tokenizers import Tokenizer

        meta = json.loads((self.model_dir / "qa.json").read_text(encoding="utf-8"))
        self.max_length = int(meta.get("max_length", 384))
        self.max_answer_tokens = int(meta.get("max_answer_tokens", 30))
        tok = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tok.no_padding()
        tok.enable_truncation(max_length=self.max_length, strategy="only_second")
        return onnx_session(self.model_dir / self.onnx_name, self.threads), tok

    def answer(self, question: str, passage: str, title: str = "", before: str = "") -> SpanAnswer:
        """The span of ``passage`` that answers ``question`` (offsets into ``passage``) and its margin.

        ``title`` and ``before`` (the text preceding the passage, e.g. the previous sentence) are read as
        context, so "He died in 1881" knows who "he" is, but the answer is always taken from ``passage``.
        """
        self.warm_up()
        head = context_head(title, before)
        context = head + passage
        enc = self._tok.encode(question or "", context)
        arrays = {
            "input_ids": np.array([enc.ids], dtype=np.int64),
            "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([enc.type_ids], dtype=np.int64),
        }
        start_logits, end_logits = self._session.run(None, {n: arrays[n] for n in self._input_names})
        start, end = start_logits[0].astype(np.float64), end_logits[0].astype(np.float64)
        null = float(start[0] + end[0])
        p0 = len(head)
        ok = np.array([sid == 1 and s >= p0 and e > s for sid, (s, e) in zip(enc.sequence_ids, enc.offsets)])
        if not ok.any():
            return SpanAnswer("", 0, 0, -1e9)
        score, i, j = best_span(start, end, ok, self.max_answer_tokens)
        a, b = enc.offsets[i][0] - p0, enc.offsets[j][1] - p0
        return SpanAnswer(passage[a:b], a, b, score - null)
