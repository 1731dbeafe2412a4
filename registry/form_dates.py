"""Dates typed into forms and files: one that names no day of the calendar is said to be so
("30 February 2026 does not exist"), not refused as "not a valid date". Staff pages only: the
public pages take no dates, so these strings need no te reo Māori translation yet."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import DateField as WTFormsDateField
from wtforms.validators import StopValidation

_TYPED_DATE = re.compile(r"\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*")


def missing_date(year: int, month: int, day: int) -> str | None:
    """Why a year, month and day name no day of the calendar ("30 February 2026 does not
    exist"), or None when they do: said plainly, not as "not a valid date"."""
    if year < 1:
        return _("There is no year %(year)d: check the year.", year=year)
    if not 1 <= month <= 12:
        return _("There is no month %(month)d: months run from 1 to 12.", month=month)
    # English month names: the pages with date fields are staff pages, in English for now.
    month_name = date(year, month, 1).strftime("%B")
    last = calendar.monthrange(year, month)[1]
    if day < 1:
        return _("There is no day %(day)d: days of the month start at 1.", day=day)
    if day > last:
        return _(
            "%(day)d %(month)s %(year)d does not exist: %(month)s %(year)d has %(last)d days.",
            day=day,
            month=month_name,
            year=year,
            last=last,
        )
    return None


class DateField(WTFormsDateField):
    """A YYYY-MM-DD date whose refusal says what is wrong ("30 February 2026 does not exist")
    rather than "Not a valid date value"; left empty, it is for DataRequired or Optional."""

    def __init__(self, *args: Any, format: str = "%Y-%m-%d", **kwargs: Any) -> None:  # noqa: A002
        super().__init__(*args, format=format, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        typed = " ".join(valuelist or []).strip()
        if not typed:
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            match = _TYPED_DATE.fullmatch(typed)
            problem = missing_date(*(int(g) for g in match.groups())) if match else None
            raise ValueError(
                problem or _("Enter the date as YYYY-MM-DD, e.g. 2026-12-01.")
            ) from None

    def pre_validate(self, form: FlaskForm) -> None:
        # What was typed is not a date: say why, rather than let DataRequired's "Enter the
        # date" replace it as though nothing had been typed.
        if self.process_errors:
            raise StopValidation()
