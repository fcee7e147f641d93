"""Article metadata: title, author, dates, site name and dateline.

Explicit metadata (Markdown front matter, then HTML meta tags) wins over what
is read from the text. From the text, bylines and printed date lines are only
trusted near the top (``clean.head_region``), so dates inside the story or in
a trailer of other stories are never taken as the article's own.

Example:
    >>> clean = "Drone downed near border\\nBamako – Mali said the drone crashed inside its territory."
    >>> raw = clean.replace("\\n", "\\nBy Jane Doe\\n", 1)
    >>> meta = extract_meta(raw, clean)
    >>> meta.title, meta.author, meta.dateline
    ('Drone downed near border', 'Jane Doe', 'Bamako')
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ingest.clean import (
    BYLINE_RE,
    DATE_CORE,
    DATE_LINE_RE,
    RELATIVE_DATE_RE,
    head_region,
    looks_like_title,
    normalize_newlines,
)
from rag.text.months import MONTH_ABBREVIATIONS, MONTHS
from rag.types import DocMeta

TITLE_MAX_CHARS = 100
"""An inferred title (first sentence) is cut at a word boundary near this length."""

_ISO_RE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$")  # 2023-01-05, 2023/01/05
_DATE_SEARCH_RE = re.compile(DATE_CORE, re.I)

_UPPER = "A-ZÀ-ÖØ-Þ"
_MONTH_NAME = "(?:" + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True)) + ")"
_PLACE_WORD = rf"[{_UPPER}][^\W\d_]*(?:[.'’-][^\W\d_]+)*\.?"
_PLACE = rf"{_PLACE_WORD}(?:[ -]{_PLACE_WORD}){{0,3}}"
DATELINE_RE = re.compile(
    rf"^(?P<place>{_PLACE}(?:,\s*{_PLACE}){{0,2}})(?:,\s*{_MONTH_NAME}\.?\s+\d{{1,2}})?(?:\s*\([^()\n]{{1,30}}\))?"
    rf"(?P<sep>\s+[–—-]{{1,2}}|\s*[–—]|:)\s+(?=[\"“‘'(]?[{_UPPER}0-9])"
)
"""'Algiers, Algeria – ', 'BAMAKO, Mali (Reuters) - ', 'Rabat — ' at the start of a paragraph."""

_NOT_PLACES = frozenset(
    "exclusive breaking update updated analysis opinion watch live editorial comment video photos explainer"
    " interview factbox fact check q&a exclusive interview news report special report".split()
)

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen col lt sgt capt maj st no vs prof sen rep gov pres inc ltd co corp jr sr".split()
) | frozenset(MONTH_ABBREVIATIONS)


def extract_meta(
    raw: str,
    clean: str,
    html_meta: dict[str, Any] | None = None,
    front_matter: dict[str, Any] | None = None,
) -> DocMeta:
    """Build ``DocMeta`` for one article.

    ``raw`` is the text that was given to ``clean_text`` (bylines and date lines
    are read from it, since cleaning removes them) and ``clean`` is its result.
    ``html_meta`` may hold ``title``, ``author``, ``date`` (or ``published``) and
    ``sitename`` (or ``site_name``/``source_name``), as trafilatura returns them;
    ``front_matter`` is the parsed YAML header of a Markdown file (``title``,
    ``author``/``authors``, ``date``/``published``, ``source``/``site``/``publisher``).
    """
    fm = {str(k).lower(): v for k, v in (front_matter or {}).items()}
    hm = {str(k).lower(): v for k, v in (html_meta or {}).items()}
    head = head_region(normalize_newlines(raw).split("\n"))

    title, inferred = _text(_first(fm, "title", "headline")) or _text(hm.get("title")), False
    if not title:
        title, inferred = title_from_text(clean)

    byline = next((m for m in map(BYLINE_RE.match, head) if m), None)
    author = (
        _people(_first(fm, "author", "authors", "byline"))
        or _people(hm.get("author"))
        or (_tidy_name(byline.group("name")) if byline else None)
    )

    date_line = next((s for s in head if RELATIVE_DATE_RE.match(s) or DATE_LINE_RE.match(s)), None)
    published = (
        parse_date(_first(fm, "date", "published", "pubdate", "published_at", "publish_date"))
        or parse_date(_first(hm, "date", "published"))
        or (parse_date(date_line) if date_line else None)
    )
    source_name = _text(_first(fm, "source", "source_name", "site", "site_name", "publisher", "publication")) or _text(
        _first(hm, "sitename", "site_name", "source_name")
    )
    return DocMeta(
        title=title,
        title_inferred=inferred,
        author=author,
        published=published,
        date_text=date_line,
        source_name=source_name,
        dateline=find_dateline(clean),
    )


def title_from_text(clean: str) -> tuple[str, bool]:
    """The headline (first line, if it looks like one) or the first sentence, truncated.

    Returns ``(title, inferred)``; ``inferred`` is True when no headline line was found.
    """
    lines = [s for s in (line.strip() for line in clean.split("\n")) if s]
    if not lines:
        return "", False
    if len(lines) > 1 and looks_like_title(lines[0]):
        return lines[0], False
    para = lines[0]
    m = _dateline_match(para)
    if m:
        para = para[m.end() :]
    return truncate_title(first_sentence(para)), True


def first_sentence(text: str) -> str:
    """The text up to the first sentence end that is not an abbreviation or initial."""
    for m in re.finditer(r"[.!?…][\"”’')\]]*(?=\s|$)", text):
        word = text[: m.start()].rsplit(None, 1)[-1] if text[: m.start()].strip() else ""
        bare = word.strip("\"“‘'(").lower()
        if text[m.start()] == "." and (len(bare) <= 1 or bare in _ABBREVIATIONS or "." in bare):
            continue
        return text[: m.end()].strip()
    return text.strip()


def truncate_title(text: str, limit: int = TITLE_MAX_CHARS) -> str:
    """Cut ``text`` at a word boundary to about ``limit`` characters, adding '…' when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(None, 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:–—-") + "…"


def find_dateline(clean: str) -> str | None:
    """The place line opening the first paragraph of the story, e.g. 'Algiers, Algeria'."""
    lines = [s for s in (line.strip() for line in clean.split("\n")) if s]
    if len(lines) > 1 and looks_like_title(lines[0]):
        lines = lines[1:]
    for para in lines[:2]:
        m = _dateline_match(para)
        if m:
            return m.group("place").strip()
    return None


def parse_date(value: Any) -> str | None:
    """ISO ``YYYY-MM-DD`` for a date, datetime, ISO string or printed date ('April 7, 2025'), else None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    m = _ISO_RE.match(text)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_SEARCH_RE.search(text)
    if not m:
        return None
    if m.group("y1"):
        return _iso(int(m.group("y1")), MONTHS[m.group("m1").lower()], int(m.group("d1")))
    if m.group("y2"):
        return _iso(int(m.group("y2")), MONTHS[m.group("m2").lower()], int(m.group("d2")))
    return _iso(int(m.group("y3")), int(m.group("m3")), int(m.group("d3")))


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _dateline_match(para: str) -> re.Match[str] | None:
    m = DATELINE_RE.match(para)
    if not m:
        return None
    place = m.group("place")
    words = place.replace(",", " ").split()
    if not 0 < len(words) <= 6 or place.split(",")[0].strip().lower() in _NOT_PLACES:
        return None
    # "Note: ..." is not a dateline; "ALGIERS: ..." is (colon datelines are set in capitals).
    if m.group("sep") == ":" and not place.split(",")[0].isupper():
        return None
    return m


def _first(d: dict[str, Any], *keys: str) -> Any:
    return next((d[k] for k in keys if d.get(k) not in (None, "", [])), None)


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _people(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):
        names = [n for n in (_text(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _tidy_name(name: str) -> str | None:
    name = re.sub(r"\s+(?:and|&)$", "", " ".join(name.split()))
    return name or None
