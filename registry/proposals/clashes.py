"""Why a handle cannot be proposed: the agency's channel or another open proposal has it."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.channels.queries import handle_taken_by_channel
from registry.errors import RegistryError
from registry.extensions import db
from registry.policy.platforms import normalise_handle
from registry.proposals.models import CLAIMING_STATES, Proposal


def _handle_clash(
    platform: str, handle: str, exclude_id: int | None, own_channel_id: int | None = None
) -> str | None:
    """Why ``handle`` cannot be proposed on ``platform``, naming who has it; None if free."""
    key = normalise_handle(platform, handle) if handle.strip() else ""
    if not key or not platform:
        return None
    channel = handle_taken_by_channel(platform, handle, own_channel_id)
    if channel is not None:
        return _(
            "%(handle)s on this platform is already the agency's channel "
            "%(reference)s “%(name)s” (%(state)s, %(unit)s). Choose another handle, or start a "
            "change to that channel from its page.",
            handle=handle.strip(),
            reference=channel.reference,
            name=channel.name,
            state=channel.state_enum.label.lower(),
            unit=channel.business_unit.name,
        )
    query = select(Proposal).where(
        Proposal.platform == platform,
        Proposal.handle_key == key,
        Proposal.state.in_([s.value for s in CLAIMING_STATES]),
    )
    if exclude_id is not None:
        query = query.where(Proposal.id != exclude_id)
    other = db.session.scalars(query).first()
    if other is None:
        return None
    return _(
        "%(handle)s on this platform is already claimed by %(reference)s “%(title)s” "
        "(%(state)s, %(unit)s). Choose another handle, or talk to the Communications team "
        "about that proposal.",
        handle=handle.strip(),
        reference=other.reference,
        title=other.title,
        state=other.state_enum.label.lower(),
        unit=other.business_unit.name,
    )


def _flush_or_clash(proposal: Proposal, content: dict[str, Any]) -> None:
    try:
        db.session.flush()
    except IntegrityError:
        # Someone claimed the handle between our check and our write.
        db.session.rollback()
        raise RegistryError(
            _handle_clash(content.get("platform", ""), content.get("handle", ""), proposal.id)
            or _("That handle was just claimed by another proposal. Choose another handle."),
            "handle",
        ) from None
