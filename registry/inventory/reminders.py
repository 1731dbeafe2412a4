"""Channel reviews overdue or due soon, and the emails that remind each liaison."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.extensions import db
from registry.inventory.queries import DUE_SOON_DAYS


def reviews_needing_attention(days: int = DUE_SOON_DAYS) -> list[Channel]:
    today = agency_today()
    return list(
        db.session.scalars(
            select(Channel)
            .where(
                Channel.state == ChannelState.ACTIVE.value,
                Channel.review_due <= today + timedelta(days=days),
            )
            .order_by(Channel.review_due)
        ).unique()
    )


def send_review_reminders() -> list[str]:
    """Email each liaison about their channels' reviews overdue or due within 30 days."""
    from registry import notifications

    today = agency_today()
    by_liaison: dict[int, list[Channel]] = {}
    unassigned: list[Channel] = []
    for channel in reviews_needing_attention():
        if channel.liaison is not None and channel.liaison.is_active_account:
            by_liaison.setdefault(channel.liaison.id, []).append(channel)
        else:
            unassigned.append(channel)
    lines = []
    for channels in by_liaison.values():
        liaison = channels[0].liaison
        body = "\n".join(
            f"- {c.name} ({c.reference}): review "
            + (
                f"overdue since {c.review_due:%-d %B %Y}"
                if c.review_due < today
                else f"due {c.review_due:%-d %B %Y}"
            )
            + f"\n  {notifications.link(f'/channels/{c.id}/review')}"
            for c in channels
        )
        notifications.send(
            [liaison],
            f"Channel reviews due: {len(channels)}",
            "These channels you liaise on need their yearly review under the Social Media "
            f"Policy:\n\n{body}\n",
        )
        lines.append(f"{liaison.display_name}: {', '.join(c.name for c in channels)}")
    if unassigned:
        lines.append("No active liaison: " + ", ".join(c.name for c in unassigned))
    db.session.commit()  # the reminders' email jobs
    return lines
