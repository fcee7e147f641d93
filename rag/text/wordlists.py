"""The word lists shipped in ``rag/data`` (antonyms, demonyms, places, WordNet opposites, ...), read one way."""

from __future__ import annotations

from importlib import resources


def data_lines(name: str) -> list[str]:
    """The lines of ``rag/data/<name>`` that are not blank or ``#`` comments."""
    text = resources.files("rag").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]
