"""Dates: absolute dates, bare years and weekdays in a sentence, and whether two of them disagree."""

from __future__ import annotations

import datetime as _dt
import re

from rag.claims.model import DateMention
from rag.claims.quantities import context_words
from rag.text.months import MONTH_NAMES, MONTHS, WEEKDAYS
from rag.text.numerals import ORDINAL_SUFFIXES
from rag.text.tokens import Token
from rag.text.units import CURRENCY_SYMBOLS, UNITS


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


# A month name alone ("in March") is a date; "May" alone is more often the verb, an abbreviation alone a word.
_BARE_MONTHS = frozenset(MONTH_NAMES) - {"may"}


def _is_year(tok: Token) -> bool:
    return bool(re.fullmatch(r"(1[6-9]|20)\d\d", tok.text))


_DAY = re.compile(rf"(\d{{1,2}})(?:{'|'.join(sorted(ORDINAL_SUFFIXES))})?")


def _day(text: str) -> int | None:
    """A day of the month as written beside a month name: '13', or the ordinal '1st', '22nd'."""
    m = _DAY.fullmatch(text)
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 31 else None


def parse_dates(tokens: list[Token]) -> tuple[list[DateMention], set[int]]:
    """Dates and the token indices they use."""
    out: list[DateMention] = []
    used: set[int] = set()
    n = len(tokens)

    def skip_punct(k: int, chars: str = ".,") -> int:
        while k < n and tokens[k].text in chars:
            k += 1
        return k

    i = 0
    while i < n:
        t = tokens[i]
        low = t.low
        month = MONTHS.get(low) if t.is_cap else None
        if month and low == "may" and not (i + 1 < n and tokens[i + 1].text[0].isdigit()):
            month = None  # the modal verb
        if month and len(low) <= 4 and low != "may" and not (i + 1 < n and (tokens[i + 1].text == "." or tokens[i + 1].text[0].isdigit())):
            month = None  # 'Mar', 'Dec' as words
        if month:
            day = year = None
            k = skip_punct(i + 1, ".")
            if k < n and (d := _day(tokens[k].text)):
                day = d
                k += 1
                if k < n and tokens[k].low in ORDINAL_SUFFIXES:
                    k += 1
                k2 = skip_punct(k, ",")
                if k2 < n and _is_year(tokens[k2]):
                    year = int(tokens[k2].text)
                    k = k2 + 1
            elif k < n and _is_year(tokens[k]):
                year = int(tokens[k].text)
                k += 1
            # '13 July 2014' style: a day right before the month ('1st February', 'the 2nd of March' too)
            start_i = i
            j = i - 1 if i > 0 and tokens[i - 1].low == "of" else i
            ordinal = j > 1 and tokens[j - 1].low in ORDINAL_SUFFIXES and tokens[j - 1].start == tokens[j - 2].end
            j -= ordinal  # the ordinal's suffix is a token of its own; "of" needs an ordinal ('3 of March' is no date)
            if day is None and j > 0 and (j == i or ordinal) and (d := _day(tokens[j - 1].text)):
                day = d
                start_i = j - 1
                out = [x for x in out if x.start != tokens[start_i].start]
            if day is None and year is None and low not in _BARE_MONTHS:
                i += 1
                continue
            end_i = k - 1
            used.update(range(start_i, end_i + 1))
            out.append(
                DateMention(
                    text="", start=tokens[start_i].start, end=tokens[end_i].end, year=year, month=month, day=day,
                    context=context_words(tokens, start_i, end_i + 1),
                )
            )
            i = k
            continue
        wd = WEEKDAYS.get(low)
        if wd is not None and t.is_cap:
            used.add(i)
            out.append(DateMention(text="", start=t.start, end=t.end, weekday=wd, context=context_words(tokens, i, i + 1)))
            i += 1
            continue
        m = re.fullmatch(r"(\d{4})", t.text)
        if m and i + 4 < n and tokens[i + 1].text == "-" and re.fullmatch(r"\d\d", tokens[i + 2].text) and tokens[i + 3].text == "-" and re.fullmatch(r"\d\d", tokens[i + 4].text):
            y, mo, d = int(t.text), int(tokens[i + 2].text), int(tokens[i + 4].text)
            if 1 <= mo <= 12 and 1 <= d <= 31:
                used.update(range(i, i + 5))
                out.append(DateMention(text="", start=t.start, end=tokens[i + 4].end, year=y, month=mo, day=d, context=context_words(tokens, i, i + 5)))
                i += 5
                continue
        if _is_year(t) and not (i + 1 < n and tokens[i + 1].low in UNITS) and not (i > 0 and tokens[i - 1].text in CURRENCY_SYMBOLS):
            used.add(i)
            out.append(DateMention(text="", start=t.start, end=t.end, year=int(t.text), context=context_words(tokens, i, i + 1)))
        i += 1
    return out, used


# ---------------------------------------------------------------------------
# Comparisons used by the conflict detector
# ---------------------------------------------------------------------------


def dates_conflict(a: DateMention, b: DateMention) -> bool:
    """True when two dates share a field (year, month, day or weekday) that differs."""
    if a.year is not None and b.year is not None and a.year != b.year:
        return True
    if a.month is not None and b.month is not None and a.month != b.month:
        return True
    if a.day is not None and b.day is not None and a.month == b.month and a.day != b.day:
        return True
    wa, wb = _weekday(a), _weekday(b)
    return wa is not None and wb is not None and wa != wb


def dates_overlap(a: DateMention, b: DateMention) -> bool:
    """True when two dates agree on every field both state."""
    return not dates_conflict(a, b)


def _weekday(d: DateMention) -> int | None:
    if d.weekday is not None:
        return d.weekday
    if d.year and d.month and d.day:
        try:
            return _dt.date(d.year, d.month, d.day).weekday()
        except ValueError:
            return None
    return None
