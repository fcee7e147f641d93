"""Month and weekday names: the one table the cleaner, metadata, claims and conflicts read."""

from __future__ import annotations

MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11,
    "dec": 12,
}
MONTHS = {**{name: i for i, name in enumerate(MONTH_NAMES, start=1)}, **MONTH_ABBREVIATIONS}
"""Month name or abbreviation (lowercase) -> month number."""
MONTH_PATTERN = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
"""Any key of :data:`MONTHS` as a regex group, longest first (lowercase: compile with re.I)."""

WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
WEEKDAY_ABBREVIATIONS = ("mon", "tues", "tue", "wed", "thurs", "thu", "fri", "sat", "sun")
"""Only for printed date lines: as words ('Sun', 'Sat') they are too often something else."""
