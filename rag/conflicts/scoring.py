"""The score of a pair: a logistic over its signals, with NLI run on the pairs it could tip.

Step 4 of the detector (see :mod:`rag.conflicts` for the weights and how they were chosen).
"""

from __future__ import annotations

import math

from rag.conflicts.signals import PairSignals
from rag.conflicts.units import Unit
from rag.nli import NLIModel
from rag.settings import ConflictSettings


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------


def nli_center(settings: ConflictSettings, nli: NLIModel | None) -> float:
    """The NLI contradiction probability that counts as neutral: the setting, else the model's own neutral point."""
    if settings.nli_center is not None:
        return settings.nli_center
    return float(getattr(nli, "neutral_point", 0.5))


def _logit(p: PairSignals, settings: ConflictSettings, center: float = 0.5) -> float:
    w = settings.weights
    f = p.features(center)
    return settings.bias + sum(w.get(k, 0.0) * v for k, v in f.items())


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def score_pairs(pairs: list[PairSignals], units: list[Unit], settings: ConflictSettings, nli: NLIModel | None,
                nli_limit: int) -> None:
    """Fill ``score`` (and ``nli`` for the most ambiguous pairs) in place."""
    thr = min(max(settings.threshold, 1e-6), 1 - 1e-6)
    cut = math.log(thr / (1 - thr))
    w_nli = settings.weights.get("nli", 0.0)
    center = nli_center(settings, nli)
    if nli is not None and nli_limit > 0 and w_nli > 0:
        # NLI can lower a score by up to w*center and raise it by up to w*(1-center): score only the pairs it
        # could move across the threshold, those needing the least push first
        down, up = w_nli * center, w_nli * (1 - center)
        ambiguous = []
        for p in pairs:
            if p.values.get("contrast", 0.0) >= 1.0:
                continue  # the sentence itself reports the disagreement; NLI on clause fragments is unreliable
            z = _logit(p, settings, center)
            need = (z - cut) / down if z >= cut else (cut - z) / max(up, 1e-9)
            if need < 1.0:
                ambiguous.append((need, -p.similarity, p.a, p.b, p))
        ambiguous.sort(key=lambda t: t[:4])
        for *_, p in ambiguous[:nli_limit]:
            ua, ub = units[p.a], units[p.b]
            s1 = nli.predict(ua.text, ub.text).contradiction
            s2 = nli.predict(ub.text, ua.text).contradiction
            p.nli = (s1 + s2) / 2
    for p in pairs:
        p.score = _sigmoid(_logit(p, settings, center))
