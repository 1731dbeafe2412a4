"""Official Information Act working days: pure date arithmetic, no Flask.

Section 2 of the Official Information Act 1982: a working day is any day except a Saturday,
a Sunday, Waitangi Day, Good Friday, Easter Monday, Anzac Day, the Sovereign's birthday,
Te Rā Aro ki a Matariki, Labour Day, a day in the period 25 December to 15 January, and the
Monday after a Waitangi Day or Anzac Day that falls on a weekend. A request must be decided
"as soon as reasonably practicable" and within 20 working days after the day it is received.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

STATUTORY_WORKING_DAYS = 20

# The public holidays the Act names. The holidays package's NZ calendar also carries
# Christmas, Boxing Day and New Year (all inside the summer break anyway) and, with
# a region, anniversary days — which are working days under the Act, so we pick by name.
_ACT_HOLIDAYS = (
    "waitangi day",
    "good friday",
    "easter monday",
    "anzac day",
    "birthday",  # Queen's / King's Birthday
    "matariki",
    "labour day",
)


@lru_cache(maxsize=64)
def _excluded_holidays(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("NZ", years=year, observed=True)
    return frozenset(
        day for day, name in calendar.items() if any(word in name.lower() for word in _ACT_HOLIDAYS)
    )


def in_summer_break(day: date) -> bool:
    """25 December to 15 January, inclusive."""
    return (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day <= 15)


def is_working_day(day: date) -> bool:
    return (
        day.weekday() < 5 and not in_summer_break(day) and day not in _excluded_holidays(day.year)
    )


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (the day received does not count)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def statutory_due_date(received_on: date) -> date:
    return add_working_days(received_on, STATUTORY_WORKING_DAYS)


def working_days_left(today: date, due: date) -> int:
    """Working days from tomorrow up to and including ``due`` (negative when overdue)."""
    if due >= today:
        count = 0
        day = today
        while day < due:
            day += timedelta(days=1)
            if is_working_day(day):
                count += 1
        return count
    count = 0
    day = due
    while day < today:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return -count
