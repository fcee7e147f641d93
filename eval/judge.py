"""The entailment judge behind the citation and faithfulness metrics.

ALCE scores citations with an NLI model (TRUE, a T5-11B). Offline we have no such model yet, so the
default judge is our own support test, ``rag.verify.check_support`` (numbers, names, content-word
overlap, negation, embedding similarity). Because the pipeline's verifier uses the same test, our
system is partly graded by its own rules: the report always names the judge, and an NLI model can be
swapped in through ``NLIJudge`` as soon as one exposes ``entails(premise, hypothesis)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from rag.embed import Embedder
from rag.errors import ConfigError
from rag.settings import Settings, VerifySettings
from rag.text import content_terms
from rag.types import Evidence
from rag.verify import check_support


@runtime_checkable
class Judge(Protocol):
    """Decides whether premises (passages, joined) support a hypothesis (one answer sentence)."""

    name: str

    def supports(self, hypothesis: str, premises: Sequence[str], question: str = "") -> bool:
        """True when the premises, read together, support the hypothesis."""
        ...


class SupportJudge:
    """The pipeline's lexical + embedding support test as a judge.

    Example:
        >>> judge = SupportJudge(get_embedder(settings), settings.verify)
        >>> judge.supports("Mali says the drone crashed 9.5km inside Mali.", ["Mali ... crashed 9.5km inside its territory"])
    """

    def __init__(self, embedder: Embedder, cfg: VerifySettings | None = None):
        self.embedder = embedder
        self.cfg = cfg or VerifySettings()
        self.name = f"support: rag.verify.check_support (lexical + embedding, {getattr(embedder, 'name', 'embedder')})"
        self._vecs: dict[str, np.ndarray] = {}

    def _vec(self, texts: list[str]) -> list[np.ndarray]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vecs]
        if missing:
            for t, v in zip(missing, self.embedder.embed_documents(missing)):
                self._vecs[t] = np.asarray(v, dtype=np.float32)
        if len(self._vecs) > 20000:  # a long run over a big corpus: keep memory bounded
            self._vecs = {t: self._vecs[t] for t in texts}
        return [self._vecs[t] for t in texts]

    def supports(self, hypothesis: str, premises: Sequence[str], question: str = "") -> bool:
        premises = [p for p in premises if p and p.strip()]
        if not premises or not hypothesis.strip():
            return False
        vecs = self._vec([hypothesis, *premises])
        similarity = max(float(vecs[0] @ v) for v in vecs[1:])
        evidence = [
            Evidence(key=i + 1, doc_id="premise", source="", title="", start=0, end=len(p), text=p)
            for i, p in enumerate(premises)
        ]
        ok, _, _ = check_support(hypothesis, evidence, "", set(content_terms(question)), similarity, self.cfg)
        return ok


def entailment_probability(result: Any) -> float:
    """The entailment probability from an ``entails()``/``predict()`` result.

    Accepts a mapping with an ``entailment`` key, an object with an ``entailment`` attribute (such as
    ``rag.nli.NLIScores``), or a sequence ordered (entailment, neutral, contradiction).

    Raises:
        ConfigError: the model gives no entailment probability (a 2-class contradiction model).
    """
    value = result.get("entailment") if isinstance(result, dict) else getattr(result, "entailment", result)
    if value is None:
        raise ConfigError(
            "The NLI model gives no entailment probability (it is a 2-class contradiction model); "
            "citation metrics need a 3-way model. Use --judge support."
        )
    if value is not result:
        return float(value)
    if isinstance(result, (int, float)):
        return float(result)
    return float(list(result)[0])


class NLIJudge:
    """A 3-way NLI model as a judge: supported when P(entailment | premises joined, hypothesis) >= threshold.

    The model exposes ``entails(premise, hypothesis)`` or ``predict(premise, hypothesis)`` (the
    ``rag.nli.NLIModel`` protocol) returning probabilities with an entailment entry.

    Example:
        >>> judge = NLIJudge(my_model, threshold=0.5, name="nli: my-model")
    """

    def __init__(self, model: Any, threshold: float = 0.5, name: str | None = None):
        if not (hasattr(model, "entails") or hasattr(model, "predict")):
            raise ConfigError(
                f"The NLI judge needs a model with entails(premise, hypothesis) or predict(...); got {type(model).__name__}."
            )
        if not 0.0 < threshold < 1.0:
            raise ConfigError(f"The NLI threshold must be between 0 and 1. Currently, threshold is {threshold}")
        self.model = model
        self.threshold = threshold
        self.name = name or f"nli: {getattr(model, 'name', type(model).__name__)} (entailment >= {threshold:g})"

    def supports(self, hypothesis: str, premises: Sequence[str], question: str = "") -> bool:
        premises = [p for p in premises if p and p.strip()]
        if not premises or not hypothesis.strip():
            return False
        score = getattr(self.model, "entails", None) or self.model.predict
        return entailment_probability(score(" ".join(premises), hypothesis)) >= self.threshold


JUDGES = ("support", "nli")


def get_judge(name: str, settings: Settings, embedder: Embedder | None = None, nli_model: str = "corroborate") -> Judge:
    """The judge called ``name``: 'support' (default, offline), 'nli' (``rag.nli.get_nli(nli_model)``,
    by default our shipped 3-way model) or 'nli:SPEC' for another NLI model spec, e.g.
    'nli:cross-encoder:/models/deberta-nli'; a 2-class model such as 'aegis' is refused.

    The 'nli' judge is checked on one pair at once, so a model without entailment probabilities
    fails here rather than mid-run.

    Raises:
        ConfigError: unknown name, or no usable 3-way NLI model installed.
    """
    if name == "support":
        from rag.embed import get_embedder

        return SupportJudge(embedder or get_embedder(settings), settings.verify)
    if name == "nli" or name.startswith("nli:"):
        if name.startswith("nli:"):
            nli_model = name[len("nli:"):]
        try:
            from rag.nli import get_nli  # type: ignore[import-not-found]
        except ImportError:
            raise ConfigError(
                "The 'nli' judge needs rag.nli (an NLI model with entails()), which is not installed yet; "
                "use --judge support."
            ) from None
        model = get_nli(nli_model, settings)
        if model is None:
            raise ConfigError("rag.nli.get_nli returned no model; use --judge support.")
        judge = NLIJudge(model)
        judge.supports("The sky is blue.", ["The sky is blue."])  # fails early for 2-class models
        return judge
    raise ConfigError(f"Unknown judge {name!r}; choose one of: {', '.join(JUDGES)}.")
