"""rasd.pipeline.temporal.resolve_expression: a table of expressions and their dates."""

from __future__ import annotations

from datetime import date

import pytest

from rasd.pipeline.temporal import (
    needs_publication_date,
    parse_expression,
    resolve_expression,
)

WED = date(2023, 9, 27)  # the seed report's publication date, a Wednesday
NEW_YEAR = date(2024, 1, 2)  # a Tuesday
D, W, M = 1, 2, 3


@pytest.mark.parametrize(
    ("expression", "published", "expected", "precision"),
    [
        # weekdays (seed cases first)
        ("On Tuesday", WED, date(2023, 9, 26), D),
        ("On Monday", WED, date(2023, 9, 25), D),
        ("on Wednesday", WED, date(2023, 9, 27), D),
        ("Thursday", WED, date(2023, 9, 21), D),
        ("last Tuesday", WED, date(2023, 9, 26), D),
        ("last Wednesday", WED, date(2023, 9, 20), D),
        ("Monday night", WED, date(2023, 9, 25), D),
        ("the early hours of Sunday", WED, date(2023, 9, 24), D),
        ("Tuesday\u2019s", WED, date(2023, 9, 26), D),
        ("ON SATURDAY", NEW_YEAR, date(2023, 12, 30), D),
        # relative days
        ("yesterday", WED, date(2023, 9, 26), D),
        ("yesterday afternoon", WED, date(2023, 9, 26), D),
        ("today", WED, WED, D),
        ("this morning", WED, WED, D),
        ("last night", NEW_YEAR, date(2024, 1, 1), D),
        ("the day before yesterday", WED, date(2023, 9, 25), D),
        ("three days ago", NEW_YEAR, date(2023, 12, 30), D),
        ("10 days ago", WED, date(2023, 9, 17), D),
        # weeks
        ("last week", WED, date(2023, 9, 21), W),
        ("earlier this week", WED, date(2023, 9, 26), W),
        ("two weeks ago", WED, date(2023, 9, 13), W),
        ("over the weekend", WED, date(2023, 9, 23), W),
        # months
        ("last month", NEW_YEAR, date(2023, 12, 16), M),
        ("earlier this month", WED, date(2023, 9, 14), M),
        ("late last month", WED, date(2023, 8, 26), W),
        ("in mid-September", WED, date(2023, 9, 15), W),
        ("early September", WED, date(2023, 9, 5), W),
        ("September 2023", WED, date(2023, 9, 14), M),
        ("December", NEW_YEAR, date(2023, 12, 16), M),
        ("a month ago", WED, date(2023, 8, 27), M),
        # absolute days
        ("on 12 March", WED, date(2023, 3, 12), D),
        ("March 12", WED, date(2023, 3, 12), D),
        ("the 12th of March", WED, date(2023, 3, 12), D),
        ("Sept. 26, 2023", WED, date(2023, 9, 26), D),
        ("Sunday 24 September", WED, date(2023, 9, 24), D),
        ("30 DECEMBER", date(1990, 1, 3), date(1989, 12, 30), D),
        ("December 31", NEW_YEAR, date(2023, 12, 31), D),
        ("12 March 2022", WED, date(2022, 3, 12), D),
        ("2023-09-20", WED, date(2023, 9, 20), D),
        ("12-14 March", WED, date(2023, 3, 12), D),
        ("between 10 and 12 September", WED, date(2023, 9, 10), D),
        # numeric: day-first when ambiguous, month-first when that is the only valid
        # reading or the only one not in the future
        ("12/03/2023", WED, date(2023, 3, 12), D),
        ("03/25/2023", WED, date(2023, 3, 25), D),
        ("09/10/2023", WED, date(2023, 9, 10), D),
        ("25.09.23", WED, date(2023, 9, 25), D),
        # publication day + 1 is tolerated (time zones)
        ("28 September", WED, date(2023, 9, 28), D),
    ],
)
def test_temporal_resolve_table(
    expression: str, published: date, expected: date, precision: int
) -> None:
    assert resolve_expression(expression, published) == (expected, precision)


@pytest.mark.parametrize(
    "expression",
    [
        "for two years",
        "two years",
        "30 years old",
        "30-year-old",
        "10 pm",
        "morning",
        "2014",
        "the 1990s",
        "last year",
        "the past week",
        "in recent days",
        "the coming days",
        "next Tuesday",
        "tomorrow",
        "later this month",
        "October",  # a month just after publication: future
        "30 September",  # future by more than a day
        "10 October 2023",
        "summer",
        "Ramadan",
        "the previous day",
        "12",
        "",
    ],
)
def test_temporal_resolve_rejects(expression: str) -> None:
    assert resolve_expression(expression, WED) is None


def test_temporal_resolve_prefer_past_false_takes_nearest_weekday() -> None:
    # Thursday is 6 days back or 1 day ahead: the nearest is tomorrow, tolerated.
    assert resolve_expression("Thursday", WED, prefer_past=False) == (date(2023, 9, 28), D)
    assert resolve_expression("Monday", WED, prefer_past=False) == (date(2023, 9, 25), D)


@pytest.mark.parametrize(
    ("expression", "needs", "expected"),
    [
        ("on Tuesday", True, None),
        ("yesterday", True, None),
        ("12 March", True, None),
        ("September", True, None),
        ("12 March 2022", False, (date(2022, 3, 12), D)),
        ("2023-09-20", False, (date(2023, 9, 20), D)),
        ("September 2023", False, (date(2023, 9, 15), M)),
        ("for two years", False, None),
    ],
)
def test_temporal_resolve_without_publication_date(
    expression: str, needs: bool, expected: tuple[date, int] | None
) -> None:
    assert needs_publication_date(expression) is needs
    assert resolve_expression(expression, None) == expected


def test_temporal_parse_is_cached() -> None:
    assert parse_expression("On Tuesday") is parse_expression("On Tuesday")
