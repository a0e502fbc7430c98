"""When a column of strings is an id, not a category: one rule, for `infer` (`role: key`) and for the comparison
(a note on a `category` that is one, whose drift and unseen rates then say nothing useful)."""

from __future__ import annotations

KEY_UNIQUE_SHARE = 0.99
"""A string column is an id when its distinct values are at least this share of its non-null values."""
MAX_CATEGORIES = 50
"""More distinct values than a category list holds (infer's default `max_categories`)."""


def looks_like_id(distinct: int, present: int, max_categories: int = MAX_CATEGORIES) -> bool:
    """More values than a category list would hold, nearly one per row."""
    return present > max_categories and distinct >= KEY_UNIQUE_SHARE * present


def id_note(distinct: int, present: int) -> str | None:
    """The comparison's note on a `category` feature whose training values look like an id."""
    if not looks_like_id(distinct, present):
        return None
    return (
        f"{distinct:,} distinct values in {present:,} training values: probably an id, not a category "
        "(declare it type: string, role: key)"
    )
