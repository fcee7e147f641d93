"""Quantities: numbers with units or counted nouns, normalised to a base unit per dimension.

Parses '2km', 'two kilometers', '1.24 miles', '$10.4 billion', 'about twenty militants';
compares two quantities (:func:`quantities_differ`) and formats one for summaries.
"""

from __future__ import annotations

import re

from rag.claims.model import Quantity
from rag.text.numerals import NUMBER_WORDS, ORDINALS, SCALES
from rag.text.stems import claim_stem
from rag.text.terms import content_stems
from rag.text.tokens import STOPWORDS, Token
from rag.text.units import CURRENCY_SYMBOLS, UNITS


# ---------------------------------------------------------------------------
# Numbers and units
# ---------------------------------------------------------------------------

# Short units read as units only when written against the number ('5m', not '5 m').
_AMBIGUOUS_UNITS = frozenset({"m", "g", "mi", "ha", "min", "sec", "lb", "ft", "yd", "t"})

_APPROX = frozenset("about around approximately roughly nearly almost some circa estimated approx".split())
_MIN_BOUND = {("more", "than"), ("over",), ("at", "least"), ("above",), ("upwards", "of"), ("exceeding",)}
_MAX_BOUND = {("less", "than"), ("fewer", "than"), ("under",), ("up", "to"), ("at", "most"), ("below",), ("nearly",), ("almost",)}


_ORDINALS = frozenset(ORDINALS) | {"last", "next"}


def _num(tok: str) -> float | None:
    if tok[0].isdigit():
        t = tok
        if re.fullmatch(r"\d{1,3}(,\d{3})+", t):
            t = t.replace(",", "")
        elif "," in t:
            t = t.replace(",", ".") if t.count(",") == 1 and len(t.split(",")[1]) != 3 else t.replace(",", "")
        try:
            return float(t)
        except ValueError:
            return None
    return None


def context_words(tokens: list[Token], i: int, j: int, width: int = 4) -> list[str]:
    """Content stems of up to ``width`` words either side of tokens ``i:j`` (what a number or date is about)."""
    words = [t.text for t in tokens[max(0, i - width) : i] + tokens[j : j + width] if t.is_word]
    return content_stems(words)


def parse_quantities(tokens: list[Token], skip: set[int]) -> list[Quantity]:
    """Numbers with their unit and dimension (money, percentages, counts...); tokens in ``skip`` (dates) are not read."""
    out: list[Quantity] = []
    n = len(tokens)
    i = 0
    while i < n:
        if i in skip:
            i += 1
            continue
        t = tokens[i]
        low = t.low
        value = _num(t.text)
        j = i + 1
        if value is None and low in NUMBER_WORDS and low not in ("hundred",):
            if low == "one" and not (j < n and (tokens[j].low in SCALES or tokens[j].low in UNITS)):
                i += 1
                continue  # 'one of the sources'
            if low == "dozen" and not (i > 0 and tokens[i - 1].low in ("a", "one")):
                i += 1
                continue
            value = float(NUMBER_WORDS[low])
            # twenty-five, two hundred
            while j < n:
                if tokens[j].text == "-" and j + 1 < n and tokens[j + 1].low in NUMBER_WORDS:
                    value += NUMBER_WORDS[tokens[j + 1].low]
                    j += 2
                elif tokens[j].low == "hundred":
                    value *= 100
                    j += 1
                else:
                    break
        elif value is not None:
            if (i > 0 and tokens[i - 1].text in ("-", "/") and i > 1 and tokens[i - 2].is_word) or (
                j < n and tokens[j].text == "-" and j + 1 < n and tokens[j + 1].text[:1].isalpha() and tokens[j + 1].low not in UNITS
            ):
                i += 1  # codes like TZ-98D, COVID-19
                continue
            if i > 0 and tokens[i - 1].end == t.start and tokens[i - 1].is_word:
                i += 1  # Q1, G7, F16
                continue
            if j < n and tokens[j].text == ":":  # times 6:00
                i = j + 2
                continue
        if value is None:
            i += 1
            continue
        start_i = i
        # currency before the number
        unit = dim = None
        factor = 1.0
        if i > 0 and tokens[i - 1].text in CURRENCY_SYMBOLS:
            unit, dim = CURRENCY_SYMBOLS[tokens[i - 1].text]
            start_i = i - 1
            if i > 1 and tokens[i - 2].text.upper() == "US":
                start_i = i - 2
        if j < n and tokens[j].low in SCALES and not (tokens[j].low == "hundred" and value >= 100):
            value *= SCALES[tokens[j].low]
            j += 1
        if j < n and tokens[j].low in ("m", "b", "k") and unit and unit.startswith(("usd", "eur", "gbp")):
            value *= {"m": 1e6, "b": 1e9, "k": 1e3}[tokens[j].low]
            j += 1
        counted = noun = None
        if unit is None and j < n:
            nxt = tokens[j].low
            if tokens[j].text == "%":
                unit, dim, factor = UNITS["%"]
                j += 1
            elif nxt == "per" and j + 1 < n and tokens[j + 1].low == "cent":
                unit, dim, factor = UNITS["%"]
                j += 2
            elif nxt in ("square", "sq") and j + 1 < n and tokens[j + 1].low in UNITS and UNITS[tokens[j + 1].low][1] == "length":
                u, _, f = UNITS[tokens[j + 1].low]
                unit, dim, factor = "sq " + u, "area", f * f
                j += 2
            elif nxt in UNITS and (nxt not in _AMBIGUOUS_UNITS or tokens[j].start == tokens[j - 1].end):
                unit, dim, factor = UNITS[nxt]
                j += 1
                if unit == "km" and j + 1 < n and tokens[j].text == "/" and tokens[j + 1].low in ("h", "hr", "hour"):
                    unit, dim, factor = "km/h", "speed", 1 / 3.6
                    j += 2
                if dim == "duration" and j < n and tokens[j].low in ("ago", "old", "later", "earlier"):
                    unit = None  # '4 months ago': a time reference, not a measured quantity
            elif nxt in ("-",) and j + 1 < n and tokens[j + 1].low in UNITS:
                unit, dim, factor = UNITS[tokens[j + 1].low]
                j += 2
                if j < n and tokens[j].text == "-":
                    unit = None  # '24-year-old'
        if unit is None and dim is None:
            if _num(t.text) is not None and 1600 <= value <= 2100 and re.fullmatch(r"\d{4}", t.text):
                i = j
                continue
            if i > 0 and (tokens[i - 1].low in _ORDINALS or tokens[i - 1].text in ("#", "No", "no")):
                i = j
                continue
            # a count: the noun after the number (skipping up to two modifiers)
            k = j
            words: list[str] = []
            while k < n and len(words) < 3 and tokens[k].is_word and tokens[k].low not in STOPWORDS and not tokens[k].is_cap:
                words.append(tokens[k].low)
                k += 1
            if k < n and tokens[k].low == "of" and not words:  # 'four of the ...'
                words = []
            if words:
                noun, counted = words[-1], claim_stem(words[-1])
                unit, dim, factor = counted, "count", 1.0
                j = j + len(words)
            else:
                unit, dim, factor = "", "number", 1.0
        if unit is None:  # '4 months ago'
            i = j
            continue
        # a rate: '$2.18 per share', '5 km a day'
        if j + 1 < n and tokens[j].low in ("per", "a", "an", "each") and tokens[j + 1].is_word and tokens[j + 1].low not in STOPWORDS and tokens[j].low != "per" or (
            j + 1 < n and tokens[j].low == "per" and tokens[j + 1].low != "cent"
        ):
            if j + 1 < n and tokens[j + 1].is_word and (tokens[j].low == "per" or tokens[j + 1].low in UNITS):
                dim = f"{dim}/{claim_stem(tokens[j + 1].low)}"
                j += 2
        # hedges and bounds before the number
        prev = [x.low for x in tokens[max(0, start_i - 2) : start_i]]
        approx = bool(prev and prev[-1] in _APPROX)
        bound = None
        for b in _MIN_BOUND:
            if tuple(prev[-len(b) :]) == b:
                bound = "min"
        for b in _MAX_BOUND:
            if tuple(prev[-len(b) :]) == b:
                bound = "max"
        hedge_start = start_i
        if approx or bound:
            hedge_start = max(0, start_i - (2 if bound and len(prev) == 2 and (prev[-2], prev[-1]) in (_MIN_BOUND | _MAX_BOUND) else 1))
        end_tok = tokens[j - 1]
        out.append(
            Quantity(
                text="", start=tokens[hedge_start].start, end=end_tok.end, value=value, unit=unit or "",
                dimension=dim or "number", base_value=value * factor, counted=counted, noun=noun, approx=approx, bound=bound,
                context=context_words(tokens, start_i, j),
            )
        )
        i = j
    return out


# ---------------------------------------------------------------------------
# Comparisons used by the conflict detector
# ---------------------------------------------------------------------------


def quantities_differ(a: Quantity, b: Quantity, tolerance: float = 0.05) -> float:
    """How clearly two same-dimension quantities disagree: 0 (compatible) .. 1 (far apart).

    Hedged values ('about twenty') get three times the tolerance; bounds ('more than 30')
    only disagree with values on the wrong side.
    """
    if a.dimension != b.dimension or (a.dimension == "count" and a.counted != b.counted):
        return 0.0
    x, y = a.base_value, b.base_value
    if a.bound == "min" and y >= x or b.bound == "min" and x >= y:
        return 0.0
    if a.bound == "max" and y <= x or b.bound == "max" and x <= y:
        return 0.0
    tol = tolerance * (3 if (a.approx or b.approx) else 1)
    denom = max(abs(x), abs(y), 1e-9)
    rel = abs(x - y) / denom
    if rel <= tol:
        return 0.0
    return float(min(1.0, (rel - tol) / max(tol * 2, 0.05)))


def format_quantity(q: Quantity) -> str:
    """A short display form: '2 km', 'about 20 militants', '$10.4 billion'."""
    v = q.value
    if q.dimension.startswith("money:"):
        sym = {"usd": "$", "eur": "\u20ac", "gbp": "\u00a3", "jpy": "\u00a5"}.get(q.unit, q.unit + " ")
        for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
            if abs(v) >= scale:
                return f"{sym}{v / scale:g} {word}"
        return f"{sym}{v:,.2f}".rstrip("0").rstrip(".")
    num = f"{v:,.0f}" if v == int(v) and abs(v) >= 1000 else f"{v:g}"
    hedge = "about " if q.approx else ("more than " if q.bound == "min" else ("up to " if q.bound == "max" else ""))
    if q.dimension in ("count", "number"):
        return f"{hedge}{num} {q.noun or ''}".strip()
    if q.unit == "%":
        return f"{hedge}{num}%"
    return f"{hedge}{num} {q.unit}"
