"""Load prompt templates from ``prompts/`` and fill them, checking placeholders."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from prompts import CANNOT_ANSWER_PHRASE, PROMPTS_DIR
from rag.errors import ConfigError


def placeholders(template: str) -> set[str]:
    """Names of the ``{fields}`` a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@lru_cache(maxsize=32)
def load_prompt(name: str, directory: str | None = None) -> str:
    """The template ``NAME.txt`` from ``directory`` (default: the packaged prompts).

    An override must use exactly the placeholders of the packaged default.
    """
    default_path = PROMPTS_DIR / f"{name}.txt"
    if not default_path.is_file():
        raise ConfigError(f"No prompt named {name!r} in {PROMPTS_DIR}.")
    default = default_path.read_text(encoding="utf-8")
    if directory is None:
        return default
    path = Path(directory) / f"{name}.txt"
    if not path.is_file():
        return default
    text = path.read_text(encoding="utf-8")
    if placeholders(text) != placeholders(default):
        raise ConfigError(
            f"Prompt override {path} must use the placeholders {sorted(placeholders(default))}, "
            f"not {sorted(placeholders(text))}."
        )
    return text


def render(name: str, directory: str | None = None, **values: str) -> str:
    """Fill a template; ``cannot_answer`` is always available."""
    values.setdefault("cannot_answer", CANNOT_ANSWER_PHRASE)
    template = load_prompt(name, directory)
    return template.format(**{k: v for k, v in values.items() if k in placeholders(template)})
