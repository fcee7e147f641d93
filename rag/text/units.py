"""Units: surface forms -> (canonical unit, dimension, factor to the dimension's base unit)."""

from __future__ import annotations

UNITS: dict[str, tuple[str, str, float]] = {}


def _add(names: str, unit: str, dim: str, factor: float) -> None:
    for n in names.split():
        UNITS[n] = (unit, dim, factor)


_add("km kms kilometer kilometers kilometre kilometres", "km", "length", 1000.0)
_add("m meter meters metre metres", "m", "length", 1.0)
_add("cm centimeter centimeters centimetre centimetres", "cm", "length", 0.01)
_add("mm millimeter millimeters millimetre millimetres", "mm", "length", 0.001)
_add("mi mile miles", "mi", "length", 1609.344)
_add("ft foot feet", "ft", "length", 0.3048)
_add("yd yard yards", "yd", "length", 0.9144)
_add("inch inches", "in", "length", 0.0254)
_add("kg kgs kilogram kilograms kilogramme kilogrammes kilo kilos", "kg", "mass", 1.0)
_add("g gram grams gramme grammes", "g", "mass", 0.001)
_add("ton tons tonne tonnes", "t", "mass", 1000.0)
_add("lb lbs pound pounds", "lb", "mass", 0.45359237)
_add("second seconds sec secs", "s", "duration", 1.0)
_add("minute minutes min mins", "min", "duration", 60.0)
_add("hour hours hr hrs", "h", "duration", 3600.0)
_add("day days", "d", "duration", 86400.0)
_add("week weeks", "wk", "duration", 604800.0)
_add("month months", "mo", "duration", 2629746.0)
_add("year years", "yr", "duration", 31556952.0)
_add("mph", "mph", "speed", 0.44704)
_add("kph kmh", "km/h", "speed", 1 / 3.6)
_add("hectare hectares ha", "ha", "area", 1e4)
_add("acre acres", "acre", "area", 4046.8564224)
_add("% percent pct", "%", "percent", 1.0)
_add("dollar dollars usd", "usd", "money:usd", 1.0)
_add("euro euros eur", "eur", "money:eur", 1.0)
_add("yen jpy", "jpy", "money:jpy", 1.0)
_add("rupees inr", "inr", "money:inr", 1.0)

CURRENCY_SYMBOLS = {"$": ("usd", "money:usd"), "\u20ac": ("eur", "money:eur"), "\u00a3": ("gbp", "money:gbp"), "\u00a5": ("jpy", "money:jpy")}

# Retrieval, verification and answer matching fold only distances and percentages to one term ('9.5
# kilometres' = '9.5km'): the spelled-out words of other units are ordinary words there ('day', 'second').
TERM_ALIASES = {s: u for s, (u, _, _) in UNITS.items() if u in ("km", "m", "mi", "%") and s != u}
"""Spelled-out unit word -> its abbreviation, for term matching."""
