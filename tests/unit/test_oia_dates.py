"""OIA due dates pinned to known cases (counted by hand against the Act's definition)."""

from __future__ import annotations

from datetime import date

import pytest

from registry.oia.dates import is_working_day, statutory_due_date, working_days_left


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        # 23 and 24 Dec count; 25 Dec–15 Jan do not; Auckland Anniversary (27 Jan) is a
        # working day under the Act; Waitangi Day (Thu 6 Feb) is not.
        (date(2024, 12, 20), date(2025, 2, 11), "received 20 December"),
        # Good Friday 18 Apr, Easter Monday 21 Apr and Anzac Day (Fri 25 Apr) are skipped.
        (date(2025, 4, 17), date(2025, 5, 20), "just before Easter and Anzac Day"),
        # King's Birthday (2 Jun) and Matariki (Fri 20 Jun 2025) are skipped.
        (date(2025, 5, 30), date(2025, 7, 1), "just before King's Birthday and Matariki"),
        # Matariki 2026 is Friday 10 July.
        (date(2026, 6, 26), date(2026, 7, 27), "across Matariki 2026"),
        # Labour Day 2026 is Monday 26 October.
        (date(2026, 10, 16), date(2026, 11, 16), "across Labour Day"),
        # An ordinary stretch: four weeks of weekdays.
        (date(2026, 3, 2), date(2026, 3, 30), "no holidays"),
    ],
)
def test_statutory_due_dates(received, due, why):
    assert statutory_due_date(received) == due, why


def test_anzac_and_waitangi_days_on_a_weekend_are_mondayised():
    assert not is_working_day(date(2026, 4, 27))  # Anzac Day 2026 is a Saturday
    assert not is_working_day(date(2027, 2, 8))  # Waitangi Day 2027 is a Saturday
    assert is_working_day(date(2026, 4, 28))


def test_the_summer_break_and_anniversary_days():
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2027, 1, 15))
    assert is_working_day(date(2026, 12, 24))
    assert is_working_day(date(2027, 1, 25))  # Wellington Anniversary counts as a working day


def test_a_request_received_on_a_weekend_or_holiday_starts_the_next_working_day():
    # Received Friday 6 or Saturday 7 March 2026: day 1 is Monday 9 March either way, and
    # Good Friday (3 Apr) and Easter Monday (6 Apr) push day 20 to Tuesday 7 April.
    assert statutory_due_date(date(2026, 3, 6)) == date(2026, 4, 7)
    assert statutory_due_date(date(2026, 3, 7)) == date(2026, 4, 7)


def test_working_days_left():
    assert working_days_left(date(2026, 3, 2), date(2026, 3, 6)) == 4
    assert working_days_left(date(2026, 3, 9), date(2026, 3, 6)) == -1
    assert working_days_left(date(2026, 3, 6), date(2026, 3, 6)) == 0
