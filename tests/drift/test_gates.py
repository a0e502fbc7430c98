"""One status order, one grade for every threshold, one number format."""

from __future__ import annotations

import math

import pytest

from skewcheck.drift.gates import Grade, Status, grade, number, worst
from skewcheck.reporters import numbers


class TestStatusOrder:
    def test_rank_is_best_first_with_fail_worse_than_error(self) -> None:
        by_rank = sorted(Status, key=lambda status: status.rank)
        assert by_rank == [Status.SKIPPED, Status.PASS, Status.WARN, Status.ERROR, Status.FAIL]

    def test_order_is_the_rank_reversed_from_zero(self) -> None:
        assert {status: status.order for status in Status} == {
            Status.FAIL: 0,
            Status.ERROR: 1,
            Status.WARN: 2,
            Status.PASS: 3,
            Status.SKIPPED: 4,
        }

    def test_worst(self) -> None:
        assert worst([Status.PASS, Status.ERROR, Status.WARN]) is Status.ERROR
        assert worst([Status.ERROR, Status.FAIL]) is Status.FAIL
        assert worst([Status.SKIPPED]) is Status.SKIPPED
        assert worst([]) is Status.PASS


class TestCeiling:
    """A value that must stay at or below its thresholds: drift metrics, null-rate rise, unseen and mismatch rates."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (0.05, Grade(Status.PASS, "")),
            (0.1, Grade(Status.PASS, "")),  # exactly warn: strict
            (0.2, Grade(Status.WARN, "> warn 0.1")),
            (0.25, Grade(Status.WARN, "> warn 0.1")),  # exactly fail: strict
            (0.31, Grade(Status.FAIL, "> fail 0.25")),
            (math.inf, Grade(Status.FAIL, "> fail 0.25")),
        ],
    )
    def test_strictly_above_each_threshold(self, value: float, expected: Grade) -> None:
        assert grade(value, 0.1, 0.25) == expected

    def test_a_percentage(self) -> None:
        assert grade(0.12, 0.02, 0.05, percent=True) == Grade(Status.FAIL, "> fail 5.0%")
        assert grade(0.03, 0.02, 0.05, percent=True) == Grade(Status.WARN, "> warn 2.0%")
        assert grade(0.002, 0.001, 0.01, percent=True) == Grade(Status.WARN, "> warn 0.1%")
        assert grade(0.07, 0.01, 0.07, percent=True) == Grade(Status.WARN, "> warn 1.0%")

    @pytest.mark.parametrize(("threshold", "text"), [(0.0125, "1.25%"), (0.0005, "0.05%"), (0.00001, "0.001%")])
    def test_a_percentage_is_never_rounded_to_another_threshold(self, threshold: float, text: str) -> None:
        assert grade(1.0, None, threshold, percent=True) == Grade(Status.FAIL, f"> fail {text}")

    def test_a_missing_threshold_is_never_crossed(self) -> None:
        assert grade(0.5, None, 0.25).status is Status.FAIL
        assert grade(0.2, None, 0.25).status is Status.PASS
        assert grade(0.5, 0.1, None) == Grade(Status.WARN, "> warn 0.1")
        assert grade(0.5, None, None).status is Status.PASS


class TestFloor:
    """A value that must stay at or above its thresholds: the join rate."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (0.95, Grade(Status.PASS, "")),
            (0.9, Grade(Status.PASS, "")),  # exactly warn: strict
            (0.89, Grade(Status.WARN, "< warn 0.9")),
            (0.5, Grade(Status.WARN, "< warn 0.9")),  # exactly fail: strict
            (0.49, Grade(Status.FAIL, "< fail 0.5")),
            (0.0, Grade(Status.FAIL, "< fail 0.5")),
        ],
    )
    def test_strictly_below_each_threshold(self, value: float, expected: Grade) -> None:
        assert grade(value, 0.9, 0.5, floor=True) == expected

    def test_a_percentage(self) -> None:
        assert grade(0.42, 0.9, 0.5, floor=True, percent=True) == Grade(Status.FAIL, "< fail 50.0%")


class TestNumber:
    @pytest.mark.parametrize(
        ("value", "text"),
        [(0.31, "0.31"), (1.39812, "1.398"), (0.000138195, "0.0001382"), (123456.0, "1.235e+05"), (3, "3")],
    )
    def test_four_significant_digits(self, value: float, text: str) -> None:
        assert number(value) == text

    @pytest.mark.parametrize(("value", "text"), [(math.inf, "inf"), (-math.inf, "-inf"), (math.nan, "nan")])
    def test_not_finite(self, value: float, text: str) -> None:
        assert number(value) == text == str(value)

    def test_reports_write_numbers_the_same_way_and_a_dash_for_none(self) -> None:
        assert numbers.number(0.000138195) == number(0.000138195)
        assert numbers.number(None) == "–"
