"""How every human-readable report writes numbers."""

from __future__ import annotations

import pytest

from skewcheck.reporters.numbers import number, percent


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "–"),  # an en dash, not a hyphen: no value is not a negative one
        (0.0, "0"),
        (0.123456, "0.1235"),
        (1.398, "1.398"),
        (12.5, "12.5"),
        (1234567.0, "1.235e+06"),
        (0.00001234, "1.234e-05"),
        (-0.5, "-0.5"),
        (float("inf"), "inf"),
    ],
)
def test_numbers_have_four_significant_digits(value: float | None, text: str) -> None:
    assert number(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (0.0, "0.0%"),
        (0.061, "6.1%"),
        (1.0, "100.0%"),
        (0.001, "0.1%"),
        (0.0009, "0.090%"),  # small shares, where drift lives, keep their digits
        (0.00001, "0.001%"),
    ],
)
def test_percentages_keep_digits_for_small_shares(value: float | None, text: str) -> None:
    assert percent(value) == text
