"""Seed channels in bulk (for filters, pagination and query counts)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from registry.auth.offices import agency_today
from registry.channels.models import Channel
from registry.extensions import db
from registry.policy.platforms import normalise_handle
from registry.timeutil import utcnow

PLATFORM_CYCLE = ["facebook", "instagram", "x", "linkedin", "youtube", "tiktok"]


def seed_channels(count: int, units: list, liaison_id: int | None = None, start: int = 0) -> None:  # noqa: ANN001
    # The agency's today, as the app counts due and overdue reviews: the machine's date is a
    # day behind New Zealand's for half of every UTC day.
    today = agency_today()
    rows = []
    for index in range(start, start + count):
        platform = PLATFORM_CYCLE[index % len(PLATFORM_CYCLE)]
        handle = f"seed_{index:05d}"
        state = (
            "decommissioned" if index % 10 == 9 else ("approved" if index % 10 == 8 else "active")
        )
        rows.append(
            {
                "name": f"Seeded channel {index:05d}",
                "platform": platform,
                "platform_other": "",
                "handle": handle,
                "handle_key": normalise_handle(platform, handle),
                "channel_url": "",
                "business_unit_id": units[index % len(units)].id,
                "liaison_id": liaison_id,
                "state": state,
                "no_charter": index % 3 == 0,
                "started_on": today - timedelta(days=400),
                "review_due": today + timedelta(days=(index % 90) - 45),
                "decommission_reason": "",
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
        )
    db.session.execute(insert(Channel), rows)
    db.session.commit()
