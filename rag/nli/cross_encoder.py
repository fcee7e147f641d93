"""A local sentence-transformers ``CrossEncoder`` folder with 3 NLI labels: spec ``cross-encoder:DIR``.

sentence-transformers and torch are imported on the first ``predict`` (or ``warm_up``), not at start-up.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from rag.errors import ModelError
from rag.nli.base import NLIScores, softmax


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
