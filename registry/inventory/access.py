"""Who sees what in the inventory: the business units in a person's view, and each channel."""

from __future__ import annotations

from registry.auth.models import Office, User
from registry.auth.offices import offices_held
from registry.channels.models import Channel
from registry.errors import ForbiddenError
from registry.extensions import db
from registry.proposals.models import Proposal


def inventory_scope(user: User) -> list[int] | None:
    """Business units ``user`` may see in the inventory: None means all. ForbiddenError if none."""
    held = offices_held(user)
    kinds = {a.office_enum for a in held}
    if kinds & {Office.COMMUNICATIONS_TEAM, Office.MANAGER_COMMUNICATIONS, Office.CHIEF_EXECUTIVE}:
        return None
    units = [a.business_unit_id for a in held if a.office_enum is Office.DCE]
    if units:
        return units
    raise ForbiddenError(
        "The inventory is for the Communications team, the Manager Communications, the Chief "
        "Executive and each business unit's DCE."
    )


def can_view_channel(user: User, channel: Channel) -> bool:
    try:
        scope = inventory_scope(user)
    except ForbiddenError:
        scope = []
    if scope is None or channel.business_unit_id in scope:
        return True
    if channel.proposal_id is not None:
        from registry.proposals.access import can_view

        proposal = db.session.get(Proposal, channel.proposal_id)
        return proposal is not None and can_view(user, proposal)
    return False


def is_comms(user: User) -> bool:
    return any(a.office_enum is Office.COMMUNICATIONS_TEAM for a in offices_held(user))
