"""Claim analysis of one sentence: what it asserts, in a form two sentences can be compared on.

``analyze(text)`` returns a :class:`Claim` with

* quantities with units, normalised to a base unit per dimension (``2km``, ``2 km``,
  ``two kilometers``, ``1.24 miles`` all become metres, so 2 km == 1.24 miles), plus counts
  (``twenty militants`` -> 20, counted noun ``militant``) and money (``$10.4 billion``);
* dates: absolute (``April 7``, ``August 25, 2024``, ``January 2024``, ``13 July 2014``),
  bare years and weekdays (``Sunday``);
* negation and denial cues with their scope (``not shot down by its forces``,
  ``denies any airspace violation``, ``rejecting Algeria's claim that ...``);
* actions and their agents (``Algeria shot down``, ``brought down by the Azawad Liberation
  Front``, ``downed by Algerian army``, ``accused Algeria of downing``), with pronoun
  agents (``its forces``) resolved to the nearest preceding named entity;
* attribution (``Algeria said``, ``according to Algeria's defense ministry``, ``Mali
  maintains``, ``dismissed by Algeria``);
* named entities, compared with :func:`same_entity`, which matches spelling variants
  (Tinzaoutin / Tinzaouaten / Tin Zaouatine share a consonant skeleton) and demonyms
  (Algeria / Algerian, Mali / Malian) by a general rule, not a list of names.

Everything is regular expressions and small word lists: no model, no network, and about
a tenth of a millisecond per sentence.

Example:
    >>> c = analyze("Algeria said the drone penetrated 2km into its airspace.")
    >>> c.quantities[0].base_value, c.quantities[0].dimension, c.attributed_to
    (2000.0, 'length', 'Algeria')
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\d+(?:[.,]\d+)*"  # numbers: 2, 9.5, 30,000
    r"|[A-Za-z\u00C0-\u024F]+(?:['\u2019](?:t|re|ve|ll|d|m)\b)?"  # words, with n't-style contractions
    r"|['\u2019]s\b"  # possessive 's
    r"|\S"
)


@dataclass(frozen=True, slots=True)
class Token:
    """One word, number or punctuation mark with offsets into the analysed text (internal, so not pydantic)."""

    text: str
    start: int
    end: int
    low: str = field(init=False, compare=False)
    is_word: bool = field(init=False, compare=False)
    is_cap: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "low", self.text.lower().replace("\u2019", "'"))
        object.__setattr__(self, "is_word", self.text[0].isalpha())
        object.__setattr__(self, "is_cap", self.text[0].isupper())


def tokenize(text: str) -> list[Token]:
    """Words, numbers and punctuation of ``text`` with their offsets."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


STOPWORDS = frozenset(
    """a an the and or but nor so yet if then than that this these those there here of in on at to for from by
    with without about above below over under into onto out up down off as is are was were be been being am
    has have had having do does did doing will would shall should can could may might must it its it's they them
    their theirs he him his she her hers we us our ours you your yours i me my mine who whom whose which what
    when where why how all any both each few more most other some such no not only own same too very just also
    s t also again further once while during before after because until against between through per via
    near inside outside including even still already
    said says say told according however although though whereas among amid within across upon since""".split()
)

# Lowercase words that head a noun phrase naming a party able to act or speak.
_PARTY_HEADS = frozenset(
    """army armies forces force military government governments regime ministry ministries minister ministers
    authorities authority officials official police troops soldiers militants rebels group groups movement
    movements front spokesperson spokesman spokeswoman president council junta sources source statement
    statements officers leaders leader agency agencies media state states side alliance coalition
    team company firm court judge prosecutors prosecutor report reports investigators experts residents
    witnesses diplomats diplomacy embassy office department commission committee party parties""".split()
)

_TITLE_WORDS = frozenset(
    """security defense defence foreign interior home prime deputy general chief senior national federal state
    public affairs justice finance health vice executive""".split()
)

_PRONOUNS = frozenset({"it", "its", "they", "their", "them", "he", "his", "she", "her"})

# ---------------------------------------------------------------------------
# Stems and entity keys
# ---------------------------------------------------------------------------

_IRREGULAR = {
    "shot": "shoot", "brought": "bring", "left": "leave", "took": "take", "taken": "take", "struck": "strike",
    "won": "win", "bought": "buy", "sold": "sell", "fell": "fall", "fallen": "fall", "hit": "hit", "held": "hold",
    "went": "go", "gone": "go", "made": "make", "said": "say", "says": "say", "told": "tell", "withdrew": "withdraw",
    "withdrawn": "withdraw", "knocked": "knock", "children": "child", "men": "man", "women": "woman",
    "people": "person", "killed": "kill", "began": "begin", "begun": "begin", "led": "lead", "built": "build",
    "wrote": "write", "written": "write", "found": "find", "lost": "lose", "met": "meet", "paid": "pay",
}


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A crude, deterministic stem so 'violated', 'violating' and 'violation' compare equal."""
    w = word.lower().replace("\u2019", "'")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("'s"):
        w = w[:-2]
    for suf in ("ions", "ion", "ings", "ing", "edly", "ied", "ies", "ed", "es", "ly", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            if suf in ("ied", "ies"):
                w += "y"
            break
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "aeiouls":  # stopped -> stopp -> stop
        w = w[:-1]
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def content_stems(words: list[str]) -> list[str]:
    """Stems of the non-stopword alphabetic words."""
    return [stem(w) for w in words if w[:1].isalpha() and w.lower() not in STOPWORDS and len(w) > 1]


def normalize_name(name: str) -> str:
    """Lowercase, strip diacritics and possessives, drop everything but letters and digits."""
    s = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"'s\b", "", s)
    return re.sub(r"[^a-z0-9]", "", s)


def skeleton(name: str) -> str:
    """Consonant skeleton of a name: first letter, then consonants with doubles collapsed.

    Transliterations of one place differ mostly in vowels and spacing, so
    ``Tinzaoutin``, ``Tinzaouaten`` and ``Tin Zaouatine`` all give ``tnztn``.
    """
    n = normalize_name(name)
    if not n:
        return ""
    out = [n[0]]
    for ch in n[1:]:
        if ch in "aeiouyhw":
            continue
        if ch != out[-1]:
            out.append(ch)
    return "".join(out)


# Endings that turn a place or group name into its adjective or plural (Mali -> Malian, Tuareg -> Tuaregs).
_DEMONYM_ENDINGS = ("n", "an", "ian", "ans", "ians", "ns", "ese", "i", "is", "s", "es")


def _forms_match(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 4 and long_.startswith(short) and long_[len(short) :] in _DEMONYM_ENDINGS:
        return True
    sa, sb = skeleton(a), skeleton(b)
    if len(sa) >= 4 and sa == sb and abs(len(a) - len(b)) <= 3:
        return True
    if min(len(a), len(b)) >= 8 and SequenceMatcher(None, a, b).ratio() >= 0.9:
        return True
    return False


@lru_cache(maxsize=50_000)
def same_entity(a: str, b: str) -> bool:
    """Whether two names denote the same entity, allowing spelling variants and demonyms.

    Multi-word names also match when one's words are a subset of the other's
    (``Tebboune`` / ``Abdelmadjid Tebboune``).

    Example:
        >>> same_entity("Tinzaoutin", "Tin Zaouatine"), same_entity("Algerian", "Algeria"), same_entity("Niger", "Nigeria")
        (True, True, False)
    """
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return False
    if _forms_match(na, nb):
        return True
    wa = [normalize_name(w) for w in re.split(r"[\s\-]+", a) if normalize_name(w)]
    wb = [normalize_name(w) for w in re.split(r"[\s\-]+", b) if normalize_name(w)]
    if len(wa) > 1 or len(wb) > 1:
        small, big = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
        small = [w for w in small if w not in STOPWORDS]
        big = [w for w in big if w not in STOPWORDS]
        if small and all(any(_forms_match(s, t) for t in big) for s in small):
            return len(small) >= 2 or len(small[0]) >= 5 or len(big) <= 2
    return False


def entity_key(name: str) -> str:
    """A grouping key for a name: its consonant skeleton, or the normalised name when that is too short."""
    n = normalize_name(name)
    sk = skeleton(n)
    return sk if len(sk) >= 4 else n


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


class Entity(BaseModel):
    """A capitalised name (chain of capitalised words) in the sentence."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="The name as written.")
    start: int = Field(description="Offset of the first character.")
    end: int = Field(description="Offset one past the last character.")
    key: str = Field(description="entity_key(text), for grouping.")


class Quantity(BaseModel):
    """A number with its unit, normalised to the base unit of its dimension."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="The quantity as written, e.g. '2km' or 'about twenty militants'.")
    start: int = Field(description="Offset of the first character.")
    end: int = Field(description="Offset one past the last character.")
    value: float = Field(description="The number as written (after scale words such as 'million').")
    unit: str = Field(description="Canonical unit ('km', 'mi', '%', 'usd', or the counted noun's stem).")
    dimension: str = Field(description="'length', 'mass', 'duration', 'speed', 'area', 'percent', 'money:usd', 'count', ...")
    base_value: float = Field(description="Value in the dimension's base unit (metres, kg, seconds, ...).")
    counted: str | None = Field(default=None, description="For counts, the stem of the counted noun.")
    approx: bool = Field(default=False, description="Hedged with 'about', 'around', 'nearly'...")
    bound: str | None = Field(default=None, description="'min' for 'more than/at least', 'max' for 'less than/up to'.")
    context: list[str] = Field(default_factory=list, description="Content stems within a few words of the number.")


class DateMention(BaseModel):
    """A date or part of one; unspecified fields are None."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="The date as written.")
    start: int = Field(description="Offset of the first character.")
    end: int = Field(description="Offset one past the last character.")
    year: int | None = Field(default=None, description="Year, if stated.")
    month: int | None = Field(default=None, description="Month 1-12, if stated.")
    day: int | None = Field(default=None, description="Day of month, if stated.")
    weekday: int | None = Field(default=None, description="0=Monday .. 6=Sunday, if stated.")
    context: list[str] = Field(default_factory=list, description="Content stems within a few words of the date.")


class Negation(BaseModel):
    """A negation or denial cue and the words it applies to."""

    model_config = ConfigDict(frozen=True)

    cue: str = Field(description="The cue as written: 'not', 'never', 'denies', 'rejecting', 'contrary to'...")
    start: int = Field(description="Offset of the cue.")
    end: int = Field(description="Offset one past the cue.")
    scope: str = Field(description="Text the cue negates (for 'rejecting X's claim that P', P).")
    scope_stems: list[str] = Field(default_factory=list, description="Content stems of the scope.")
    scope_end: int = Field(default=0, description="Offset one past the scope (cue..scope_end quotes the denial).")
    actions: list[str] = Field(default_factory=list, description="Action keys inside the scope.")
    denied_party: str | None = Field(default=None, description="Whose claim is denied ('Algeria' in 'rejecting Algeria's claim').")
    kind: str = Field(
        default="negation",
        description="'negation' (not/never/no), 'denial' (denies/rejects/contradicting P) or 'dispute' "
        "('contrary to X's assertions': no negated scope, only the disputed party).",
    )


class Action(BaseModel):
    """An occurrence of an action verb with its agent, if one is stated."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(description="Action key shared by synonyms ('down' for shot/brought/downed...).")
    base: str = Field(default="", description="Base form of the verb as used ('shoot down', 'down').")
    text: str = Field(description="The verb phrase as written.")
    start: int = Field(description="Offset of the verb.")
    end: int = Field(description="Offset one past the verb (and particle).")
    agent: str | None = Field(default=None, description="Who did it, as written (after pronoun resolution).")
    agent_key: str | None = Field(default=None, description="Normalised main name of the agent; compare with same_entity().")
    passive: bool = Field(default=False, description="Passive voice ('was shot down by ...').")
    negated: bool = Field(default=False, description="'not'/'never' applies to it.")
    object_stems: list[str] = Field(default_factory=list, description="Content stems of the thing acted on.")


class Clause(BaseModel):
    """A part of a sentence with its own speaker ('while A claim X, B insist Y')."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(description="Offset into the sentence.")
    end: int = Field(description="End offset into the sentence.")
    attributed_to: str | None = Field(default=None, description="Speaker of this clause.")
    attribution_key: str | None = Field(default=None, description="Normalised main name of the speaker.")
    claim_start: int = Field(default=0, description="Offset into the sentence just after the speaker's verb.")


class Claim(BaseModel):
    """Everything :func:`analyze` found in one sentence (offsets are into ``text``)."""

    text: str = Field(description="The analysed sentence.")
    words: list[str] = Field(description="Lowercased word and number tokens.")
    stems: list[str] = Field(description="Content stems, in order.")
    entities: list[Entity] = Field(default_factory=list, description="Capitalised names.")
    quantities: list[Quantity] = Field(default_factory=list, description="Numbers with units and counts.")
    dates: list[DateMention] = Field(default_factory=list, description="Dates, years and weekdays.")
    negations: list[Negation] = Field(default_factory=list, description="Negation and denial cues.")
    actions: list[Action] = Field(default_factory=list, description="Action verbs with their agents.")
    attributed_to: str | None = Field(default=None, description="Who the sentence attributes its claim to.")
    attribution_key: str | None = Field(default=None, description="Normalised main name of attributed_to; compare with same_entity().")
    speech_verb: str | None = Field(default=None, description="The reporting verb ('said', 'maintains').")
    contrast: str | None = Field(default=None, description="A contrast connective opening the sentence ('however').")
    body_start: int = Field(
        default=0, description="Offset after a leading dateline ('Nov 8, 2017 ...', 'Algiers, Algeria –'), else 0."
    )

    @property
    def negated(self) -> bool:
        return bool(self.negations)


# ---------------------------------------------------------------------------
# Numbers and units
# ---------------------------------------------------------------------------

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "hundred": 100,
}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6}

# surface -> (canonical unit, dimension, factor to base unit)
_UNITS: dict[str, tuple[str, str, float]] = {}


def _add_units(names: str, unit: str, dim: str, factor: float) -> None:
    for n in names.split():
        _UNITS[n] = (unit, dim, factor)


_add_units("km kms kilometer kilometers kilometre kilometres", "km", "length", 1000.0)
_add_units("m meter meters metre metres", "m", "length", 1.0)
_add_units("cm centimeter centimeters centimetre centimetres", "cm", "length", 0.01)
_add_units("mm millimeter millimeters millimetre millimetres", "mm", "length", 0.001)
_add_units("mi mile miles", "mi", "length", 1609.344)
_add_units("ft foot feet", "ft", "length", 0.3048)
_add_units("yd yard yards", "yd", "length", 0.9144)
_add_units("inch inches", "in", "length", 0.0254)
_add_units("kg kgs kilogram kilograms kilogramme kilogrammes kilo kilos", "kg", "mass", 1.0)
_add_units("g gram grams gramme grammes", "g", "mass", 0.001)
_add_units("ton tons tonne tonnes", "t", "mass", 1000.0)
_add_units("lb lbs pound pounds", "lb", "mass", 0.45359237)
_add_units("second seconds sec secs", "s", "duration", 1.0)
_add_units("minute minutes min mins", "min", "duration", 60.0)
_add_units("hour hours hr hrs", "h", "duration", 3600.0)
_add_units("day days", "d", "duration", 86400.0)
_add_units("week weeks", "wk", "duration", 604800.0)
_add_units("month months", "mo", "duration", 2629746.0)
_add_units("year years", "yr", "duration", 31556952.0)
_add_units("mph", "mph", "speed", 0.44704)
_add_units("kph kmh", "km/h", "speed", 1 / 3.6)
_add_units("hectare hectares ha", "ha", "area", 1e4)
_add_units("acre acres", "acre", "area", 4046.8564224)
_add_units("% percent pct", "%", "percent", 1.0)
_add_units("dollar dollars usd", "usd", "money:usd", 1.0)
_add_units("euro euros eur", "eur", "money:eur", 1.0)
_add_units("yen jpy", "jpy", "money:jpy", 1.0)
_add_units("rupees inr", "inr", "money:inr", 1.0)
# Short units read as units only when written against the number ('5m', not '5 m').
_AMBIGUOUS_UNITS = frozenset({"m", "g", "mi", "ha", "min", "sec", "lb", "ft", "yd", "t"})
_CURRENCY_SYMBOLS = {"$": ("usd", "money:usd"), "\u20ac": ("eur", "money:eur"), "\u00a3": ("gbp", "money:gbp"), "\u00a5": ("jpy", "money:jpy")}

_APPROX = frozenset("about around approximately roughly nearly almost some circa estimated approx".split())
_MIN_BOUND = {("more", "than"), ("over",), ("at", "least"), ("above",), ("upwards", "of"), ("exceeding",)}
_MAX_BOUND = {("less", "than"), ("fewer", "than"), ("under",), ("up", "to"), ("at", "most"), ("below",), ("nearly",), ("almost",)}

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_ORDINALS = frozenset(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth last next".split()
)


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


def _context(tokens: list[Token], i: int, j: int, width: int = 4) -> list[str]:
    words = [t.text for t in tokens[max(0, i - width) : i] + tokens[j : j + width] if t.is_word]
    return content_stems(words)


def _is_year(tok: Token) -> bool:
    return bool(re.fullmatch(r"(1[6-9]|20)\d\d", tok.text))


def _parse_dates(tokens: list[Token]) -> tuple[list[DateMention], set[int]]:
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
        month = _MONTHS.get(low) if t.is_cap else None
        if month and low == "may" and not (i + 1 < n and tokens[i + 1].text[0].isdigit()):
            month = None  # the modal verb
        if month and len(low) <= 4 and low != "may" and not (i + 1 < n and (tokens[i + 1].text == "." or tokens[i + 1].text[0].isdigit())):
            month = None  # 'Mar', 'Dec' as words
        if month:
            day = year = None
            k = skip_punct(i + 1, ".")
            if k < n and re.fullmatch(r"\d{1,2}", tokens[k].text) and 1 <= int(tokens[k].text) <= 31:
                day = int(tokens[k].text)
                k += 1
                if k < n and tokens[k].low in ("st", "nd", "rd", "th"):
                    k += 1
                k2 = skip_punct(k, ",")
                if k2 < n and _is_year(tokens[k2]):
                    year = int(tokens[k2].text)
                    k = k2 + 1
            elif k < n and _is_year(tokens[k]):
                year = int(tokens[k].text)
                k += 1
            # '13 July 2014' style: a day right before the month
            start_i = i
            if day is None and i > 0 and re.fullmatch(r"\d{1,2}", tokens[i - 1].text) and 1 <= int(tokens[i - 1].text) <= 31:
                day = int(tokens[i - 1].text)
                start_i = i - 1
                out = [d for d in out if d.start != tokens[i - 1].start]
            if day is None and year is None and low not in ("march", "june", "july", "august", "september", "october", "november", "december", "january", "february", "april"):
                i += 1
                continue
            end_i = k - 1
            used.update(range(start_i, end_i + 1))
            out.append(
                DateMention(
                    text="", start=tokens[start_i].start, end=tokens[end_i].end, year=year, month=month, day=day,
                    context=_context(tokens, start_i, end_i + 1),
                )
            )
            i = k
            continue
        wd = _WEEKDAYS.get(low)
        if wd is not None and t.is_cap:
            used.add(i)
            out.append(DateMention(text="", start=t.start, end=t.end, weekday=wd, context=_context(tokens, i, i + 1)))
            i += 1
            continue
        m = re.fullmatch(r"(\d{4})", t.text)
        if m and i + 4 < n and tokens[i + 1].text == "-" and re.fullmatch(r"\d\d", tokens[i + 2].text) and tokens[i + 3].text == "-" and re.fullmatch(r"\d\d", tokens[i + 4].text):
            y, mo, d = int(t.text), int(tokens[i + 2].text), int(tokens[i + 4].text)
            if 1 <= mo <= 12 and 1 <= d <= 31:
                used.update(range(i, i + 5))
                out.append(DateMention(text="", start=t.start, end=tokens[i + 4].end, year=y, month=mo, day=d, context=_context(tokens, i, i + 5)))
                i += 5
                continue
        if _is_year(t) and not (i + 1 < n and tokens[i + 1].low in _UNITS) and not (i > 0 and tokens[i - 1].text in _CURRENCY_SYMBOLS):
            used.add(i)
            out.append(DateMention(text="", start=t.start, end=t.end, year=int(t.text), context=_context(tokens, i, i + 1)))
        i += 1
    return out, used


def _parse_quantities(tokens: list[Token], skip: set[int]) -> list[Quantity]:
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
        if value is None and low in _NUMBER_WORDS and low not in ("hundred",):
            if low == "one" and not (j < n and (tokens[j].low in _SCALES or tokens[j].low in _UNITS)):
                i += 1
                continue  # 'one of the sources'
            if low == "dozen" and not (i > 0 and tokens[i - 1].low in ("a", "one")):
                i += 1
                continue
            value = float(_NUMBER_WORDS[low])
            # twenty-five, two hundred
            while j < n:
                if tokens[j].text == "-" and j + 1 < n and tokens[j + 1].low in _NUMBER_WORDS:
                    value += _NUMBER_WORDS[tokens[j + 1].low]
                    j += 2
                elif tokens[j].low == "hundred":
                    value *= 100
                    j += 1
                else:
                    break
        elif value is not None:
            if (i > 0 and tokens[i - 1].text in ("-", "/") and i > 1 and tokens[i - 2].is_word) or (
                j < n and tokens[j].text == "-" and j + 1 < n and tokens[j + 1].text[:1].isalpha() and tokens[j + 1].low not in _UNITS
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
        if i > 0 and tokens[i - 1].text in _CURRENCY_SYMBOLS:
            unit, dim = _CURRENCY_SYMBOLS[tokens[i - 1].text]
            start_i = i - 1
            if i > 1 and tokens[i - 2].text.upper() == "US":
                start_i = i - 2
        if j < n and tokens[j].low in _SCALES and not (tokens[j].low == "hundred" and value >= 100):
            value *= _SCALES[tokens[j].low]
            j += 1
        if j < n and tokens[j].low in ("m", "b", "k") and unit and unit.startswith(("usd", "eur", "gbp")):
            value *= {"m": 1e6, "b": 1e9, "k": 1e3}[tokens[j].low]
            j += 1
        counted = None
        if unit is None and j < n:
            nxt = tokens[j].low
            if tokens[j].text == "%":
                unit, dim, factor = _UNITS["%"]
                j += 1
            elif nxt == "per" and j + 1 < n and tokens[j + 1].low == "cent":
                unit, dim, factor = _UNITS["%"]
                j += 2
            elif nxt in ("square", "sq") and j + 1 < n and tokens[j + 1].low in _UNITS and _UNITS[tokens[j + 1].low][1] == "length":
                u, _, f = _UNITS[tokens[j + 1].low]
                unit, dim, factor = "sq " + u, "area", f * f
                j += 2
            elif nxt in _UNITS and (nxt not in _AMBIGUOUS_UNITS or tokens[j].start == tokens[j - 1].end):
                unit, dim, factor = _UNITS[nxt]
                j += 1
                if unit == "km" and j + 1 < n and tokens[j].text == "/" and tokens[j + 1].low in ("h", "hr", "hour"):
                    unit, dim, factor = "km/h", "speed", 1 / 3.6
                    j += 2
                if dim == "duration" and j < n and tokens[j].low in ("ago", "old", "later", "earlier"):
                    unit = None  # '4 months ago': a time reference, not a measured quantity
            elif nxt in ("-",) and j + 1 < n and tokens[j + 1].low in _UNITS:
                unit, dim, factor = _UNITS[tokens[j + 1].low]
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
                counted = stem(words[-1])
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
            if j + 1 < n and tokens[j + 1].is_word and (tokens[j].low == "per" or tokens[j + 1].low in _UNITS):
                dim = f"{dim}/{stem(tokens[j + 1].low)}"
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
                dimension=dim or "number", base_value=value * factor, counted=counted, approx=approx, bound=bound,
                context=_context(tokens, start_i, j),
            )
        )
        i = j
    return out


# ---------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------

_NAME_JOINERS = frozenset({"of", "for", "the", "de", "al", "el", "bin", "van", "von", "la"})
_NOT_NAMES = frozenset(
    """the a an in on at to for from by with as of and but or if while when after before since during this that these
    those it its they their he she his her we our you i there here however meanwhile additionally further finally
    also even once many most some several according what who which where why how do does did can could will would
    should may might must is are was were be has have had not no yes one both each all other another such recently
    initially exclusive related comments share print leave try explore mr mrs ms dr contrary initial despite
    following in during under""".split()
)


def _entities(tokens: list[Token], verbs: set[int]) -> list[Entity]:
    out: list[Entity] = []
    n = len(tokens)
    i = 0
    while i < n:
        t = tokens[i]
        if not (t.is_word and t.is_cap) or i in verbs or t.low in _NOT_NAMES or _MONTHS.get(t.low) or t.low in _WEEKDAYS:
            i += 1
            continue
        j = i + 1
        while j < n:
            tj = tokens[j]
            if tj.is_word and tj.is_cap and j not in verbs and tj.low not in _WEEKDAYS and not _MONTHS.get(tj.low):
                j += 1
            elif tj.text == "-" and j + 1 < n and tokens[j + 1].is_cap and tokens[j + 1].start == tj.end and tj.start == tokens[j - 1].end:
                # 'Algerian-Malian' is two names; 'Al-Qaeda' one: keep joined only when the part is short
                if len(tokens[j - 1].text) <= 3:
                    j += 2
                else:
                    break
            elif tj.low in _NAME_JOINERS and j + 1 < n and tokens[j + 1].is_cap and tokens[j + 1].is_word and j + 1 not in verbs:
                j += 2
            else:
                break
        # A sentence-initial capital is only a name if it does not look like a common word.
        if i == 0 and j == i + 1 and (t.low.endswith(("ing", "ed", "ly", "tion", "tions", "ness", "ment", "ments")) or (t.low.endswith("s") and not t.low.endswith("ss"))):
            i = j
            continue
        if j == i + 1 and len(t.text) == 1:
            i = j
            continue
        text_ = " ".join(x.text for x in tokens[i:j])
        out.append(Entity(text=text_, start=t.start, end=tokens[j - 1].end, key=entity_key(text_)))
        i = j
    return out


# ---------------------------------------------------------------------------
# Actions and agents
# ---------------------------------------------------------------------------

# base verb -> action key. Synonyms share a key; phrasal verbs are "verb particle".
_ACTION_BASES = {
    "shoot down": "down", "bring down": "down", "take down": "down", "knock down": "down", "down": "down",
    "intercept": "down", "destroy": "destroy", "kill": "kill", "attack": "attack", "strike": "strike",
    "bomb": "strike", "launch": "launch", "win": "win", "defeat": "win", "beat": "win", "acquire": "acquire",
    "buy": "acquire", "purchase": "acquire", "found": "found", "establish": "found", "direct": "direct",
    "award": "award", "invent": "invent", "discover": "discover", "sign": "sign", "arrest": "arrest",
    "recall": "recall", "summon": "summon", "ban": "ban", "elect": "elect", "appoint": "appoint",
    "nominate": "nominate", "fire": "fire", "hit": "hit", "capture": "capture", "seize": "capture",
    "release": "release", "publish": "publish", "write": "write", "compose": "write", "create": "create",
    "develop": "create", "design": "create", "build": "build", "host": "host", "lead": "lead", "murder": "kill",
    "assassinate": "kill", "shoot": "shoot", "sink": "destroy", "crash": "crash", "cause": "cause",
    "sponsor": "sponsor", "broker": "broker", "mediate": "broker", "close": "close", "withdraw": "withdraw",
    "target": "target", "invade": "invade", "occupy": "occupy", "produce": "produce", "play": "play",
    "star": "play", "score": "score", "marry": "marry", "succeed": "succeed", "replace": "succeed",
}
_IRREGULAR_FORMS = {
    "shoot": ["shot"], "bring": ["brought"], "take": ["took", "taken"], "win": ["won"], "beat": ["beaten"],
    "buy": ["bought"], "strike": ["struck", "stricken"], "hit": [], "write": ["wrote", "written"], "lead": ["led"],
    "build": ["built"], "sink": ["sank", "sunk"], "withdraw": ["withdrew", "withdrawn"], "found": [],
    "seize": [], "knock": [],
}


def past_tense(base: str) -> str:
    """'shoot down' -> 'shot down', 'attack' -> 'attacked' (for summaries)."""
    verb, _, rest = base.partition(" ")
    irregular = _IRREGULAR_FORMS.get(verb)
    if irregular:
        past = irregular[0]
    elif verb.endswith("e"):
        past = verb + "d"
    elif verb.endswith("y") and verb[-2:-1] not in ("a", "e", "o", "u"):
        past = verb[:-1] + "ied"
    else:
        past = verb + "ed"
    return f"{past} {rest}".strip()


def _inflections(verb: str) -> set[str]:
    forms = {verb, verb + "s", verb + "es"}
    if verb.endswith("e"):
        forms |= {verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and verb[-2] not in "aeiou":
        forms |= {verb[:-1] + "ied", verb[:-1] + "ies", verb + "ing"}
    else:
        forms |= {verb + "ed", verb + "ing"}
        if re.fullmatch(r".*[^aeiou][aeiou][bdgklmnprt]", verb) and len(verb) <= 5:
            forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    forms |= set(_IRREGULAR_FORMS.get(verb, []))
    return forms


_SINGLE: dict[str, tuple[str, str]] = {}  # form -> (key, base)
_PHRASAL: dict[tuple[str, str], tuple[str, str]] = {}
for _base, _key in _ACTION_BASES.items():
    if " " in _base:
        _v, _p = _base.split()
        for _f in _inflections(_v):
            _PHRASAL[(_f, _p)] = (_key, _base)
    else:
        for _f in _inflections(_base):
            _SINGLE.setdefault(_f, (_key, _base))
# 'found' is far more often the past of 'find'; only treat it as 'establish' with 'founded'.
_SINGLE.pop("found", None)
_SINGLE.pop("close", None)  # adjective
_SINGLE.pop("closes", None)

_DETERMINERS = frozenset("a an the this that these those its their his her our my your further any every each another".split())
_BE = frozenset("is are was were be been being am get got gets getting".split())
_SKIP_LEFT = frozenset(
    """also deliberately reportedly allegedly intentionally accidentally had has have having did does do will would
    could may might must to then later first eventually actually apparently successfully previously just never not
    n't finally subsequently initially already still""".split()
)
_CLAIM_VERBS = frozenset(
    """claimed claims claim said says say alleged alleges appeared appears seemed seems reported reports believed
    believes thought expected""".split()
)
_BOUNDARY = frozenset(
    """that which who whom when while after before because although though since if as but and or than where whether
    ; : ( ) " \u201c \u201d""".split()
)


_NP_PARTICIPLES = frozenset({"armed", "united", "leading", "ruling", "governing", "opposing", "unnamed", "unidentified", "elected", "retired", "detained"})


def _np_left(tokens: list[Token], k: int, max_len: int = 6) -> tuple[int, int] | None:
    """Token range [a, b) of the noun phrase ending at index k (inclusive), walking left."""
    b = k + 1
    a = k + 1
    while a - 1 >= 0 and b - (a - 1) <= max_len:
        t = tokens[a - 1]
        if t.low in ("'s", "-") or t.text in ("\u2019s",):
            a -= 1
            continue
        if not t.is_word:
            break
        if not t.is_cap and (t.low in _SPEECH_VERBS or t.low in _SINGLE or (t.low.endswith(("ed", "ing")) and t.low not in _NP_PARTICIPLES)):
            break
        if t.low in ("of", "in") and not (a - 2 >= 0 and (tokens[a - 2].low in _PARTY_HEADS or tokens[a - 2].is_cap) and tokens[a].is_cap):
            break
        if t.low in _BOUNDARY or (t.low in STOPWORDS and t.low not in ("the", "its", "their", "his", "her", "of", "in")):
            if t.low == "and" and a - 2 >= 0 and tokens[a - 2].is_word and (
                (tokens[a - 2].is_cap and tokens[a].is_cap)
                or tokens[a - 2].low.endswith(("al", "an", "ic", "ive", "ous", "ary", "ern", "ese"))
            ):
                a -= 1
                continue
            break
        a -= 1
    while a < b and tokens[a].low in ("the", "of", "and"):
        a += 1
    # 'sources close to the Malian army': the speakers are the sources
    j = a - 1 if a >= 1 and tokens[a - 1].low == "the" else a
    if j >= 3 and tokens[j - 1].low in ("to", "with") and tokens[j - 2].low in ("close", "linked", "loyal", "familiar", "near") \
            and tokens[j - 3].low in _PARTY_HEADS:
        a = j - 3
    return (a, b) if a < b else None


def _np_right(tokens: list[Token], k: int, max_len: int = 8) -> tuple[int, int] | None:
    """Token range of the noun phrase starting at index k, walking right."""
    a = k
    while a < len(tokens) and tokens[a].text in ('"', "\u201c", "\u201d", "'"):
        a += 1
    b = a
    while b < len(tokens) and b - a < max_len:
        t = tokens[b]
        if t.low in ("'s", "-", "\u2019s"):
            b += 1
            continue
        if not t.is_word:
            break
        if t.low in _BOUNDARY and t.low != "and":
            break
        if t.low == "and" and not (b + 1 < len(tokens) and tokens[b + 1].is_cap and b > a and tokens[b - 1].is_cap):
            break
        if t.low in ("after", "before", "near", "over", "in", "on", "at", "into", "inside", "during", "but", "with", "to"):
            break
        b += 1
    return (a, b) if a < b else None


class _Sentence:
    """Working state of one analysis."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.verb_idx: set[int] = set()
        self.entities: list[Entity] = []

    def span_text(self, a: int, b: int) -> str:
        return self.text[self.tokens[a].start : self.tokens[b - 1].end]

    def entity_in(self, a: int, b: int) -> Entity | None:
        """The main name of a noun phrase: its last name, unless that is only a title ('Mali's Security Minister')."""
        s, e = self.tokens[a].start, self.tokens[b - 1].end
        inside = [ent for ent in self.entities if ent.start >= s and ent.end <= e]
        if not inside:
            return None
        for ent in reversed(inside):
            if not all(w.lower() in _PARTY_HEADS or w.lower() in _TITLE_WORDS for w in ent.text.split()):
                return ent
        return inside[0]

    def entity_before(self, pos: int) -> Entity | None:
        best = None
        for ent in self.entities:
            if ent.end <= pos:
                best = ent
        return best

    def party(self, a: int, b: int) -> tuple[str | None, str | None]:
        """(display, key) of a noun phrase: its first name, resolving 'its'/'their' to the preceding name."""
        rng = self.tokens[a:b]
        display = self.span_text(a, b)
        if display.lower().startswith("the "):
            display = display[4:]
        ent = self.entity_in(a, b)
        if ent is not None:
            if ent.start > self.tokens[a].start and self.text[self.tokens[a].start : ent.start].strip().lower() not in ("the", ""):
                display = self.text[ent.start : self.tokens[b - 1].end]  # 'hostile action from the Algerian regime'
            return display, normalize_name(ent.text)
        if rng and rng[0].low in _PRONOUNS:
            prev = self.entity_before(rng[0].start)
            if prev is not None:
                rest = self.span_text(a + 1, b) if b > a + 1 else ""
                return (f"{prev.text} {rest}".strip() if rest else prev.text), normalize_name(prev.text)
            return None, None
        if any(t.low in _PARTY_HEADS for t in rng):
            return display, normalize_name(display)
        return None, None


def _separated_particle(toks: list[Token], i: int, span: int = 4) -> int | None:
    """Index of a particle split from its verb by a short object: 'brought [the drone] down'."""
    for j in range(i + 2, min(len(toks), i + 2 + span)):
        if not toks[j].is_word:
            return None
        if (toks[i].low, toks[j].low) in _PHRASAL:
            return j
    return None


def _find_actions(s: _Sentence) -> list[tuple[int, int, str, str]]:
    """(verb index, end index, key, base) for each action verb."""
    out = []
    toks = s.tokens
    words = [t for t in toks if t.is_word]
    headline = len(words) >= 3 and sum(t.is_cap for t in words) / len(words) > 0.6
    for i, t in enumerate(toks):
        if not t.is_word:
            continue
        if t.is_cap and i > 0 and not headline:
            continue  # part of a name: 'Academy Award'
        low = t.low
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        if (low, nxt) in _PHRASAL:
            key, base = _PHRASAL[(low, nxt)]
            out.append((i, i + 2, key, base))
        elif (j := _separated_particle(toks, i)) is not None:
            key, base = _PHRASAL[(low, toks[j].low)]
            out.append((i, j + 1, key, base))
        elif low in _SINGLE and not (low == "down" and not (i > 0 and toks[i - 1].low in ("the",) or nxt in ("by",) or (i > 0 and toks[i - 1].is_word and toks[i - 1].is_cap))):
            if i > 0 and (toks[i - 1].low, low) in _PHRASAL:
                continue
            if i > 0 and toks[i - 1].low in _DETERMINERS and not low.endswith("ing"):
                continue  # a noun: 'a further sign', 'the attack'
            if i > 1 and toks[i - 2].low in _DETERMINERS and not toks[i - 1].is_cap and toks[i - 1].low.endswith(("er", "al", "ful", "ous", "ive")) and not low.endswith("ing"):
                continue
            key, base = _SINGLE[low]
            if low in ("downed", "downing") or base != "down":
                out.append((i, i + 1, key, base))
    return out


def _agents(s: _Sentence, negs: list[tuple[int, int]]) -> list[Action]:
    out: list[Action] = []
    toks = s.tokens
    for i, j, key, base in _find_actions(s):
        # voice: a form of 'be' shortly before, or 'by' right after (participle: 'downed by ...')
        left = [t.low for t in toks[max(0, i - 3) : i]]
        passive = any(w in _BE for w in left) or (j < len(toks) and toks[j].low == "by")
        nominal = i > 0 and toks[i - 1].low in ("the", "a", "its", "their") and toks[i].low.endswith("ing")
        negated = any(a <= i < b for a, b in negs) or any(w in ("not", "never", "n't") or w.endswith("n't") for w in left)
        agent = agent_key = None
        obj: list[str] = []
        if passive and not nominal:
            # the agent follows 'by' within a few words
            for k2 in range(j, min(len(toks), j + 4)):
                if toks[k2].low == "by":
                    # 'by hostile action from the Algerian regime': first name or party in the next words
                    for a in range(k2 + 1, min(len(toks), k2 + 8)):
                        if toks[a].text in (",", ";", ".") or toks[a].low in ("but", "after", "before", "while"):
                            break
                        r = _np_right(toks, a)
                        if r:
                            d, kk = s.party(*r)
                            if kk:
                                agent, agent_key = d, kk
                                break
                    break
            # the thing acted on is the subject before 'was'
            r = _np_left(toks, max(0, i - 1 - sum(1 for w in left if w in _BE or w in _SKIP_LEFT)))
            if r:
                obj = content_stems([t.text for t in toks[r[0] : r[1]]])
        elif nominal:
            # 'the downing of X': no agent; object after 'of'
            if j < len(toks) and toks[j].low == "of":
                r = _np_right(toks, j + 1)
                if r:
                    obj = content_stems([t.text for t in toks[r[0] : r[1]]])
        else:
            k = i - 1
            # 'accused Algeria of downing': agent before 'of'
            if k >= 0 and toks[k].low == "of" and toks[i].low.endswith("ing"):
                k -= 1
            while k >= 0 and (toks[k].low in _SKIP_LEFT or toks[k].low.endswith("ly") and toks[k].is_word and not toks[k].is_cap):
                k -= 1
            infinitive = any(toks[x].low == "to" for x in range(k + 1, i))
            if k >= 0 and toks[k].low in _CLAIM_VERBS and infinitive:  # 'claimed to have shot down'
                k -= 1
                while k >= 0 and toks[k].low in _SKIP_LEFT:
                    k -= 1
                infinitive = False
            if k >= 0 and not infinitive:  # 'X beat Y to win': the subject of 'win' is not Y
                r = _np_left(toks, k)
                if r:
                    agent, agent_key = s.party(*r)
            r = _np_right(toks, j)
            if r:
                obj = content_stems([t.text for t in toks[r[0] : r[1]]])
        out.append(
            Action(
                key=key, base=base, text=s.text[toks[i].start : toks[j - 1].end], start=toks[i].start, end=toks[j - 1].end,
                agent=agent, agent_key=agent_key, passive=passive, negated=negated, object_stems=obj,
            )
        )
    return out


# ---------------------------------------------------------------------------
# Negation, denial, attribution
# ---------------------------------------------------------------------------

_NEG_WORDS = frozenset({"not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "cannot", "n't"})
_NEG_EXCEPT = {
    ("not", "only"), ("not", "just"), ("no", "longer"), ("no", "doubt"), ("no", "later"), ("not", "until"),
    ("no", "fewer"), ("no", "more"), ("no", "less"), ("not", "least"), ("not", "to"), ("no", "matter"),
}
_DENY = {
    "deny": "denial", "denies": "denial", "denied": "denial", "denying": "denial", "reject": "denial",
    "rejects": "denial", "rejected": "denial", "rejecting": "denial", "refute": "denial", "refutes": "denial",
    "refuted": "denial", "refuting": "denial", "dispute": "denial", "disputes": "denial", "disputed": "denial",
    "disputing": "denial", "dismiss": "denial", "dismisses": "denial", "dismissed": "denial", "dismissing": "denial",
    "challenging": "denial", "challenged": "denial", "challenges": "denial", "contradicting": "denial",
    "contradicts": "denial", "contradicted": "denial", "debunked": "denial", "disproved": "denial",
}
# Nouns that stand for someone's statement: denying one of them says nothing about the facts unless a 'that'-clause follows.
_SPEECH_NOUNS = frozenset(
    """claim claims assertion assertions accusation accusations allegation allegations explanation explanations
    report reports statement statements version narrative account accounts charge charges suggestion suggestions
    rumours rumors idea notion""".split()
)
_SPEECH_VERBS = frozenset(
    """say says said saying state states stated claim claims claimed claiming maintain maintains maintained insist
    insists insisted assert asserts asserted asserting announce announces announced report reports reported note
    notes noted argue argues argued add adds added confirm confirms confirmed confirming reiterate reiterates
    reiterated emphasize emphasizes emphasized emphasise emphasised stress stresses stressed explain explains
    explained allege alleges alleged alleging deny denies denied denying reject rejects rejected tell tells told
    contend contends contended acknowledge acknowledged acknowledges concede conceded declare declared declares
    believe believes insisting maintaining responded respond responds expressed clarified tweeted wrote writes
    suggest suggests suggested warned warns revealed reveals according accused accuses described describes
    dismissed dismisses concluded concludes""".split()
)
REPORTING_STEMS = frozenset(stem(w) for w in _SPEECH_VERBS | {"expressed", "express", "issued", "statement", "condemned"})
"""Stems of reporting verbs: shared 'said' or 'expressed' says nothing about two claims being about one fact."""

_CONTRAST_OPENERS = frozenset({"however", "but", "yet", "nevertheless", "nonetheless", "instead", "conversely"})
_PARENTHETICAL = re.compile(
    r",\s*(?:however|though|too|also|meanwhile|therefore|in turn|for (?:its|his|her|their) part|in (?:its|his|her|their) response|"
    r"on the other hand|in contrast|by contrast)\s*,"
    r"|[\u2014\u2013]\s?[^\u2014\u2013]{1,80}?\s?[\u2014\u2013]"
    r"|\([^()]{0,80}\)",
    re.IGNORECASE,
)


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with pattern matches replaced by spaces (same length, so offsets survive)."""
    return pattern.sub(lambda m: " " * len(m.group()), text)


def _scope_end(toks: list[Token], k: int, limit: int = 12) -> int:
    b = k
    while b < len(toks) and b - k < limit:
        t = toks[b]
        if t.text in (",", ";", ".", ":", "?", "!", "\u2014") or t.low in ("but", "while", "whereas", "although", "though", "because"):
            break
        if t.low == "and" and b + 1 < len(toks) and toks[b + 1].low.endswith(("ing", "ed")):
            break
        b += 1
    return b


def _negations(s: _Sentence, actions: list[tuple[int, int, str, str]]) -> tuple[list[Negation], list[tuple[int, int]]]:
    toks = s.tokens
    out: list[Negation] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        low = t.low
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        kind = None
        if low == "no" and (nxt[:1].isdigit() or (nxt == "." and i + 2 < len(toks) and toks[i + 2].text[:1].isdigit())):
            i += 1  # 'No. 1', 'No1'
            continue
        if (low in _NEG_WORDS or low.endswith("n't")) and (low, nxt) not in _NEG_EXCEPT:
            kind = "negation"
        elif low in _DENY:
            kind = _DENY[low]
        elif low == "contrary" and nxt == "to":
            kind = "dispute"
        if kind is None:
            i += 1
            continue
        a = i + 1 + (1 if low == "contrary" else 0)
        denied_party = None
        if kind in ("denial", "dispute"):
            # 'rejecting Algeria's claim that P' -> P, denied party Algeria
            look = a
            while look < min(len(toks), a + 7) and toks[look].low not in _SPEECH_NOUNS:
                look += 1
            if look < len(toks) and toks[look].low in _SPEECH_NOUNS and look < a + 7:
                r = (a, look)
                if look > a:
                    d, key = s.party(*r) if any(x.is_cap for x in toks[a:look]) else (None, None)
                    denied_party = d.replace("'s", "").replace("\u2019s", "").strip() if d else None
                if look + 1 < len(toks) and toks[look + 1].low == "that":
                    a = look + 2
                elif kind == "dispute":
                    # 'Contrary to X's assertions, MAIN': MAIN is asserted, not negated
                    out.append(Negation(cue=s.text[t.start : toks[i + 1].end], start=t.start, end=toks[i + 1].end,
                                        scope="", scope_end=toks[look].end, denied_party=denied_party, kind=kind))
                    i = look + 1
                    continue
                else:
                    a = look + 1
                    if a < len(toks) and toks[a].low in ("of", "by"):
                        a = len(toks)  # 'dismissed claims of ...' without a proposition
                    else:
                        a = len(toks)
            elif kind == "denial" and i > 0 and toks[i - 1].low in _BE and a < len(toks) and toks[a].low == "by":
                # 'accusations were dismissed by Algeria': the scope is the subject, usually a speech noun
                r = _np_left(toks, i - 2)
                stems_ = content_stems([x.text for x in toks[r[0] : r[1]]]) if r else []
                stems_ = [x for x in stems_ if x not in {stem(w) for w in _SPEECH_NOUNS}]
                scope = s.span_text(*r) if r else ""
                out.append(Negation(cue=t.text, start=t.start, end=t.end, scope=scope, scope_stems=stems_, kind=kind,
                                    scope_end=t.end))
                i += 1
                continue
        b = _scope_end(toks, a, limit=16 if kind != "negation" else 10)
        if kind == "negation" and b - a < 2:
            b = min(len(toks), _scope_end(toks, a, limit=10))
        scope_toks = toks[a:b]
        scope_words = [x.text for x in scope_toks]
        stems_ = [x for x in content_stems(scope_words) if x not in {stem(w) for w in _SPEECH_NOUNS}]
        acts = [key for (vi, vj, key, _) in actions if a <= vi < b]
        spans.append((i, b))
        out.append(
            Negation(
                cue=s.text[t.start : (toks[i + 1].end if low == "contrary" else t.end)], start=t.start,
                end=toks[i + 1].end if low == "contrary" else t.end, scope=s.span_text(a, b) if b > a else "",
                scope_stems=stems_, actions=acts, denied_party=denied_party, kind=kind,
                scope_end=toks[b - 1].end if b > a else t.end,
            )
        )
        i += 1
    return out, spans


def _attribution(s: _Sentence) -> tuple[str | None, str | None, str | None]:
    """(display, key, verb) of who the sentence's claim is attributed to."""
    blanked = _blank(s.text, _PARENTHETICAL)
    toks = tokenize(blanked)
    sub = _Sentence(blanked)
    sub.tokens = toks
    sub.entities = s.entities
    # 'according to X,'
    for i, t in enumerate(toks):
        if t.low == "according" and i + 1 < len(toks) and toks[i + 1].low == "to":
            r = _np_right(toks, i + 2, max_len=8)
            if r:
                d, k = sub.party(*r)
                if d:
                    return d, k, "according to"
    # 'X said', 'X, however, maintains', 'dismissed by X'
    for i, t in enumerate(toks):
        if t.low not in _SPEECH_VERBS or t.low == "according" or t.is_cap:
            continue
        if i > 0 and (toks[i - 1].low in ("'s", "the", "a", "an", "its", "their", "his", "her", "these", "those", "this", "that") or toks[i - 1].text == "\u2019s"):
            continue  # a noun: "Algeria's claim"
        if i + 1 < len(toks) and toks[i + 1].low == "by" and i > 0 and toks[i - 1].low in _BE:
            r = _np_right(toks, i + 2)
            if r:
                d, k = sub.party(*r)
                if d:
                    return d, k, t.text
            continue
        k_ = i - 1
        while k_ >= 0 and (toks[k_].low in ("also", "further", "officially", "initially", "regularly", "has", "have", "had", "later", "repeatedly", "publicly", "recently", "previously", "reportedly", "then", "once", "again", "firmly", "strongly", "still")):
            k_ -= 1
        if k_ < 0:
            continue
        if toks[k_].text == ",":
            # 'Pope Francis, the head of the Church in Vatican City, Italy, has suggested': skip appositions,
            # and take the earliest noun phrase before them that names a party
            commas = [k_]
            k2 = k_ - 1
            while k2 >= 0 and commas[-1] - k2 <= 12:
                if toks[k2].text == ",":
                    commas.append(k2)
                k2 -= 1
            found = None
            for c in reversed(commas[1:]):
                r = _np_left(toks, c - 1)
                if r and sub.party(*r)[0]:
                    found = r
                    break
            if found is None:
                continue
            d, k = sub.party(*found)
            return d, k, t.text
        r = _np_left(toks, k_)
        if r is None:
            continue
        d, k = sub.party(*r)
        if d:
            return d, k, t.text
    return None, None, None


_ASSERT_VERBS = frozenset(
    """claim claims claimed insist insists insisted maintain maintains maintained say says said assert asserts
    asserted argue argues argued contend contends allege alleges alleged deny denies denied report reports reported
    state states stated""".split()
)
_CONTRAST_WORDS = frozenset({"while", "whereas", "but", "however", "yet", "although", "though", "instead"})
_SUBORDINATE = frozenset({"while", "whereas", "although", "though"})


def split_clauses(text: str) -> list[Clause]:
    """Split a sentence that reports two parties disagreeing into one clause per party.

    ``"while Bamako authorities claim X, local sources insist Y"`` gives two clauses, each
    with its speaker; any other sentence gives ``[]``.

    Example:
        >>> [c.attributed_to for c in split_clauses("While the police say two people died, witnesses insist that ten died.")]
        ['police', 'witnesses']
    """
    s = _Sentence(text)
    s.entities = _entities(s.tokens, set())
    blanked = _blank(text, _PARENTHETICAL)
    toks = tokenize(blanked)
    sub = _Sentence(blanked)
    sub.tokens = toks
    sub.entities = s.entities
    speakers: list[tuple[int, int, str, str]] = []  # (np start idx, verb idx, display, key)
    for i, t in enumerate(toks):
        if t.low not in _ASSERT_VERBS or i == 0:
            continue
        r = _np_left(toks, i - 1)
        if r is None:
            continue
        d, k = sub.party(*r)
        if d and k:
            speakers.append((r[0], i, d, k))
    if len(speakers) < 2:
        return []
    candidates = []
    for (a0, v0, d0, k0), (a1, v1, d1, k1) in zip(speakers, speakers[1:]):
        if k0 == k1 or same_entity(k0, k1):
            continue
        before_first = {t.low for t in toks[max(0, a0 - 2) : a0]}
        between = {t.low for t in toks[v0:a1]}
        if before_first & _SUBORDINATE:  # 'while A claim X, B insist Y'
            candidates.append((0, a0, v0, d0, k0, a1, v1, d1, k1))
        elif between & _CONTRAST_WORDS:  # 'A said X, but B insists Y'
            candidates.append((1, a0, v0, d0, k0, a1, v1, d1, k1))
    for _, a0, v0, d0, k0, a1, v1, d1, k1 in sorted(candidates, key=lambda c: c[0])[:1]:
        cut = a1
        while cut > v0 + 1 and (toks[cut - 1].low in _CONTRAST_WORDS or toks[cut - 1].text in (",", ";")):
            cut -= 1
        first_end = toks[cut - 1].end
        second_start = toks[a1].start
        if toks[a1 - 1].low in _CONTRAST_WORDS:
            second_start = toks[a1 - 1].start
        return [
            Clause(start=0, end=first_end, attributed_to=d0, attribution_key=k0, claim_start=toks[v0].end),
            Clause(start=second_start, end=len(text.rstrip()), attributed_to=d1, attribution_key=k1, claim_start=toks[v1].end),
        ]
    return []


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


# A date or place opening a snippet, then '...' or a dash: when it was published, not what it says.
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2,8}\.? \d{4}|[A-Z][\w .'\u2019-]{1,40}, [A-Z][\w .'-]{1,30})"
    r"\s*(?:\.\.\.|\u2026|\s[\u2014\u2013-])\s*"
)


def analyze(text: str) -> Claim:
    """Extract quantities, dates, negations, actions with agents, attribution and names from one sentence.

    Example:
        >>> c = analyze("Contrary to the army's assertions, the drone was not shot down by its forces.")
        >>> [(a.key, a.negated) for a in c.actions], [n.kind for n in c.negations]
        ([('down', True)], ['dispute', 'negation'])
    """
    return _analyze_cached(text)


@lru_cache(maxsize=4096)
def _analyze_cached(text: str) -> Claim:
    s = _Sentence(text)
    toks = s.tokens
    actions = _find_actions(s)
    s.verb_idx = {i for i, _, _, _ in actions}
    s.entities = _entities(toks, s.verb_idx)
    dates, used = _parse_dates(toks)
    dates = [d.model_copy(update={"text": text[d.start : d.end]}) for d in dates]
    quantities = [q.model_copy(update={"text": text[q.start : q.end]}) for q in _parse_quantities(toks, used)]
    negations, neg_spans = _negations(s, actions)
    acts = _agents(s, neg_spans)
    who, key, verb = _attribution(s)
    first = next((t.low for t in toks if t.is_word), "")
    contrast = first if first in _CONTRAST_OPENERS else None
    if contrast is None and re.match(r"^[^,]{1,40},\s*(however|though)\s*,", text, re.IGNORECASE):
        contrast = "however"
    words = [t.low for t in toks if t.is_word or t.text[0].isdigit()]
    m = _DATELINE.match(text)
    body_start = m.end() if m else 0
    if body_start:
        dates = [d for d in dates if d.start >= body_start]
    return Claim(
        text=text, words=words, stems=content_stems([t.text for t in toks if t.is_word]), entities=s.entities,
        quantities=quantities, dates=dates, negations=negations, actions=acts, attributed_to=who,
        attribution_key=key, speech_verb=verb, contrast=contrast, body_start=body_start,
    )


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


def format_quantity(q: Quantity) -> str:
    """A short display form: '2 km', 'about 20 militant', '$10.4 billion'."""
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
        return f"{hedge}{num} {q.counted or ''}".strip()
    if q.unit == "%":
        return f"{hedge}{num}%"
    return f"{hedge}{num} {q.unit}"
