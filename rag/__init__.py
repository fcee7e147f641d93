"""Corroborate: answers over news articles with verified citations and flagged disagreements.

``from rag import Corroborate`` is the Python API (``rag/corroborate.py``); it is imported on first use so
that ``import rag`` (and the CLI) stays fast.
"""

__all__ = ["Corroborate"]


def __getattr__(name: str):
    if name == "Corroborate":
        from rag.corroborate import Corroborate

        return Corroborate
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
