"""Corroborate's own 3-way NLI cross-encoder (entailment / neutral / contradiction), int8 ONNX.

Specs ``corroborate`` (the shipped folder) and ``onnx:DIR`` (another folder in the same format).

:class:`MiniLMNLI` implements the :class:`rag.nli.NLIModel` protocol with the model trained by
``train/nli/`` (all-MiniLM-L6-v2 fine-tuned on SNLI/MNLI/claim data plus generated news pairs; see
``models/corroborate-nli/MODEL_CARD.md``). Loading needs only onnxruntime and tokenizers.

* Files (``models/corroborate-nli/``): ``model.int8.onnx`` (inputs ``input_ids``, ``attention_mask``,
  ``token_type_ids``, int64 ``(batch, seq)``; output ``logits`` ``(batch, 3)``), ``tokenizer.json``
  (BERT WordPiece, lower-cased) and ``labels.json`` (logit order and max length).
* A pair is encoded as ``[CLS] premise [SEP] hypothesis [SEP]``, truncated longest-first to 128 tokens.
* The dynamic int8 quantisation computes activation scales over the whole input tensor, so a pair's
  scores would shift with the other pairs (and padding) in a batch. Every pair is therefore scored
  alone and unpadded: results are reproducible and independent of call order. :meth:`MiniLMNLI.predict_many`
  is a convenience loop, not a batch.

Example:
    >>> nli = MiniLMNLI()
    >>> s = nli.predict("Profits rose 76% to $1.13bn.", "Profits rose 34% to $1.13bn.")
    >>> s.contradiction > s.entailment
    True
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from rag.errors import ModelError
from rag.nli.base import NLIScores, OnnxPairModel, onnx_session, softmax

LABELS = ("entailment", "neutral", "contradiction")
MODEL_FILES = ("model.int8.onnx", "tokenizer.json", "labels.json")


def default_model_dir() -> Path:
    """The shipped model folder: ``models/corroborate-nli`` next to the ``rag`` package (repo root)."""
    return Path(__file__).resolve().parents[2] / "models" / "corroborate-nli"


class MiniLMNLI(OnnxPairModel):
    """The packaged 3-way int8 MiniLM NLI cross-encoder; one pair per ONNX call.

    Loads lazily on the first ``predict`` (or ``warm_up``), about 0.3 s.

    Example:
        >>> nli = MiniLMNLI()                                  # or MiniLMNLI("/path/to/corroborate-nli")
        >>> s = nli.predict("The vote is due to be taken on Wednesday.", "The vote is due to be taken on Friday.")
        >>> max(("entailment", s.entailment), ("neutral", s.neutral), ("contradiction", s.contradiction), key=lambda t: t[1])[0]
        'contradiction'
    """

    def __init__(self, model_dir: str | Path | None = None, threads: int = 1):
        super().__init__(threads)
        self.model_dir = Path(model_dir).expanduser() if model_dir else default_model_dir()
        self.name = "corroborate-nli-minilm-int8"
        # Centre of the conflict detector's NLI signal: on RGB/RealTimeQA 0.5 gave F1 0.944 (0.3: 0.926, 0.7: 0.933).
        self.neutral_point = 0.5
        self.max_length = 128
        self._order: list[int] = []  # position of entailment/neutral/contradiction in the logits

    def _load(self):
        """Check the model folder, then the label order, the ONNX session and the unpadded tokenizer."""
        missing = [name for name in MODEL_FILES if not (self.model_dir / name).is_file()]
        if missing:
            raise ModelError(
                f"NLI model folder {self.model_dir} lacks {', '.join(missing)}: reinstall Corroborate "
                "(the folder ships as models/corroborate-nli), pass the folder with MiniLMNLI(model_dir=...), "
                "or rebuild it with 'python -m train.nli.export --model TRAINED_DIR'."
            )
        from tokenizers import Tokenizer

        meta = json.loads((self.model_dir / "labels.json").read_text(encoding="utf-8"))
        labels = [str(x).lower() for x in meta.get("labels", [])]
        if sorted(labels) != sorted(LABELS):
            raise ModelError(f"{self.model_dir / 'labels.json'} must list {list(LABELS)}; it lists {labels}.")
        self._order = [labels.index(name) for name in LABELS]
        self.max_length = int(meta.get("max_length", 128))
        session = onnx_session(self.model_dir / "model.int8.onnx", self.threads)
        tok = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tok.no_padding()
        tok.enable_truncation(max_length=self.max_length, strategy="longest_first")
        return session, tok

    def logits(self, premise: str, hypothesis: str) -> np.ndarray:
        """Raw logits in the order entailment, neutral, contradiction (one unpadded ONNX call)."""
        return self._pair_logits(premise or "", hypothesis or "")[self._order].astype(np.float64)

    def predict(self, premise: str, hypothesis: str) -> NLIScores:
        """P(entailment), P(neutral), P(contradiction) for the pair, scored alone."""
        p = softmax(self.logits(premise, hypothesis))
        return NLIScores(entailment=float(p[0]), neutral=float(p[1]), contradiction=float(p[2]))

    def predict_many(self, pairs: Iterable[tuple[str, str]]) -> list[NLIScores]:
        """Score several pairs, each alone (same numbers as calling :meth:`predict` on each)."""
        return [self.predict(p, h) for p, h in pairs]
