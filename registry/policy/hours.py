"""Monitoring hours as people read them: the statement the registry offers to insert into the
terms of use, and the looser reading used to decide whether hand-written terms state the hours.

Pure Python: no Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import time

from registry.policy.content import WEEKDAYS, MonitoringWindow

__all__ = [
    "day_name",
    "describe_window",
    "format_time",
    "monitoring_statement",
    "terms_state_hours",
]

_AFTERWORD = "Messages sent outside these hours are answered when we are next monitoring."


def day_name(weekday: int) -> str:
    """The English name of weekday 0 (Monday) to 6 (Sunday); a readable stand-in otherwise."""
    if isinstance(weekday, int) and 0 <= weekday < len(WEEKDAYS):
        return WEEKDAYS[weekday]
    return "an unknown day"


def format_time(t: time) -> str:
    """``08:30`` → ``8:30am``; ``12:00`` → ``12:00pm`` (noon); ``00:00`` → ``12:00am``."""
    hour = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{hour}:{t.minute:02d}{suffix}"


def _span(window: MonitoringWindow) -> str:
    return f"{format_time(window.starts)} to {format_time(window.ends)}"


def describe_window(window: MonitoringWindow) -> str:
    """``Monday, 8:30am to 5:00pm``."""
    return f"{day_name(window.weekday)}, {_span(window)}"


def _day_range(first: int, last: int) -> str:
    if first == last:
        return WEEKDAYS[first]
    if last == first + 1:
        return f"{WEEKDAYS[first]} and {WEEKDAYS[last]}"
    return f"{WEEKDAYS[first]} to {WEEKDAYS[last]}"


def monitoring_statement(windows: Iterable[MonitoringWindow], tz_label: str = "NZ time") -> str:
    """A sentence for the terms of use that states the weekly monitoring hours.

    Consecutive days with the same windows share a range ("Monday to Friday"); windows on
    one day are joined with "and"; day groups with "; ". Windows on an invalid weekday are
    left out, because there is no day to name. No windows gives "".
    """
    by_day: dict[int, tuple[tuple[time, time], ...]] = {}
    for day in range(len(WEEKDAYS)):
        spans = {
            (w.starts, w.ends) for w in windows if isinstance(w.weekday, int) and w.weekday == day
        }
        if spans:
            by_day[day] = tuple(sorted(spans))
    if not by_day:
        return ""

    # Runs do not wrap from Sunday to Monday: a statement reads Monday-first, as the week does.
    groups: list[tuple[int, int, tuple[tuple[time, time], ...]]] = []
    for day, spans in by_day.items():
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == spans:
            groups[-1] = (groups[-1][0], day, spans)
        else:
            groups.append((day, day, spans))

    parts = []
    for first, last, spans in groups:
        hours = " and ".join(f"{format_time(s)} to {format_time(e)}" for s, e in spans)
        parts.append(f"{_day_range(first, last)}, {hours}")
    zone = f" {tz_label.strip()}" if tz_label.strip() else ""
    return f"We monitor this page {'; '.join(parts)}{zone}. {_AFTERWORD}"


# --- Reading hand-written terms ------------------------------------------------------------

_DAY_WORDS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("monday", "mon", "rahina"),
        ("tuesday", "tue", "tues", "ratu"),
        ("wednesday", "wed", "weds", "raapa"),
        ("thursday", "thu", "thur", "thurs", "rapare"),
        ("friday", "fri", "ramere"),
        ("saturday", "sat", "rahoroi"),
        ("sunday", "sun", "ratapu"),
    )
):
    for _word in _names:
        _DAY_WORDS[_word] = _index

_DAY = r"(?:" + "|".join(sorted(_DAY_WORDS, key=len, reverse=True)) + r")"
_DAY_TOKEN = re.compile(rf"\b({_DAY})(?:s\b|\.|\b)")
# "to" in English and te reo ("Rāhina ki te Rāmere"), and the dashes people type.
_RANGE_WORD = r"(?:-|–|—|‒|−|to\b|through\b|thru\b|until\b|till\b|ki(?:\s+te)?\b)"
_DAY_RANGE = re.compile(rf"\b({_DAY})s?\.?\s*{_RANGE_WORD}\s*({_DAY})(?:s\b|\.|\b)")
_ALL_WEEK = re.compile(r"\b(?:every\s*day|7\s*days\s*a\s*week|seven\s*days\s*a\s*week)\b")
_WEEKDAYS_WORD = re.compile(r"\bweekdays\b")

_TIME_12H = re.compile(r"(?<![\w:.])(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\b\.?")
_TIME_24H = re.compile(r"(?<![\w:.])(\d{1,2})[:.](\d{2})(?![\d])")
_NOON = re.compile(r"\b(?:noon|midday|mid-day)\b")
_MIDNIGHT = re.compile(r"\bmidnight\b")


def _plain(text: str) -> str:
    """Case-, macron- and spacing-insensitive form (so "Rāhina" reads as "rahina")."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Cf"))
    return " ".join(kept.casefold().split())


def _days_named(text: str) -> set[int]:
    days: set[int] = set()
    for match in _DAY_RANGE.finditer(text):
        first, last = _DAY_WORDS[match.group(1)], _DAY_WORDS[match.group(2)]
        span = (last - first) % len(WEEKDAYS)
        days.update((first + step) % len(WEEKDAYS) for step in range(span + 1))
    days.update(_DAY_WORDS[m.group(1)] for m in _DAY_TOKEN.finditer(text))
    if _WEEKDAYS_WORD.search(text):
        days.update(range(5))
    if _ALL_WEEK.search(text):
        days.update(range(len(WEEKDAYS)))
    return days


def _times_named(text: str) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()

    def twelve_hour(match: re.Match[str]) -> str:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if 1 <= hour <= 12 and minute < 60:
            found.add((hour % 12 + (12 if match.group(3) == "p" else 0), minute))
        # Blank it out so "8:30 am" is not read a second time as 24-hour 08:30.
        return " "

    rest = _TIME_12H.sub(twelve_hour, text)
    for match in _TIME_24H.finditer(rest):
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            found.add((hour, minute))
    if _NOON.search(text):
        found.add((12, 0))
    if _MIDNIGHT.search(text):
        found.add((0, 0))
    return found


def terms_state_hours(
    terms: str, windows: Iterable[MonitoringWindow], tz_label: str = "NZ time"
) -> bool:
    """Whether the terms of use tell readers when the channel is monitored.

    True when the terms contain the inserted statement (ignoring case and spacing), or when
    every day used is named (directly or inside a range such as "Mon–Fri") and every start
    and end time appears in a common format (8:30am, 8.30 a.m., 08:30, 9am, noon).
    """
    windows = tuple(windows)
    if not windows:
        return True
    text = _plain(terms)
    statement = _plain(monitoring_statement(windows, tz_label))
    if statement and statement in text:
        return True
    days = _days_named(text)
    times = _times_named(text)
    for window in windows:
        if window.weekday not in days:
            return False
        for moment in (window.starts, window.ends):
            if (moment.hour, moment.minute) not in times:
                return False
    return True
