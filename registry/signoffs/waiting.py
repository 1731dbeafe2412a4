"""Who is waiting for whom: each signatory's queue, how long a proposal has waited, and the
reminders sent when it has waited too long (SMP-APPROVALS)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays
from flask import current_app
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry import notifications
from registry.auth.models import Office, User
from registry.auth.offices import agency_today, offices_held
from registry.extensions import db
from registry.proposals.models import Proposal, ProposalState
from registry.signoffs.models import SIGNING_OFFICES, Signoff
from registry.signoffs.services import live_approvals_of, position, still_needed
from registry.timeutil import local_date, utcnow


def awaiting_for(user: User) -> list[tuple[Proposal, list[Signoff]]]:
    """Proposals waiting for a sign-off ``user`` can give now (the queue), each with its live
    approvals: three statements however long the queue."""
    held = [a for a in offices_held(user) if a.office_enum in SIGNING_OFFICES]
    if not held:
        return []
    query = select(Proposal).where(Proposal.state == ProposalState.AWAITING_SIGNOFF.value)
    if not any(
        a.office_enum in (Office.MANAGER_COMMUNICATIONS, Office.CHIEF_EXECUTIVE) for a in held
    ):
        query = query.where(Proposal.business_unit_id.in_([a.business_unit_id for a in held]))
    proposals = (
        db.session.scalars(
            query.order_by(Proposal.submitted_at).options(selectinload(Proposal.revisions))
        )
        .unique()
        .all()
    )
    approvals = live_approvals_of(proposals)
    return [
        (p, approvals[p.id]) for p in proposals if position(user, p, approvals[p.id]).approve_as
    ]


def waiting_since(proposal: Proposal) -> datetime | None:
    return proposal.submitted_at


def describe_wait(since: datetime | None, now: datetime | None = None) -> str:
    if since is None:
        return ""
    delta = (now or utcnow()) - since
    if delta < timedelta(hours=1):
        minutes = max(1, int(delta.total_seconds() // 60))
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    if delta < timedelta(days=1):
        hours = int(delta.total_seconds() // 3600)
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    days = delta.days
    return ngettext("%(num)d day", "%(num)d days", days)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (weekends, NZ holidays out)."""
    nz = holidays.country_holidays("NZ", years=range(start.year, end.year + 1))
    days = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in nz:
            days += 1
    return days


def overdue_signoffs(min_working_days: int) -> list[tuple[Proposal, int, list[User]]]:
    """Proposals waiting longer than ``min_working_days``, with who is still needed."""
    tz = current_app.config["AGENCY_TIMEZONE"]
    today = agency_today()
    waiting = db.session.scalars(
        select(Proposal)
        .where(Proposal.state == ProposalState.AWAITING_SIGNOFF.value)
        .order_by(Proposal.submitted_at)
    ).unique()
    result = []
    for proposal in waiting:
        if proposal.submitted_at is None:
            continue
        days = working_days_between(local_date(proposal.submitted_at, tz), today)
        if days > min_working_days:
            result.append((proposal, days, still_needed(proposal)))
    return result


def send_signoff_reminders(min_working_days: int) -> list[str]:
    lines = []
    for proposal, days, people in overdue_signoffs(min_working_days):
        link = notifications.link(f"/proposals/{proposal.id}/signoff")
        notifications.send(
            people,
            f"Reminder: {proposal.title} has waited {days} working days for your sign-off",
            f"{proposal.title} ({proposal.reference}, {proposal.business_unit.name}) has waited "
            f"{days} working days for sign-off.\n\nReview it and decide: {link}\n",
        )
        names = ", ".join(p.display_name for p in people) or "nobody holds the missing office"
        lines.append(
            f"{proposal.reference} {proposal.title}: {days} working days; reminded {names}"
        )
    db.session.commit()  # the reminders' email jobs
    return lines
