"""Questions other packages ask about channels: which one holds a handle, what address a
channel will carry. Queries on ``Channel`` only, so proposals and sign-offs can ask them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from registry.channels.models import Channel, ChannelState
from registry.extensions import db
from registry.policy.platforms import normalise_handle


def handle_taken_by_channel(
    platform: str, handle: str, exclude_channel_id: int | None
) -> Channel | None:
    """The live channel (approved or active) that holds ``handle`` on ``platform``, if any."""
    key = normalise_handle(platform, handle) if handle.strip() else ""
    if not key or not platform:
        return None
    query = select(Channel).where(
        Channel.platform == platform,
        Channel.handle_key == key,
        Channel.state != ChannelState.DECOMMISSIONED.value,
    )
    if exclude_channel_id is not None:
        query = query.where(Channel.id != exclude_channel_id)
    return db.session.scalars(query).first()


def channel_url_after_approval(channel_id: int | None, content: dict[str, Any]) -> str:
    """The address the channel will carry once the proposal with ``content`` is approved: the
    revision's, or for a change (``channel_id`` set) that leaves it blank, the one the channel
    already has."""
    url = content.get("channel_url", "").strip()
    if url or channel_id is None:
        return url
    channel = db.session.get(Channel, channel_id)
    return channel.channel_url if channel is not None else ""
