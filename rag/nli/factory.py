"""The factory: an NLI spec string (``verify.nli``, ``conflicts.nli``) to one model instance per process.

Adding a model: write its module in this package (a class with ``name`` and ``predict(premise,
hypothesis) -> NLIScores``, optionally ``neutral_point`` and ``warm_up``), give it a spec in
:mod:`rag.nli_spec`, and build it in :func:`get_nli` below.
"""

from __future__ import annotations

import threading

from rag.errors import ModelError
from rag.nli.aegis import AegisNLI
from rag.nli.base import NLIModel, NLIScores
from rag.nli.corroborate import MiniLMNLI
from rag.nli.cross_encoder import CrossEncoderNLI
from rag.nli.llm_judge import LLMNLI
from rag.nli_spec import check_spec


_CACHE: dict[str, NLIModel] = {}
_CACHE_LOCK = threading.Lock()


def get_nli(spec: str, settings=None) -> NLIModel | None:
    """The NLI model for ``spec`` (see :mod:`rag.nli`), or None for 'none'; one instance per process.

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
            model = MiniLMNLI()
        elif key.startswith("onnx:"):
            model = MiniLMNLI(key[len("onnx:"):])
        elif key.startswith("cross-encoder:"):
            model = CrossEncoderNLI(key[len("cross-encoder:"):])
        else:  # llm
            if settings is None:
                raise ModelError("The 'llm' NLI model needs the settings (which LLM to ask).")
            from rag.llm import get_llm  # here, not at import: rag.llm needs the settings, which need rag.nli_spec

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
