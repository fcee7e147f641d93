"""NLI model spec strings (``verify.nli``, ``conflicts.nli``): the names and their validation.

Kept outside the ``rag.nli`` package, with no imports beyond the standard library, so that the settings
can validate a spec without loading the models' stack (numpy, onnxruntime), and so that
``rag.nli -> rag.llm -> rag.settings`` does not lead back into ``rag.nli``: the factory
(:func:`rag.nli.get_nli`) needs ``rag.llm`` for the ``llm`` judge, and ``rag.llm`` needs the settings.

Example:
    >>> check_spec(" Corroborate ")
    'corroborate'
    >>> check_spec("onnx:~/models/My-NLI")
    'onnx:~/models/My-NLI'
"""

from __future__ import annotations

#: The spec forms :func:`rag.nli.get_nli` accepts (DIR is a local folder).
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
