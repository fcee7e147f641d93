"""What every NLI model shares: the scores type, the model protocol and the ONNX pair runtime.

:class:`NLIScores` and :class:`NLIModel` are what verification and the conflict detector depend on;
:func:`onnx_session`, :func:`run_pair` and :class:`OnnxPairModel` are the int8 ONNX cross-encoder
runtime that our NLI model (:mod:`rag.nli.corroborate`), the aegis model, the extractive QA model
(``rag/qa.py``) and the answerability judge (``rag/answerable.py``) all load through.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, Field

from rag.errors import ModelError
from rag.offline import apply_offline_env

apply_offline_env()  # before any model or Chroma import: no hub, no telemetry (rag/offline.py)


class NLIScores(BaseModel):
    """Probabilities for one premise/hypothesis pair; a 2-class model leaves entailment/neutral as None."""

    entailment: float | None = Field(default=None, description="P(premise entails hypothesis), if the model gives it.")
    neutral: float | None = Field(default=None, description="P(neither), if the model gives it.")
    contradiction: float = Field(ge=0.0, le=1.0, description="P(the two contradict) (for 2-class models: P(not entailed)).")


@runtime_checkable
class NLIModel(Protocol):
    """What verification and the conflict detector need from an NLI model.

    A model may also carry ``neutral_point``: the contradiction probability it typically gives a
    related pair that does not conflict (the conflict detector centres the NLI signal there).
    """

    name: str

    def predict(self, premise: str, hypothesis: str) -> NLIScores:
        """Score one pair; must not depend on other pairs scored before or after."""
        ...


def softmax(z: np.ndarray) -> np.ndarray:
    """Probabilities from one row of logits (float64)."""
    z = np.asarray(z, dtype=np.float64)
    p = np.exp(z - z.max())
    return p / p.sum()


def onnx_session(path: Path, threads: int):
    """A CPU onnxruntime session for ``path`` (``threads`` intra-op threads, 0 = onnxruntime's choice).

    Raises:
        ModelError: onnxruntime is missing, or the file is not a loadable ONNX model.
    """
    try:
        import onnxruntime as ort
    except ImportError as e:  # pragma: no cover - install problem
        raise ModelError("onnxruntime is needed for the NLI models: run scripts/install.sh.") from e
    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
    try:
        return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime raises its own exception types
        raise ModelError(
            f"{path} is not a loadable ONNX model ({type(e).__name__}); if it is a few hundred bytes it "
            "is a Git LFS pointer: run 'git lfs pull', or reinstall the package that ships it."
        ) from e


def run_pair(session, input_names: list[str], enc) -> np.ndarray:
    """Logits of one encoded pair (a ``tokenizers.Encoding``), fed as a batch of one."""
    arrays = {
        "input_ids": np.array([enc.ids], dtype=np.int64),
        "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
        "token_type_ids": np.array([enc.type_ids], dtype=np.int64),
    }
    (logits,) = session.run(None, {name: arrays[name] for name in input_names})
    return logits[0]


class OnnxPairModel:
    """What the ONNX NLI runtimes share: lazy, thread-safe loading and one unpadded pair per ONNX call.

    Subclasses implement ``_load() -> (session, tokenizer)``.
    """

    def __init__(self, threads: int):
        if threads < 0:
            raise ValueError(f"threads must be >= 0. Currently, threads is {threads}")
        self.threads = threads
        self._session = None
        self._tok = None
        self._input_names: list[str] = []
        self._lock = threading.Lock()

    def _load(self):
        raise NotImplementedError

    def warm_up(self) -> None:
        """Load the tokenizer and the ONNX session (once; later calls return at once)."""
        with self._lock:
            if self._session is not None:
                return
            session, tok = self._load()
            self._input_names = [i.name for i in session.get_inputs()]
            self._tok = tok
            self._session = session

    def _pair_logits(self, premise: str, hypothesis: str) -> np.ndarray:
        self.warm_up()
        return run_pair(self._session, self._input_names, self._tok.encode(premise, hypothesis))
