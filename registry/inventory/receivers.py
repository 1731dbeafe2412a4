"""What the inventory does when a lower package reports a change (``registry/signals.py``);
connected in ``registry.connect_receivers``."""

from __future__ import annotations

from typing import Any

from registry.audit.log import record
from registry.auth.models import Appointment, Office, User
from registry.channels.models import Channel
from registry.extensions import db
from registry.inventory.lifecycle import on_approval
from registry.inventory.people import recheck_people
from registry.proposals.models import Proposal


def create_or_update_channel(proposal: Proposal, **_: Any) -> None:
    on_approval(proposal)


def flag_channels_of(user: User, actor: User | None = None, **_: Any) -> list[Channel]:
    """The channels that name ``user`` are checked again against the people rules; each one
    that no longer passes is flagged for the Communications team, and audited."""
    db.session.flush()  # the change that prompted the check is what it must see
    flagged = recheck_people(user.id)
    for channel in flagged:
        record(
            "channel-people-flagged",
            "channel",
            channel.id,
            actor=actor,
            person=user.email,
            problem=channel.people_problem[:500],
        )
    return flagged


def recheck_after_office(appointment: Appointment, actor: User | None = None, **_: Any) -> None:
    """Leaving the Communications team can break SMP-COMMS for the channels that name them."""
    if appointment.office_enum is Office.COMMUNICATIONS_TEAM:
        flag_channels_of(appointment.user, actor)
