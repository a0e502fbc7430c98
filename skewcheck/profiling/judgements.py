"""The judgement calls `infer` makes beyond reading types, each explained in one line: the schema file carries the
lines as comments and `skewcheck infer` prints them on stderr, so nothing is decided silently.

- A text column with few distinct values is a `category` even when a few of them are rare (a sixteenth airline
  with three flights): one of its values, or up to a tenth of them, may be seen fewer than `min_category_count`
  times, as long as some value is common.
- A datetime or date whose name has a time word as a token (`time_hour`, `created_at`, `event_ts`) is a timestamp:
  time moves on, so it is not drift-checked. One that does not look like one is drift-checked, and said so.
- An integer calendar field (`month`, `day`, `hour`, `minute`, `weekday`; `year`) gets the calendar's bounds, not
  the ones a half-year of data shows (`month` 1-6 would reject every July): its values move with the season.
- Bounds read off the data, ids (`role: key`) and text too varied for a category are named too.
"""

from __future__ import annotations

import re

TIMESTAMP_NAME = re.compile(
    r"(?i:(^|[_\-. ])(ts|time|timestamp|date|datetime|dt|hour|day|minute)([_\-. ]|$)|_at$)"
    r"|[a-z0-9](At|Ts|Time|Date|Timestamp|Datetime|Hour)$"
)
"""A time word as a token of the name: `time_hour`, `order_ts`, `created_at`, `eventTime`."""

RARE_SHARE = 0.1
"""A category may have one rare value (seen fewer than min_category_count times), or at most this share of them."""

_CALENDAR = {
    "month": (1, 12),
    "day": (1, 31),
    "dom": (1, 31),
    "hour": (0, 23),
    "minute": (0, 59),
    "weekday": (0, 7),
    "dow": (0, 7),
    "day_of_week": (0, 7),
    "dayofweek": (0, 7),
    "week": (1, 53),
    "quarter": (1, 4),
}
_YEAR = ("year", "yr")


def is_timestamp_name(name: str) -> bool:
    return bool(TIMESTAMP_NAME.search(name))


def calendar_field(name: str) -> str | None:
    """The calendar unit an integer column's name says it counts (`month`, `dep_hour` → hour), else None."""
    lowered = name.lower()
    for unit in (*_CALENDAR, *_YEAR):
        if lowered == unit or re.search(rf"(^|[_\-. ]){unit}$", lowered):
            return unit
    return None


def calendar_bounds(name: str, low: float | None, high: float | None) -> tuple[float | None, float | None, str] | None:
    """The bounds an integer calendar field gets instead of the data's, and why; None when it is no such field or
    its values do not fit the calendar (then it is something else that happens to be named so)."""
    unit = calendar_field(name)
    if unit is None or low is None or high is None:
        return None
    seen = f"the data holds {low:g} to {high:g}"
    if unit in _YEAR:
        return None, None, f"{name}: a year: no bounds ({seen}; next year's data would break any)"
    first, last = _CALENDAR[unit]
    if not first <= low <= high <= last:
        return None
    if (low, high) == (first, last):
        return float(first), float(last), ""  # the data already spans the calendar: nothing to explain
    return (
        float(first),
        float(last),
        f"{name}: an integer calendar field ({unit}): bounds {first} to {last}, the calendar's, not the data's "
        f"({seen}; other seasons move past them); its distribution moves with the season too",
    )


def category_call(
    name: str, counts: list[tuple[str, int]], distinct: int, max_categories: int, min_count: int
) -> tuple[bool, str]:
    """Whether a text column with these value counts (most frequent first) is a category, and the note saying why
    ("" for a plain case: every value common, or far too many values)."""
    if distinct == 0:
        return False, ""
    if distinct > max_categories:
        return False, f"{name}: string, not category: {distinct:,} distinct values (more than {max_categories})"
    rare = [(value, n) for value, n in counts if n < min_count]
    if not rare:
        return True, ""
    listed = ", ".join(f"{value!r} ({n})" for value, n in rare[:3]) + (", …" if len(rare) > 3 else "")
    if len(rare) < distinct and len(rare) <= max(1, RARE_SHARE * distinct):
        return True, (
            f"{name}: category of {distinct} values, {len(rare)} of them rare (seen fewer than {min_count} "
            f"times: {listed}): kept, rare values included"
        )
    return False, (
        f"{name}: string, not category: {len(rare)} of its {distinct} values seen fewer than {min_count} times "
        f"({listed}): more than one, and more than a tenth"
    )
