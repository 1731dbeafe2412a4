"""Monitoring hours: times and windows as people read them, the statement the registry inserts,
and whether hand-written terms of use state the hours."""

from __future__ import annotations

from datetime import time

import pytest

from registry.policy.content import MonitoringWindow
from registry.policy.hours import (
    describe_window,
    format_time,
    monitoring_statement,
    terms_state_hours,
)

AFTERWORD = "Messages sent outside these hours are answered when we are next monitoring."


def window(day: int, starts: str, ends: str) -> MonitoringWindow:
    return MonitoringWindow(day, time.fromisoformat(starts), time.fromisoformat(ends))


def weekdays(starts: str = "08:30", ends: str = "17:00") -> tuple[MonitoringWindow, ...]:
    return tuple(window(day, starts, ends) for day in range(5))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("08:30", "8:30am"),
        ("17:00", "5:00pm"),
        ("12:00", "12:00pm"),
        ("00:00", "12:00am"),
        ("00:05", "12:05am"),
        ("12:45", "12:45pm"),
        ("23:59", "11:59pm"),
        ("09:05", "9:05am"),
    ],
)
def test_format_time(value: str, shown: str) -> None:
    assert format_time(time.fromisoformat(value)) == shown


def test_describe_window() -> None:
    assert describe_window(window(0, "08:30", "17:00")) == "Monday, 8:30am to 5:00pm"
    assert describe_window(window(6, "10:00", "12:00")) == "Sunday, 10:00am to 12:00pm"


def test_describe_window_with_a_bad_day_does_not_raise() -> None:
    assert describe_window(window(9, "10:00", "12:00")).startswith("an unknown day, ")


def test_statement_for_monday_to_friday() -> None:
    assert monitoring_statement(weekdays()) == (
        f"We monitor this page Monday to Friday, 8:30am to 5:00pm NZ time. {AFTERWORD}"
    )


def test_statement_groups_days_and_joins_windows() -> None:
    windows = (
        *(window(day, "09:00", "12:00") for day in range(3)),
        *(window(day, "13:00", "17:00") for day in range(3)),
        window(3, "09:00", "17:00"),
        window(5, "10:00", "14:00"),
        window(6, "10:00", "14:00"),
    )
    assert monitoring_statement(windows) == (
        "We monitor this page Monday to Wednesday, 9:00am to 12:00pm and 1:00pm to 5:00pm;"
        " Thursday, 9:00am to 5:00pm; Saturday and Sunday, 10:00am to 2:00pm NZ time."
        f" {AFTERWORD}"
    )


def test_statement_for_a_single_day_and_non_adjacent_days() -> None:
    windows = (window(2, "09:00", "10:00"), window(4, "09:00", "10:00"))
    assert monitoring_statement(windows) == (
        f"We monitor this page Wednesday, 9:00am to 10:00am; Friday, 9:00am to 10:00am NZ time."
        f" {AFTERWORD}"
    )


def test_statement_ignores_window_order_and_duplicates() -> None:
    shuffled = (*reversed(weekdays()), window(2, "08:30", "17:00"))
    assert monitoring_statement(shuffled) == monitoring_statement(weekdays())


def test_statement_time_zone_label() -> None:
    assert "5:00pm Pacific/Auckland time." in monitoring_statement(
        weekdays(), "Pacific/Auckland time"
    )
    assert "5:00pm. Messages" in monitoring_statement(weekdays(), "")


def test_no_windows_no_statement() -> None:
    assert monitoring_statement(()) == ""
    assert monitoring_statement((window(8, "09:00", "10:00"),)) == ""


def test_terms_with_the_inserted_statement_state_the_hours() -> None:
    terms = "Be kind. " + monitoring_statement(weekdays())
    assert terms_state_hours(terms, weekdays())
    # Case and spacing do not matter.
    squashed = "BE KIND.\n\n" + monitoring_statement(weekdays()).upper().replace(" ", "  \n")
    assert terms_state_hours(squashed, weekdays())


def test_terms_no_longer_state_the_hours_once_the_hours_change() -> None:
    terms = "Be kind. " + monitoring_statement(weekdays())
    assert not terms_state_hours(terms, weekdays(ends="16:00"))
    assert not terms_state_hours(terms, (*weekdays(), window(5, "08:30", "17:00")))


@pytest.mark.parametrize(
    "terms",
    [
        "We monitor this page Monday to Friday, 8:30am to 5pm.",
        "Monitored Monday–Friday 8.30am–5.00pm.",
        "Monitored Monday - Friday, 8:30 am to 5:00 pm",
        "Monitored Mon–Fri 08:30 to 17:00",
        "Monitored Mon-Fri from 8:30 a.m. until 5 p.m.",
        "Monitored Mondays through Fridays, 8.30 am - 5 pm",
        "Monitored Monday, Tuesday, Wednesday, Thursday and Friday, 8:30am-5pm.",
        "Monitored weekdays, 8:30am to 5pm.",
        "Ka aroturukihia i te Rāhina ki te Rāmere, 8:30am ki 5:00pm.",
    ],
)
def test_hand_written_terms_that_state_the_hours(terms: str) -> None:
    assert terms_state_hours(terms, weekdays())


@pytest.mark.parametrize(
    "terms",
    [
        "We monitor this page during business hours.",
        "Monitored Monday to Thursday, 8:30am to 5pm.",
        "Monitored Monday to Friday, 8:30am to 4pm.",
        "Monitored Monday to Friday, 9am to 5pm.",
        "Monitored Monday to Friday from 8:30.",
        "Monitored Monday to Friday, 8:30pm to 5am.",
        "",
    ],
)
def test_hand_written_terms_that_do_not_state_the_hours(terms: str) -> None:
    assert not terms_state_hours(terms, weekdays())


def test_day_ranges_can_wrap_over_the_weekend() -> None:
    windows = tuple(window(day, "09:00", "12:00") for day in (4, 5, 6, 0))
    assert terms_state_hours("Friday to Monday, 9am to 12pm", windows)
    assert terms_state_hours("Friday to Monday, 9am to noon", windows)
    assert not terms_state_hours("Saturday to Monday, 9am to noon", windows)


def test_times_inside_other_numbers_are_not_read_as_times() -> None:
    windows = (window(0, "10:30", "11:00"),)
    assert not terms_state_hours("Monday. Reference 2024.10.30, 11:00.", windows)
    assert terms_state_hours("Monday 10:30 to 11:00.", windows)


def test_nine_amazing_things_is_not_nine_am() -> None:
    windows = (window(0, "09:00", "10:00"),)
    assert not terms_state_hours("Monday: 9 amazing things at 10am", windows)
    assert terms_state_hours("Monday: 9 am to 10am", windows)


def test_midnight_and_midday() -> None:
    windows = (window(6, "00:00", "12:00"),)
    assert terms_state_hours("Sundays from midnight to midday", windows)
    assert terms_state_hours("Sunday 12am to 12pm", windows)
    assert not terms_state_hours("Sunday 12pm to 12am", (window(6, "00:00", "11:00"),))


def test_no_windows_nothing_to_state() -> None:
    assert terms_state_hours("", ())
