"""A version of the statement as the page and the PDF show it, in the page's language: both
draw from the version's stored snapshot and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from babel.dates import format_time, get_day_names
from flask import current_app
from flask_babel import get_locale

from registry.policy.hours import format_time as english_time
from registry.timeutil import local_date
from registry.transparency.models import StatementVersion


def _language() -> str:
    return str(get_locale() or "en")


def day_name(weekday: int) -> str:
    """Monday is 0, as the monitoring hours store it: "Monday", or "Mane" in te reo Māori."""
    locale = "en_NZ" if _language() == "en" else _language()
    return str(get_day_names("wide", locale=locale).get(weekday, ""))


def clock(hhmm: str) -> str:
    """ "08:30" as "8:30am" (English) or the te reo Māori way."""
    try:
        moment = time.fromisoformat(hhmm)
    except ValueError:
        return hhmm
    if _language() == "en":
        return english_time(moment)
    return format_time(moment, "h:mm a", locale=_language())


@dataclass(frozen=True)
class Introduction:
    text: str
    lang: str  # the language it is written in, for lang="..."


def introduction(snapshot: dict[str, Any]) -> Introduction | None:
    """The introduction in the page's language, else in the other one (marked as such)."""
    texts = snapshot.get("introduction") or {}
    order = ["mi", "en"] if _language() == "mi" else ["en", "mi"]
    for code in order:
        text = (texts.get(code) or "").strip()
        if text:
            return Introduction(text, "en-NZ" if code == "en" else "mi")
    return None


def updated_on(version: StatementVersion) -> date:
    return local_date(version.recorded_at, current_app.config["AGENCY_TIMEZONE"])


def statement_context(version: StatementVersion) -> dict[str, Any]:
    """What the statement template needs, from the version alone."""
    snapshot = version.snapshot
    return {
        "version": version,
        "statement": snapshot,
        "updated_on": updated_on(version),
        "introduction": introduction(snapshot),
        "day_name": day_name,
        "clock": clock,
    }
