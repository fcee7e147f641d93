"""The configured LLM as an NLI judge: spec ``llm``.

Slow on CPU with the embedded model; meant for a strong model behind an OpenAI-compatible server.
The LLM object is passed in (the factory, :func:`rag.nli.get_nli`, builds it from the settings), so this
module does not import ``rag.llm``.
"""

from __future__ import annotations

import re

from rag.errors import ModelError
from rag.nli.base import NLIScores


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
