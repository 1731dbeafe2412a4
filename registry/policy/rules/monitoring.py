"""SMP-HOURS: valid weekly monitoring windows, stated in the terms of use."""

from __future__ import annotations

from datetime import time

from registry.policy.content import Agency, MonitoringWindow, ProposalContent
from registry.policy.hours import day_name, format_time, terms_state_hours
from registry.policy.messages import N_
from registry.policy.rules.base import Finding

# Day names (day_name) stay English in these messages: they are values, like times.
_HOURS_NOT_STATED = N_(
    "Your terms of use do not state your monitoring hours. Add them, or use “Insert monitoring"
    " hours statement”."
)


def check_hours(content: ProposalContent, agency: Agency) -> list[Finding]:
    windows = content.monitoring_windows
    if not windows:
        return [
            Finding.of(
                N_(
                    "Add at least one weekly monitoring window under Monitoring hours: the day,"
                    " and the times someone will watch the channel from and to."
                ),
                "monitoring_windows",
            )
        ]
    findings: list[Finding] = []
    valid: list[MonitoringWindow] = []
    for number, window in enumerate(windows, start=1):
        weekday = window.weekday
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            findings.append(
                Finding.of(
                    N_(
                        "Monitoring window %(number)s has no valid day: choose a day from Monday"
                        " to Sunday."
                    ),
                    "monitoring_windows",
                    number=number,
                )
            )
            continue
        if not isinstance(window.starts, time) or not isinstance(window.ends, time):
            findings.append(
                Finding.of(
                    N_("The %(day)s monitoring window needs a from and a to time."),
                    "monitoring_windows",
                    day=day_name(weekday),
                )
            )
            continue
        day, starts, ends = day_name(weekday), window.starts, window.ends
        if (starts.hour, starts.minute) == (ends.hour, ends.minute):
            findings.append(
                Finding.of(
                    N_(
                        "The %(day)s monitoring window starts and ends at %(time)s: make it end"
                        " after it starts."
                    ),
                    "monitoring_windows",
                    day=day,
                    time=format_time(starts),
                )
            )
        elif ends < starts and ends == time(0, 0):
            findings.append(
                Finding.of(
                    N_(
                        "The %(day)s monitoring window from %(starts)s ends at midnight, which is"
                        " the start of the next day: end it at 11:59pm instead."
                    ),
                    "monitoring_windows",
                    day=day,
                    starts=format_time(starts),
                )
            )
        elif ends < starts:
            findings.append(
                Finding.of(
                    N_(
                        "The %(day)s monitoring window from %(starts)s to %(ends)s ends before it"
                        " starts. If it runs overnight, split it at midnight: end the %(day)s"
                        " window at 11:59pm and add a %(next_day)s window from 12:00am to"
                        " %(ends)s. Otherwise correct the times."
                    ),
                    "monitoring_windows",
                    day=day,
                    next_day=day_name((weekday + 1) % 7),
                    starts=format_time(starts),
                    ends=format_time(ends),
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
                    template = N_(
                        "On %(day)s, the monitoring window %(starts)s to %(ends)s is listed twice:"
                        " remove one of them."
                    )
                else:
                    template = N_(
                        "On %(day)s, the monitoring windows %(starts)s to %(ends)s and"
                        " %(other_starts)s to %(other_ends)s overlap: change the times so they do"
                        " not overlap, or combine them into one window."
                    )
                findings.append(
                    Finding.of(
                        template,
                        "monitoring_windows",
                        day=day_name(weekday),
                        starts=format_time(first.starts),
                        ends=format_time(first.ends),
                        other_starts=format_time(second.starts),
                        other_ends=format_time(second.ends),
                    )
                )

    if valid and not terms_state_hours(content.terms_of_use, valid):
        findings.append(Finding.of(_HOURS_NOT_STATED, "terms_of_use"))
    return findings
