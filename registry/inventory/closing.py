"""Closing a channel: at once for a date today or past, scheduled for a date in the future.

A scheduled closure leaves the channel active — listed, official, monitored — until the
day comes; ``flask registry remind`` (run daily) then closes it on that date. Closed, it is
``closing`` until its closing checklist is done (``inventory.checklist``), then
``decommissioned``.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from registry import signals
from registry.audit.log import record
from registry.auth.models import User
from registry.auth.offices import agency_today
from registry.channels.models import CLOSED_STATES, Channel, ChannelState
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, RegistryError
from registry.extensions import db
from registry.proposals.models import Proposal, ProposalState
from registry.timeutil import local_date, utcnow

# Who closes a channel whose scheduled day has come: the daily command, not a person.
SCHEDULER_LABEL = "cli:registry remind"


def channel_started_on(channel: Channel) -> date | None:
    """The day the channel started: imported start date, else when it went live (or, never
    live, when it was approved)."""
    if channel.started_on is not None:
        return channel.started_on
    moment = channel.went_live_at or channel.approved_at
    if moment is None:
        return None
    return local_date(moment, current_app.config["AGENCY_TIMEZONE"])


def _clear_schedule(channel: Channel) -> None:
    channel.closure_scheduled_on = None
    channel.closure_reason = ""
    channel.closure_scheduled_by_id = None


def close_now(
    channel: Channel,
    actor: User | None,
    on_date: date,
    reason: str,
    actor_label: str | None = None,
) -> None:
    """Close ``channel`` as of ``on_date``: from then it is ``closing``, no longer official or
    monitored, with its checklist to work through (caller has locked it and commits)."""
    from registry.inventory.checklist import start_checklist

    before = channel.state
    scheduled = channel.closure_scheduled_on
    channel.state = ChannelState.CLOSING.value
    channel.decommissioned_on = on_date
    channel.decommission_reason = reason[:5000]
    channel.updated_at = utcnow()
    _clear_schedule(channel)
    record(
        "channel-closing",
        "channel",
        channel.id,
        actor=actor,
        actor_label=actor_label,
        before={
            "state": before,
            "closure_scheduled_on": scheduled.isoformat() if scheduled else None,
        },
        after={"state": channel.state},
        on=on_date.isoformat(),
        reason=reason[:500],
    )
    start_checklist(channel)
    # Closed from this date: nothing may still change it through a change proposal.
    _withdraw_open_changes(channel, actor, actor_label, on_date)
    signals.channel_decommissioned.send(channel, actor=actor, on_date=on_date)


# A change still open when its channel closes could otherwise be signed off and issue a
# charter for a channel that no longer exists.
_OPEN_STATES = (
    ProposalState.DRAFT.value,
    ProposalState.AWAITING_SIGNOFF.value,
    ProposalState.CHANGES_REQUESTED.value,
)


def _withdraw_open_changes(
    channel: Channel, actor: User | None, actor_label: str | None, on_date: date
) -> None:
    changes = db.session.scalars(
        select(Proposal)
        .where(Proposal.channel_id == channel.id, Proposal.state.in_(_OPEN_STATES))
        .with_for_update(of=Proposal)
    ).unique()
    for change in changes:
        before = change.state
        change.state = ProposalState.WITHDRAWN.value
        change.version += 1
        record(
            "proposal-withdrawn",
            "proposal",
            change.reference,
            actor=actor,
            actor_label=actor_label,
            before={"state": before},
            after={"state": change.state},
            reason=f"{channel.name} closed on {on_date.isoformat()}.",
        )


def schedule_closure(channel: Channel, actor: User, on_date: date, reason: str) -> None:
    """Record that ``channel`` closes on ``on_date`` (caller has locked it and commits)."""
    before = channel.closure_scheduled_on
    channel.closure_scheduled_on = on_date
    channel.closure_reason = reason[:5000]
    channel.closure_scheduled_by_id = actor.id
    channel.updated_at = utcnow()
    record(
        "channel-closure-scheduled",
        "channel",
        channel.id,
        actor=actor,
        before={"closure_scheduled_on": before.isoformat() if before else None},
        after={"closure_scheduled_on": on_date.isoformat()},
        on=on_date.isoformat(),
        reason=reason[:500],
    )


def cancel_scheduled_closure(channel_id: int, actor: User, reason: str = "") -> Channel:
    begin_write()
    channel = locked_row(Channel, channel_id)
    if channel is None:
        raise RegistryError(_("That channel does not exist."))
    if channel.closure_scheduled_on is None:
        raise ConflictError(_("%(name)s has no scheduled closure to cancel.", name=channel.name))
    if channel.state_enum.closed:
        raise ConflictError(_("%(name)s was already closed.", name=channel.name))
    was = channel.closure_scheduled_on
    _clear_schedule(channel)
    channel.updated_at = utcnow()
    record(
        "channel-closure-cancelled",
        "channel",
        channel.id,
        actor=actor,
        before={"closure_scheduled_on": was.isoformat()},
        after={"closure_scheduled_on": None},
        reason=reason.strip()[:500],
    )
    db.session.commit()
    return channel


def close_scheduled_channels(today: date | None = None) -> list[str]:
    """Close every channel whose scheduled day is ``today`` (agency date) or earlier."""
    today = today or agency_today()
    due_ids = list(
        db.session.scalars(
            select(Channel.id)
            .where(
                Channel.closure_scheduled_on.is_not(None),
                Channel.closure_scheduled_on <= today,
                Channel.state.not_in(CLOSED_STATES),
            )
            .order_by(Channel.closure_scheduled_on, Channel.id)
        )
    )
    lines = []
    for channel_id in due_ids:
        begin_write()
        channel = locked_row(Channel, channel_id)
        # Read again under the lock: it may have been cancelled or closed meanwhile.
        if (
            channel is None
            or channel.closure_scheduled_on is None
            or channel.closure_scheduled_on > today
            or channel.state_enum.closed
        ):
            db.session.rollback()
            continue
        on_date = channel.closure_scheduled_on
        close_now(
            channel,
            None,
            on_date,
            channel.closure_reason,
            actor_label=SCHEDULER_LABEL,
        )
        db.session.commit()
        lines.append(
            f"{channel.reference} {channel.name}: closed on {on_date:%-d %B %Y}; its closing "
            "checklist is to be done"
        )
    return lines
