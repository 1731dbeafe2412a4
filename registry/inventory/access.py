"""Who sees what in the inventory: the business units in a person's view, and each channel."""

from __future__ import annotations

from registry.auth.models import Office, User
from registry.auth.offices import offices_held
from registry.channels.models import Channel
from registry.errors import ForbiddenError, NotFoundError
from registry.extensions import db
from registry.proposals.models import Proposal


def _units_seen(user: User) -> list[int] | None:
    """Business units ``user`` sees in the inventory: None means all, [] none."""
    held = offices_held(user)
    kinds = {a.office_enum for a in held}
    if kinds & {Office.COMMUNICATIONS_TEAM, Office.MANAGER_COMMUNICATIONS, Office.CHIEF_EXECUTIVE}:
        return None
    return [a.business_unit_id for a in held if a.office_enum is Office.DCE]


def sees_inventory(user: User) -> bool:
    return _units_seen(user) != []


def inventory_scope(user: User) -> list[int] | None:
    """Business units ``user`` may see in the inventory: None means all. ForbiddenError if none."""
    units = _units_seen(user)
    if units is None or units:
        return units
    raise ForbiddenError(
        "The inventory is for the Communications team, the Manager Communications, the Chief "
        "Executive and each business unit's DCE."
    )


def can_view_channel(user: User, channel: Channel) -> bool:
    scope = _units_seen(user)
    if scope is None or channel.business_unit_id in scope:
        return True
    if channel.proposal_id is not None:
        from registry.proposals.access import can_view

        proposal = db.session.get(Proposal, channel.proposal_id)
        return proposal is not None and can_view(user, proposal)
    return False


def load_channel(channel_id: int, actor: User) -> Channel:
    """The one loader for a channel: 404 when it does not exist or ``actor`` may not see it
    (the same answer for both, so an id reveals nothing)."""
    channel = db.session.get(Channel, channel_id)
    if channel is None or not can_view_channel(actor, channel):
        raise NotFoundError("There is no such channel, or it is not one you can see.")
    return channel


def is_comms(user: User) -> bool:
    return any(a.office_enum is Office.COMMUNICATIONS_TEAM for a in offices_held(user))
