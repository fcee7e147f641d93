"""Read eval sets: a JSONL file, a bench folder (``questions.jsonl`` + ``docs/``) or the name ``bundled``.

The folders in ``../shared/bench/`` (``realtimeqa``, ``rgb_en_fact``) load as they are: their
questions follow ``EvalQuestion`` and their ``docs/`` folder becomes the corpus.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from eval.schema import EvalQuestion
from rag.errors import InputError

SETS_DIR = Path(__file__).parent / "sets"
REPO_DIR = Path(__file__).resolve().parent.parent
#: Named sets: name -> (questions file, default corpus folder).
NAMED_SETS = {"bundled": (SETS_DIR / "bundled.jsonl", REPO_DIR / "corpus")}


class EvalSet(BaseModel):
    """A loaded question set and the corpus it was written for, if known."""

    name: str = Field(description="Short name used in run folders and reports.")
    path: str = Field(description="The questions file.")
    questions: list[EvalQuestion] = Field(description="Questions in file order.")
    corpus: str | None = Field(default=None, description="Folder of documents the set refers to, if known.")


def load_questions(path: Path) -> list[EvalQuestion]:
    """Parse a JSONL file of ``EvalQuestion`` objects; errors name the line and the field.

    Raises:
        InputError: unreadable file, bad JSON, a line that fails the schema, or duplicate ids.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise InputError(f"Cannot read the eval set {path}: {e}") from e
    out: list[EvalQuestion] = []
    seen: set[str] = set()
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            q = EvalQuestion.model_validate(json.loads(line))
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{lineno}: not JSON ({e.msg}).") from None
        except ValidationError as e:
            msgs = "; ".join(f"{'.'.join(str(x) for x in err['loc']) or 'line'}: {err['msg']}" for err in e.errors())
            raise InputError(f"{path}:{lineno}: {msgs}") from None
        if q.id in seen:
            raise InputError(f"{path}:{lineno}: duplicate id {q.id!r}; ids must be unique.")
        seen.add(q.id)
        out.append(q)
    if not out:
        raise InputError(f"The eval set {path} holds no questions.")
    return out


def load_set(spec: str | Path) -> EvalSet:
    """Load ``spec``: a named set (``bundled``), a JSONL file, or a folder with ``questions.jsonl`` and ``docs/``.

    Raises:
        InputError: the path does not exist or is not a set.
    """
    name = str(spec)
    if name in NAMED_SETS:
        path, corpus = NAMED_SETS[name]
        return EvalSet(name=name, path=str(path), questions=load_questions(path), corpus=str(corpus))
    p = Path(spec).expanduser()
    if p.is_dir():
        qfile = p / "questions.jsonl"
        if not qfile.is_file():
            raise InputError(f"{p} is a folder without questions.jsonl; give a JSONL file or a bench folder.")
        docs = p / "docs"
        return EvalSet(
            name=p.resolve().name,
            path=str(qfile),
            questions=load_questions(qfile),
            corpus=str(docs) if docs.is_dir() else None,
        )
    if not p.is_file():
        known = ", ".join(NAMED_SETS)
        raise InputError(f"No eval set at {p}. Give a JSONL file, a folder with questions.jsonl, or one of: {known}.")
    corpus = None
    for set_path, set_corpus in NAMED_SETS.values():
        if p.resolve() == set_path.resolve():
            corpus = str(set_corpus)
    if corpus is None and (p.parent / "docs").is_dir() and p.name == "questions.jsonl":
        corpus = str(p.parent / "docs")
    stem = p.parent.resolve().name if p.name == "questions.jsonl" else p.stem
    return EvalSet(name=stem, path=str(p), questions=load_questions(p), corpus=corpus)


def select(
    questions: list[EvalQuestion], sample: int | None = None, seed: int = 0, limit: int | None = None
) -> list[EvalQuestion]:
    """A seeded random sample (kept in file order), then the first ``limit``; the same arguments give the same ids."""
    if sample is not None and sample < 1:
        raise InputError(f"--sample must be at least 1. Currently, sample is {sample}")
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be at least 1. Currently, limit is {limit}")
    chosen = list(questions)
    if sample is not None and sample < len(chosen):
        keep = set(random.Random(seed).sample(range(len(chosen)), sample))
        chosen = [q for i, q in enumerate(chosen) if i in keep]
    if limit is not None:
        chosen = chosen[:limit]
    return chosen


_GROUP_IN_NOTE = re.compile(r"\barticle\s+([^,;]+)")


def split_part(evset: EvalSet, part: str) -> list[EvalQuestion]:
    """The questions of one part (``dev`` or ``test``) of the set's fixed split (``split.json`` beside it).

    ``split.json`` maps each part to question ids, or to group names (an article) that a question's
    ``note`` names as ``article NAME,``: tune on ``dev``, report ``test``.

    Raises:
        InputError: no split file, an unknown part, or a part that selects no question.
    """
    path = Path(evset.path).parent / "split.json"
    if not path.is_file():
        raise InputError(f"--split needs {path}; this set has no fixed split (use --sample with a --seed instead).")
    try:
        split = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise InputError(f"Cannot read {path}: {e}") from None
    entries = split.get(part)
    if not isinstance(entries, list):
        parts = ", ".join(k for k, v in split.items() if isinstance(v, list))
        raise InputError(f"{path} has no part {part!r}; it has: {parts}.")
    wanted = set(map(str, entries))
    out = []
    for q in evset.questions:
        m = _GROUP_IN_NOTE.search(q.note or "")
        if q.id in wanted or (m and m.group(1).strip() in wanted):
            out.append(q)
    if not out:
        raise InputError(f"The {part!r} part of {path} selects no question of {evset.path}.")
    return out


def doc_key(source: str) -> str:
    """The id eval sets use for a stored document: the stem of its source path."""
    return Path(source).stem if source else ""
