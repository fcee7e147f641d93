"""Remove web junk from scraped article text, recording every removal.

Scraped news text carries page furniture between and after the story: image
placeholders, weather widgets, share buttons, comment counters, bylines and a
trailer of other stories ("Related Articles"). ``clean_text`` drops them with
general line rules (nothing keyed to one site) and keeps each kept character
exactly as it was, so quotes and citation offsets match the article wording.

Example:
    >>> result = clean_text("Drone downed\\nMali said the drone crashed.\\nShare\\n")
    >>> result.text
    'Drone downed\\nMali said the drone crashed.'
    >>> [(r.text, r.reason) for r in result.removed]
    [('Share', 'UI label')]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import rag.settings
from rag.text.months import MONTH_PATTERN, WEEKDAY_ABBREVIATIONS, WEEKDAYS
from rag.text.numerals import CARDINALS
from rag.types import Removal

# Hashed into index names, so it lives in the core (rag.settings.index_key): bump it there whenever
# cleaning output changes.
CLEANER_VERSION = rag.settings.CLEANER_VERSION

TERMINAL = ".!?…\"”’'»)]"
"""Characters a finished sentence (or quote) ends with."""

MAX_HEAD_LINES = 15
"""Bylines and printed date lines are only looked for this near the top."""

# --- line patterns (matched against a stripped line) -------------------------------

_IMG_EXT = r"(?:jpe?g|png|gif|webp|svg|bmp|tiff?|avif|heic)"
_DIMS = r"\(\s*\d{1,5}\s*[×xX*]\s*\d{1,5}\s*\)"
IMAGE_LINE_RES = (
    re.compile(rf"^\S{{1,400}}\s*{_DIMS}$"),  # AD_4nXd...KmU8 (800×455)
    re.compile(rf"^(?:\S+\s+){{0,5}}\S*\.{_IMG_EXT}(?:\?\S*)?(?:\s*{_DIMS})?$", re.I),  # map.jpg (1032×1238)
    re.compile(r"^[A-Za-z0-9_-]{40,}$"),  # opaque image/asset id
)
IMAGE_CREDIT_RE = re.compile(
    r"^[(\[]?(?:file\s+)?(?:photo|image|picture|illustration|graphic|video)s?\s*(?:credit|source|caption)?\s*"
    r"(?::|,|by\b|/|©)"
    r".{0,150}$",
    re.I,
)
COPYRIGHT_RE = re.compile(r"^(?:©|\(c\)|copyright)\s*©?\s*\d{4}\b.{0,150}$|^.{0,100}\ball rights reserved\.?$", re.I)

# Relative dates count in small numbers ('three hours ago'); widening this changes cleaning (CLEANER_VERSION).
_NUM_WORD = r"(?:\d+|an?|" + "|".join(w for w, v in CARDINALS.items() if 1 <= v <= 12) + "|a few|few|several)"
RELATIVE_DATE_RE = re.compile(
    rf"^(?:(?:last\s+)?(?:updated|published|posted|edited)\s*:?\s*)?(?:about |over |almost |nearly |less than )?"
    rf"{_NUM_WORD}\s+(?:sec(?:ond)?|min(?:ute)?|h(?:ou)?r|day|week|month|year|yr)s?\.?\s+ago\.?$"
    r"|^(?:just now|yesterday|today)$",
    re.I,
)

_MONTH = MONTH_PATTERN
_WEEKDAY = "(?:" + "|".join([*WEEKDAYS, *WEEKDAY_ABBREVIATIONS]) + ")"
DATE_CORE = (
    rf"(?:(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH})\.?,?\s+(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2}))"
)
DATE_LINE_RE = re.compile(
    rf"^(?:(?:first\s+|last\s+)?(?:published|updated|posted|date|dated)(?:\s+on)?\s*:?\s*)?(?:{_WEEKDAY}\.?,?\s+)?"
    rf"{DATE_CORE}"
    r"(?:\s*(?:,|at|\||-|–|—)?\s*\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"  # time
    r"(?:\s*\(?[a-z]{2,5}(?:[+-]\d{1,2})?\)?)?)?"  # time zone
    r"\.?$",
    re.I,
)
"""A line that is only a printed publication date, e.g. 'Published: April 7, 2025 10:15 GMT'."""

_NAME = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
_PARTICLE = r"(?:de|da|di|du|del|della|van|von|der|den|al|el|bin|ibn|ben|la|le|and|&)"
BYLINE_RE = re.compile(
    rf"^(?i:by|written by|words by|story by|reported by|author\s*:)\s+"
    rf"(?P<name>{_NAME}(?:\s+(?:{_PARTICLE}\s+){{0,3}}{_NAME}){{0,6}})"
    r"\s*(?:(?:[,|•·–—-]|\bin\b)\s*(?P<extra>\S+(?:\s+\S+){0,7}))?(?<![.!?])$"
)
"""A byline such as 'By Mohammed Ghani' or 'By Jane Doe, Reuters'; group ``name`` is the author."""

_UI_PHRASES = frozenset(
    {
        "print", "share", "shares", "share this", "share this article", "share this story", "share article",
        "share story", "tweet", "facebook", "twitter", "whatsapp", "linkedin", "telegram", "reddit", "pinterest",
        "instagram", "email", "e-mail", "copy link", "link copied", "save", "saved", "bookmark", "listen",
        "listen to this article", "font size", "text size", "a+", "a-", "a+ a-", "aa", "zoom", "leave a comment",
        "leave a reply", "post a comment", "add a comment", "write a comment", "add comment", "comment", "reply",
        "like", "follow", "follow us", "subscribe", "subscribe now", "sign in", "sign up", "log in", "login",
        "register", "menu", "search", "close", "home", "skip to content", "skip to main content", "back to top",
        "scroll to top", "show more", "see more", "load more", "view more", "loading", "advertisement",
        "advertising", "sponsored", "sponsored content", "ad", "ads", "hashtags", "tags", "topics", "newsletter",
        "notifications", "accept cookies", "accept all", "reject all", "manage cookies", "cookie settings",
        "report an error", "report a typo", "view comments", "show comments", "hide comments", "comments",
        "story continues below advertisement", "continue reading below", "continue reading",
    }
)
SHARE_RE = re.compile(r"^(?:click to )?share (?:this|on|via|to)\b.{0,60}$", re.I)
COUNTER_RE = re.compile(
    r"^\d+(?:[.,]\d+)?\s*[kKmM]?\s*(?:comments?|shares?|views?|likes?|reactions?|replies|reads?)$", re.I
)
COMMENT_UI_RE = re.compile(
    r"^(?:no comments?(?: yet)?|be the first to comment(?: on this)?|comments are closed|\d+\s+comments?"
    r"|comments?\s*\(\d+\)|(?:you must be )?log(?:ged)? in to (?:post a )?comment|join the (?:conversation|discussion)"
    r"|(?:show|view|load|see) (?:all |more )?(?:\d+ )?comments)[\s.!…:]*$",
    re.I,
)
PROMO_RE = re.compile(
    r"^(?:try|explore|discover|download|get|install|join|follow|sign up|subscribe|register|click|tap)\b.{0,80}"
    r"(?:features?|apps?|newsletter|can do for you|for you|channel|podcast|here|now|free|today|updates"
    r"|on (?:facebook|twitter|x|instagram|telegram|whatsapp|youtube|google news))\W{0,3}$",
    re.I,
)
RELATED_LINK_RE = re.compile(
    r"^(?:read more|read also|also read|read next|see also|related|recommended|more)\s*[:|»›]\s*\S.{0,150}$", re.I
)
HASHTAGS_RE = re.compile(r"^(?:#[^\W\d_][\w-]*[\s,]*)+$")
URL_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
BULLET_RE = re.compile(r"^(?:[-*•–]|\d{1,3}[.)])\s")
BREADCRUMB_RE = re.compile(r"^[^\W\d_][\w'’ -]{0,25}(?:\s*[»›]\s*[^\W\d_][\w'’ -]{0,25}){1,5}$")

TRAILER_RE = re.compile(
    r"^(?:related(?: articles?| stories| posts| news| content| coverage| reading| topics)?"
    r"|read (?:more|next|also)|also read|see also|further reading|don'?t miss|editor'?s picks?"
    r"|more (?:from|on|in|about)\b.{1,50}|more (?:stories|news|articles|like this|to read)"
    r"|you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|recommended(?: for you| stories| articles| reading)?"
    r"|most (?:read|popular|viewed|shared|commented)(?: (?:articles|stories|news))?"
    r"|trending(?: now| stories| news| articles)?|popular(?: now| stories| articles| news)?"
    r"|latest (?:news|stories|articles)|top stories|other (?:news|stories)"
    r"|comments?(?:\s*\(\d+\))?)\s*[:›»>]?$",
    re.I,
)
"""A heading after which the page shows other stories or comments, not this article."""

# --- inline patterns (matched against the whole text) ------------------------------

_TAGS = (
    "a|abbr|article|aside|audio|b|big|blockquote|body|br|button|caption|center|cite|code|dd|del|div|dl|dt|em"
    "|embed|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|label|li|link"
    "|main|mark|meta|nav|noscript|object|ol|p|param|picture|pre|q|s|section|small|source|span|strong|sub|sup"
    "|svg|table|tbody|td|template|th|thead|time|title|tr|u|ul|video|wbr"
)
SCRIPT_BLOCK_RE = re.compile(r"<(script|style|noscript|template|iframe)\b[^>]*>.*?</\1\s*>", re.I | re.S)
HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
HTML_TAG_RE = re.compile(rf"</?(?:{_TAGS}|script|style)\b(?:\s[^<>]*)?/?>|<!doctype[^<>]*>", re.I)
MD_IMAGE_RE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
MD_LINK_RE = re.compile(r"(?<!!)(\[)[^\]\n]+(\]\([^)\n]*\))")
MD_HEADING_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+", re.M)
MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(?=\S)[^\n]+?(?<=\S)(\1)")
NUL_RE = re.compile("\x00+")  # stray NUL bytes in a damaged text file


@dataclass(frozen=True)
class CleanResult:
    """Clean article text plus what was removed from the raw text.

    Example:
        >>> res = clean_text("Headline here\\nBody sentence one.\\n12\\n")
        >>> res.text, res.removed[0].reason
        ('Headline here\\nBody sentence one.', 'lone number')
    """

    text: str
    removed: list[Removal] = field(default_factory=list)


class _Span(NamedTuple):
    start: int  # recorded removal, raw[start:end]
    end: int
    reason: str
    cut_start: int  # what assembly drops: the removal plus, for whole lines, their indent and line break
    cut_end: int


@dataclass
class _Line:
    start: int  # offset of the first character of the line in the raw text
    end: int  # offset of the line's newline (or of the end of text)
    eff: str  # the line with inline removals taken out, stripped


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF; cleaning offsets refer to text normalised this way."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(raw: str, *, markdown: bool = False) -> CleanResult:
    """Strip web junk from an article, keeping the article text verbatim.

    Offsets in ``removed`` point into ``raw`` after newline normalisation
    (``normalize_newlines``), so ``raw[r.start:r.end] == r.text`` holds for
    LF text. Removed lines are dropped with their line break, runs of blank
    lines are collapsed to one and trailing whitespace is stripped; nothing
    else changes. With ``markdown=True`` heading markers, link brackets and
    ``**``/``__`` emphasis markers are removed too.
    """
    raw = normalize_newlines(raw)
    inline = _inline_spans(raw, markdown)
    lines = _split_lines(raw, inline)
    spans = _merge(_line_spans(raw, lines), inline)
    removed = [Removal(start=sp.start, end=sp.end, text=raw[sp.start : sp.end], reason=sp.reason) for sp in spans]
    return CleanResult(text=_assemble(raw, spans), removed=removed)


def is_sentence_end(line: str) -> bool:
    """True when a stripped line ends like a finished sentence or quote."""
    return bool(line) and line[-1] in TERMINAL


def is_body_paragraph(line: str) -> bool:
    """A stripped line that is clearly running article prose (long and punctuated)."""
    return len(line.split()) >= 12 and is_sentence_end(line)


def looks_like_title(line: str) -> bool:
    """Short, title-cased-or-capitalised line without a final period: a headline candidate."""
    words = line.split()
    if not 1 <= len(words) <= 40 or len(line) > 250 or line[-1] in ".,;:":
        return False
    first_alpha = next((ch for ch in line if ch.isalpha()), "")
    return bool(first_alpha) and not first_alpha.islower()


def head_region(lines: Iterable[str]) -> list[str]:
    """The stripped, non-blank lines before the second body paragraph (at most ``MAX_HEAD_LINES``).

    Bylines and printed date lines are trusted only here, so dates quoted in the
    story or in a trailer of other stories are never taken as the article's own.
    """
    head: list[str] = []
    bodies = 0
    for line in lines:
        s = line.strip()
        if not s:
            continue
        if is_body_paragraph(s):
            bodies += 1
            if bodies == 2:
                break
        head.append(s)
        if len(head) >= MAX_HEAD_LINES:
            break
    return head


def junk_reason(line: str, *, in_head: bool = False) -> str | None:
    """Why a stripped line is page furniture rather than article text, or None to keep it."""
    if not line:
        return None
    low = " ".join(line.lower().split())
    if any(rx.match(line) for rx in IMAGE_LINE_RES):
        return "image placeholder"
    if not any(ch.isalnum() for ch in line):
        return "stray symbols"
    if not any(ch.isalpha() for ch in line) and len(line) <= 24:
        return "lone number"
    if RELATIVE_DATE_RE.match(line):
        return "relative date"
    if low.strip(" :.!|·•-") in _UI_PHRASES or SHARE_RE.match(line):
        return "UI label"
    if COUNTER_RE.match(line):
        return "counter"
    if COMMENT_UI_RE.match(line):
        return "comment widget"
    if len(line) <= 100 and not line.endswith((".", "!", "?", '"', "”")) and PROMO_RE.match(line):
        return "promotion"
    if RELATED_LINK_RE.match(line):
        return "related-story link"
    if HASHTAGS_RE.match(line):
        return "hashtags"
    if URL_RE.match(line):
        return "bare link"
    if BREADCRUMB_RE.match(line):
        return "breadcrumb"
    if len(line) <= 200 and IMAGE_CREDIT_RE.match(line):
        return "image credit"
    if len(line) <= 200 and COPYRIGHT_RE.match(line):
        return "copyright notice"
    if len(line) <= 120 and BYLINE_RE.match(line):
        return "byline"
    if in_head and DATE_LINE_RE.match(line):
        return "date line"
    return None


# --- internals ---------------------------------------------------------------------


def _inline_spans(raw: str, markdown: bool) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for rx, why in (
        (SCRIPT_BLOCK_RE, "script/style block"),
        (HTML_COMMENT_RE, "HTML comment"),
        (MD_IMAGE_RE, "markdown image"),
        (HTML_TAG_RE, "HTML markup"),
    ):
        found += [_swallow_space(raw, m.start(), m.end(), why) for m in rx.finditer(raw)]
    found += [(m.start(), m.end(), "NUL byte") for m in NUL_RE.finditer(raw)]
    if markdown:
        found += [(m.start(), m.end(), "markdown heading marker") for m in MD_HEADING_RE.finditer(raw)]
        for m in MD_LINK_RE.finditer(raw):
            found += [(m.start(1), m.end(1), "markdown link syntax"), (m.start(2), m.end(2), "markdown link syntax")]
        for m in MD_EMPHASIS_RE.finditer(raw):
            found += [(m.start(1), m.end(1), "markdown emphasis"), (m.start(2), m.end(2), "markdown emphasis")]
    # Greedy: earliest first, longest first at the same start; overlapping later spans are dropped.
    found.sort(key=lambda s: (s[0], -s[1]))
    kept: list[tuple[int, int, str]] = []
    for span in found:
        if span[1] > span[0] and (not kept or span[0] >= kept[-1][1]):
            kept.append(span)
    return kept


def _swallow_space(raw: str, start: int, end: int, why: str) -> tuple[int, int, str]:
    # "text <img> more" would leave a double space; take one of the two along.
    before = raw[start - 1] if start > 0 else "\n"
    if before in " \n" and raw[end : end + 1] == " ":
        end += 1
    return start, end, why


def _kept_text(raw: str, start: int, end: int, spans: list[tuple[int, int, str]], starts: list[int]) -> str:
    i = max(bisect.bisect_right(starts, start) - 1, 0)
    out, pos = [], start
    while i < len(spans) and spans[i][0] < end:
        s, e, _ = spans[i]
        if e > pos:
            out.append(raw[pos : max(s, pos)])
            pos = max(pos, e)
        i += 1
    if pos < end:
        out.append(raw[pos:end])
    return "".join(out)


def _split_lines(raw: str, inline: list[tuple[int, int, str]]) -> list[_Line]:
    starts = [s for s, _, _ in inline]
    lines, pos = [], 0
    for chunk in raw.split("\n"):
        end = pos + len(chunk)
        eff = _kept_text(raw, pos, end, inline, starts).strip() if inline else chunk.strip()
        lines.append(_Line(pos, end, eff))
        pos = end + 1
    return lines


def _whole_lines(raw: str, first: _Line, last: _Line, reason: str) -> _Span:
    """A removal of whole lines: records the stripped text, cuts the lines with their line break."""
    text = raw[first.start : last.end]
    start = first.start + len(text) - len(text.lstrip())
    end = max(last.end - (len(text) - len(text.rstrip())), start)
    return _Span(start, end, reason, first.start, min(last.end + 1, len(raw)))


def _has_digit_or_no_letter(line: str) -> bool:
    return any(ch.isdigit() for ch in line) or not any(ch.isalpha() for ch in line)


def _is_short(line: str) -> bool:
    return len(line) <= 30 and len(line.split()) <= 4 and not line.endswith((".", "!", "?"))


def _line_spans(raw: str, lines: list[_Line]) -> list[_Span]:
    n = len(lines)
    reason: list[str | None] = [None] * n
    first_body = next((i for i, ln in enumerate(lines) if is_body_paragraph(ln.eff)), None)
    head_count = len(head_region(ln.eff for ln in lines))
    nonblank_seen = 0
    for i, ln in enumerate(lines):
        if ln.eff:
            nonblank_seen += 1
            reason[i] = junk_reason(ln.eff, in_head=nonblank_seen <= head_count)

    blocks: list[tuple[int, int, str]] = []  # (first line, last line, reason), whole-line ranges
    cut = n
    for i in range(n if first_body is None else first_body):
        if reason[i] is None and lines[i].eff and TRAILER_RE.match(lines[i].eff):
            reason[i] = "UI label"  # "Trending", "Most read" above the story: a menu, not a trailer
    if first_body is not None:
        for i in range(first_body + 1, n):
            if lines[i].eff and TRAILER_RE.match(lines[i].eff):
                cut = i
                last = max((j for j in range(i, n) if lines[j].eff), default=i)
                blocks.append((i, last, f"trailer after '{lines[i].eff}' (other stories/comments)"))
                break

    blocks += _widget_runs(lines, reason, cut)
    covered = {j for a, b, _ in blocks for j in range(a, b + 1)}
    _mark_section_labels(lines, reason, covered, first_body)

    first_kept = next((i for i in range(cut) if lines[i].eff and reason[i] is None and i not in covered), None)
    for i in range(cut - 1, -1, -1):
        ln = lines[i]
        if not ln.eff or reason[i] is not None or i in covered:
            continue
        if i == first_kept or is_sentence_end(ln.eff) or len(ln.eff.split()) > 12 or BULLET_RE.match(ln.eff):
            break
        reason[i] = "trailing page furniture"

    spans = [_whole_lines(raw, lines[a], lines[b], why) for a, b, why in blocks]
    spans += [_whole_lines(raw, lines[i], lines[i], why) for i, why in enumerate(reason) if why and i not in covered]
    return sorted(spans)


def _mark_section_labels(
    lines: list[_Line], reason: list[str | None], covered: set[int], first_body: int | None
) -> None:
    """'World' / 'Africa' above the headline: one- or two-word labels before a longer title line."""
    kept = [i for i in range(first_body or 0) if lines[i].eff and reason[i] is None and i not in covered]
    for pos, i in enumerate(kept[:6]):
        eff = lines[i].eff
        if len(eff.split()) >= 4 and looks_like_title(eff):
            if all(len(lines[j].eff.split()) <= 2 and not is_sentence_end(lines[j].eff) for j in kept[:pos]):
                for j in kept[:pos]:
                    reason[j] = "section label"
            return


def _widget_runs(lines: list[_Line], reason: list[str | None], cut: int) -> list[tuple[int, int, str]]:
    """Runs of short fragments (weather, tickers, menus): 4+ with numbers/symbols, or 6+ of any kind."""
    runs: list[tuple[int, int, str]] = []
    members: list[int] = []

    def close() -> None:
        kept = [i for i in members if reason[i] is None]
        numeric = sum(1 for i in members if _has_digit_or_no_letter(lines[i].eff))
        if len(kept) >= 2 and (len(members) >= 6 or (len(members) >= 4 and numeric >= 0.3 * len(members))):
            runs.append((members[0], members[-1], "widget (run of short fragments)"))
        members.clear()

    for i in range(cut):
        eff = lines[i].eff
        if not eff:
            continue
        if _is_short(eff) and not BULLET_RE.match(eff):
            members.append(i)
        else:
            close()
    close()
    return runs


def _merge(line_spans: list[_Span], inline: list[tuple[int, int, str]]) -> list[_Span]:
    """Line removals win; inline spans are clipped to what lies outside them."""
    out = list(line_spans)
    ends = [sp.cut_end for sp in line_spans]
    for s, e, why in inline:
        pos = s
        i = bisect.bisect_right(ends, s)
        while i < len(line_spans) and line_spans[i].cut_start < e:
            if line_spans[i].cut_start > pos:
                out.append(_Span(pos, line_spans[i].cut_start, why, pos, line_spans[i].cut_start))
            pos = max(pos, line_spans[i].cut_end)
            i += 1
        if pos < e:
            out.append(_Span(pos, e, why, pos, e))
    return sorted(out)


def _assemble(raw: str, spans: list[_Span]) -> str:
    parts, pos = [], 0
    for sp in sorted(spans, key=lambda sp: sp.cut_start):
        parts.append(raw[pos : max(sp.cut_start, pos)])
        pos = max(pos, sp.cut_end)
    parts.append(raw[pos:])
    out: list[str] = []
    for line in "".join(parts).split("\n"):
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
