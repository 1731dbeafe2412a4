"""SMP-HOURS: valid weekly monitoring windows, stated in the terms of use."""

from __future__ import annotations

from datetime import time

from registry.policy.content import Agency, MonitoringWindow, ProposalContent
from registry.policy.hours import day_name, format_time, terms_state_hours
from registry.policy.rules.base import Finding

_HOURS_NOT_STATED = (
    "Your terms of use do not state your monitoring hours. Add them, or use “Insert monitoring"
    " hours statement”."
)


def _span(window: MonitoringWindow) -> str:
    return f"{format_time(window.starts)} to {format_time(window.ends)}"


def check_hours(content: ProposalContent, agency: Agency) -> list[Finding]:
    windows = content.monitoring_windows
    if not windows:
        return [
            Finding(
                "Add at least one weekly monitoring window under Monitoring hours: the day, and"
                " the times someone will watch the channel from and to.",
                "monitoring_windows",
            )
        ]
    findings: list[Finding] = []
    valid: list[MonitoringWindow] = []
    for number, window in enumerate(windows, start=1):
        weekday = window.weekday
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            findings.append(
                Finding(
                    f"Monitoring window {number} has no valid day: choose a day from Monday to"
                    " Sunday.",
                    "monitoring_windows",
                )
            )
            continue
        if not isinstance(window.starts, time) or not isinstance(window.ends, time):
            findings.append(
                Finding(
                    f"The {day_name(weekday)} monitoring window needs a from and a to time.",
                    "monitoring_windows",
                )
            )
            continue
        day, starts, ends = day_name(weekday), window.starts, window.ends
        if (starts.hour, starts.minute) == (ends.hour, ends.minute):
            findings.append(
                Finding(
                    f"The {day} monitoring window starts and ends at {format_time(starts)}:"
                    " make it end after it starts.",
                    "monitoring_windows",
                )
            )
        elif ends < starts and ends == time(0, 0):
            findings.append(
                Finding(
                    f"The {day} monitoring window from {format_time(starts)} ends at midnight,"
                    f" which is the start of the next day: end it at 11:59pm instead.",
                    "monitoring_windows",
                )
            )
        elif ends < starts:
            next_day = day_name((weekday + 1) % 7)
            findings.append(
                Finding(
                    f"The {day} monitoring window from {format_time(starts)} to"
                    f" {format_time(ends)} ends before it starts. If it runs overnight, split it"
                    f" at midnight: end the {day} window at 11:59pm and add a {next_day} window"
                    f" from 12:00am to {format_time(ends)}. Otherwise correct the times.",
                    "monitoring_windows",
                )
            )
        else:
            valid.append(window)

    for weekday in range(7):
        same_day = sorted(
            (w for w in valid if w.weekday == weekday), key=lambda w: (w.starts, w.ends)
        )
        for i, first in enumerate(same_day):
            for second in same_day[i + 1 :]:
                if second.starts >= first.ends:
                    break
                if (first.starts, first.ends) == (second.starts, second.ends):
                    message = (
                        f"On {day_name(weekday)}, the monitoring window {_span(first)} is"
                        " listed twice: remove one of them."
                    )
                else:
                    message = (
                        f"On {day_name(weekday)}, the monitoring windows {_span(first)} and"
                        f" {_span(second)} overlap: change the times so they do not overlap,"
                        " or combine them into one window."
                    )
                findings.append(Finding(message, "monitoring_windows"))

    if valid and not terms_state_hours(content.terms_of_use, valid):
        findings.append(Finding(_HOURS_NOT_STATED, "terms_of_use"))
    return findings
