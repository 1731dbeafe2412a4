"""Time: stored in UTC, shown in the agency's time zone (NZ by default)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database keeps.

    SQLite has no time zones and returns naive values; this makes both databases agree.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime; use timeutil.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def to_local(moment: datetime, tz_name: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz_name))


def local_date(moment: datetime, tz_name: str) -> date:
    return to_local(moment, tz_name).date()


def format_local(moment: datetime | None, tz_name: str, with_zone: bool = True) -> str:
    """'25 Nov 2026, 10:43am NZDT' — the form people read in letters and on the charter."""
    if moment is None:
        return ""
    local = to_local(moment, tz_name)
    locale = _page_locale()
    if locale is not None and locale.language != "en":
        # A public page in another language: its month names ("2 Tīhema 2026, 10:43 AM").
        text = babel_dates.format_datetime(local, "d MMMM y, h:mm a", locale=locale)
        return f"{text} {local.tzname()}" if with_zone else text
    hour = local.strftime("%I").lstrip("0") or "12"
    text = f"{local.day} {local.strftime('%b %Y')}, {hour}:{local.strftime('%M')}"
    text += local.strftime("%p").lower()
    if with_zone:
        text += f" {local.tzname()}"
    return text


def format_date(day: date | None) -> str:
    """ "25 November 2027", in the page's language ("25 Noema 2027" on a public page in te
    reo Māori); English outside a request (emails, charters, the command line)."""
    if day is None:
        return ""
    locale = _page_locale()
    if locale is None or locale.language == "en":
        return f"{day.day} {day.strftime('%B %Y')}"
    return babel_dates.format_date(day, "d MMMM y", locale=locale)


def _page_locale() -> Locale | None:
    if not has_request_context():
        return None
    return get_locale()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
