"""Numbers: digits in running text and the number words every stage reads ('two' -> 2)."""

from __future__ import annotations

import re

from rag.text.tokens import words

CARDINALS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
"""What follows the digits of an ordinal ('1st', '13th'); the tokenizer gives it as a token of its own."""
NUMBER_WORDS = {**CARDINALS, "dozen": 12}
"""Words that count something: the cardinals and 'dozen'."""
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6}
"""Multipliers after a number ('2.5 million', '$3bn')."""

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
# 'forty-two' is 42 (and 'twenty-first' 21), not 40 and 2: read as one number before the single words are
_COMPOUND = re.compile(rf"\b({_TENS})[-\s]({_UNITS})\b", re.I)


def numbers(text: str) -> set[float]:
    """Numeric values mentioned in ``text``: digits, number words and ordinals ('two' -> 2, 'forty-two' -> 42,
    'fifth' -> 5)."""
    out: set[float] = set()
    for m in NUMBER.findall(text):
        try:
            out.add(float(m.replace(",", "")))
        except ValueError:
            continue

    def compound(m: re.Match) -> str:
        unit = m.group(2).lower()
        out.add(float(CARDINALS[m.group(1).lower()] + CARDINALS.get(unit, ORDINALS.get(unit, 0))))
        return " "

    for w in words(_COMPOUND.sub(compound, text)):
        value = NUMBER_WORDS.get(w, ORDINALS.get(w))
        if value is not None:
            out.add(float(value))
    return out
