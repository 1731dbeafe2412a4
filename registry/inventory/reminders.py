"""Channel reviews coming due: who is waiting to attest, the reminders at 30, 14 and 0 days
before review_due, and the escalation of overdue reviews to the Manager Communications.

Every reminder sent is recorded (``ReviewReminder``) for its cycle, audience and threshold,
so the daily run sends each once: running twice sends nothing more, and a run after a missed
day sends the latest threshold passed (once), not every one it missed.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select, tuple_

from registry.auth.models import Office, User
from registry.auth.offices import agency_today, holders, offices_held
from registry.channels.models import Channel, ChannelState
from registry.database import begin_write
from registry.extensions import db
from registry.inventory.attestation_models import (
    ESCALATED,
    REMINDER_DAYS,
    AttestationRole,
    ReviewAttestation,
    ReviewReminder,
)
from registry.inventory.attestations import LIAISON, OWNER, who_can
from registry.inventory.queries import DUE_SOON_DAYS
from registry.proposals.models import Proposal


def reviews_needing_attention(
    days: int = DUE_SOON_DAYS, today: date | None = None
) -> list[Channel]:
    today = today or agency_today()
    return list(
        db.session.scalars(
            select(Channel)
            .where(
                Channel.state == ChannelState.ACTIVE.value,
                Channel.review_due <= today + timedelta(days=days),
            )
            .order_by(Channel.review_due, Channel.id)
        ).unique()
    )


def _given(channels: list[Channel]) -> dict[int, dict[AttestationRole, ReviewAttestation]]:
    """The current cycle's attestations of each channel, in one statement."""
    if not channels:
        return {}
    rows = db.session.scalars(
        select(ReviewAttestation).where(
            tuple_(ReviewAttestation.channel_id, ReviewAttestation.cycle).in_(
                [(c.id, c.review_cycle) for c in channels]
            )
        )
    ).unique()
    given: dict[int, dict[AttestationRole, ReviewAttestation]] = {c.id: {} for c in channels}
    for row in rows:
        given[row.channel_id][row.role_enum] = row
    return given


def waiting_for(user: User, today: date | None = None) -> list[tuple[Channel, AttestationRole]]:
    """The channels due within 30 days (or overdue) waiting for ``user``'s attestation, with
    the role they would attest in. A fixed number of statements, however many channels."""
    from registry.inventory.attestations import capacities

    if not user.is_active_account:
        return []
    today = today or agency_today()
    held = offices_held(user)
    dce_units = [a.business_unit_id for a in held if a.office_enum is Office.DCE]
    in_team = any(a.office_enum is Office.COMMUNICATIONS_TEAM for a in held)
    mine = select(Proposal.id).where(Proposal.proposer_id == user.id)
    candidates = [
        Channel.proposal_id.in_(mine),
        Channel.liaison_id == user.id,
    ]
    if dce_units:
        candidates.append(Channel.business_unit_id.in_(dce_units))
    if in_team:
        inactive = select(User.id).where(User.is_active_account.is_(False))
        candidates += [Channel.liaison_id.is_(None), Channel.liaison_id.in_(inactive)]
    channels = list(
        db.session.scalars(
            select(Channel)
            .where(
                Channel.state == ChannelState.ACTIVE.value,
                Channel.review_due <= today + timedelta(days=DUE_SOON_DAYS),
                or_(*candidates),
            )
            .order_by(Channel.review_due, Channel.id)
        ).unique()
    )
    given = _given(channels)
    waiting = []
    for channel in channels:
        done = given[channel.id]
        if any(a.attester_id == user.id for a in done.values()):
            continue
        role = next((c.role for c in capacities(user, channel) if c.role not in done), None)
        if role is not None:
            waiting.append((channel, role))
    return waiting


def overdue_reviews(today: date | None = None) -> list[tuple[Channel, list[AttestationRole]]]:
    """Active channels past review_due, with the attestations still awaited (for the Manager
    Communications, to whom they escalate)."""
    today = today or agency_today()
    channels = list(
        db.session.scalars(
            select(Channel)
            .where(Channel.state == ChannelState.ACTIVE.value, Channel.review_due < today)
            .order_by(Channel.review_due, Channel.id)
            .limit(50)
        ).unique()
    )
    given = _given(channels)
    return [(c, [r for r in (OWNER, LIAISON) if r not in given[c.id]]) for c in channels]


def _threshold(days_left: int) -> int:
    """The latest threshold passed: 30 days before, 14, or the day itself (and after)."""
    return min(t for t in REMINDER_DAYS if days_left <= t)


def _when(channel: Channel, today: date) -> str:
    if channel.review_due < today:
        return f"was due {channel.review_due:%-d %B %Y} and is overdue"
    if channel.review_due == today:
        return "is due today"
    return f"is due {channel.review_due:%-d %B %Y}"


def send_review_reminders(today: date | None = None) -> list[str]:
    """Remind the owner and the liaison who have not attested, at 30, 14 and 0 days before
    review_due, and escalate overdue reviews to the Manager Communications: each once per
    cycle. The reminders' records and email jobs are written in one transaction."""
    from registry import notifications

    today = today or agency_today()
    begin_write()
    channels = reviews_needing_attention(today=today)
    given = _given(channels)
    sent = (
        set(
            db.session.execute(
                select(
                    ReviewReminder.channel_id,
                    ReviewReminder.cycle,
                    ReviewReminder.cycle_due,
                    ReviewReminder.audience,
                    ReviewReminder.threshold,
                ).where(ReviewReminder.channel_id.in_([c.id for c in channels]))
            ).all()
        )
        if channels
        else set()
    )
    lines = []
    for channel in channels:
        cycle, due = channel.review_cycle, channel.review_due
        threshold = _threshold((due - today).days)
        done = given[channel.id]
        attested = {a.attester_id for a in done.values()}
        link = notifications.link(f"/channels/{channel.id}/attest")
        for role in (OWNER, LIAISON):
            if role in done or (channel.id, cycle, due, role.value, threshold) in sent:
                continue
            people = who_can(channel, role, exclude=attested)
            _remember(channel, role.value, threshold, people)
            notifications.send(
                people,
                f"Channel review {'overdue' if due < today else 'due'}: {channel.name}",
                f"The yearly review of {channel.name} ({channel.reference}) {_when(channel, today)}"
                f". Under the Social Media Policy {role.label} attests that it is still needed, "
                "the terms of use are accurate, the monitoring hours are kept and the people "
                f"named are right.\n\nAttest (or say what has changed): {link}\n",
            )
            lines.append(
                f"{channel.name}: {role.value} reminder ({threshold} days) to "
                + (", ".join(p.display_name for p in people) or "nobody who can attest")
            )
        if due < today and (channel.id, cycle, due, "manager", ESCALATED) not in sent:
            managers = [a.user for a in holders(Office.MANAGER_COMMUNICATIONS)]
            _remember(channel, "manager", ESCALATED, managers)
            awaited = " and ".join(r.label for r in (OWNER, LIAISON) if r not in done)
            notifications.send(
                managers,
                f"Channel review overdue: {channel.name}",
                f"The yearly review of {channel.name} ({channel.reference}) was due "
                f"{due:%-d %B %Y} and the channel is not recertified: still awaiting "
                f"{awaited}'s attestation. Overdue reviews come to the Manager Communications."
                f"\n\n{notifications.link(f'/channels/{channel.id}')}\n",
            )
            lines.append(
                f"{channel.name}: overdue, escalated to "
                + (
                    ", ".join(m.display_name for m in managers)
                    or "nobody (no Manager Communications)"
                )
            )
    db.session.commit()  # the reminders' records and their email jobs, together
    return lines


def _remember(channel: Channel, audience: str, threshold: int, people: list[User]) -> None:
    db.session.add(
        ReviewReminder(
            channel_id=channel.id,
            cycle=channel.review_cycle,
            cycle_due=channel.review_due,
            audience=audience,
            threshold=threshold,
            recipients=", ".join(sorted(p.email for p in people)),
        )
    )
