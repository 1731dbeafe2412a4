"""The inventory at a glance, for the dashboard: counts by state, business unit and platform,
and the reviews needing attention.

Every figure is an aggregate query the database answers from an index (migration 0013), and
only the channels listed are fetched, so the summary costs the same for 100 channels as for
100,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from registry.auth.models import BusinessUnit
from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.extensions import db
from registry.inventory.queries import DUE_SOON_DAYS
from registry.policy.platforms import PLATFORMS

OVERDUE_LISTED = 10


@dataclass(frozen=True)
class InventorySummary:
    by_state: dict[str, int]
    by_unit: list[tuple[str, int]]  # (business unit's name, channels not decommissioned)
    by_platform: list[tuple[str, int]]  # (platform as people write it, channels)
    overdue_count: int
    due_soon_count: int
    overdue: list[Channel]  # the OVERDUE_LISTED longest overdue


def inventory_summary(scope: list[int] | None) -> InventorySummary:
    """The summary of the channels in the business units ``scope`` (None: every unit)."""
    in_scope = [] if scope is None else [Channel.business_unit_id.in_(scope)]
    not_closed = [*in_scope, Channel.state != ChannelState.DECOMMISSIONED.value]
    by_state = dict(
        db.session.execute(
            select(Channel.state, func.count(Channel.id)).where(*in_scope).group_by(Channel.state)
        ).all()
    )
    unit_counts = dict(
        db.session.execute(
            select(Channel.business_unit_id, func.count(Channel.id))
            .where(*not_closed)
            .group_by(Channel.business_unit_id)
        ).all()
    )
    unit_names = dict(
        db.session.execute(
            select(BusinessUnit.id, BusinessUnit.name).where(BusinessUnit.id.in_(unit_counts))
        ).all()
    )
    by_platform = db.session.execute(
        select(Channel.platform, func.count(Channel.id))
        .where(*not_closed)
        .group_by(Channel.platform)
        .order_by(func.count(Channel.id).desc(), Channel.platform)
    ).all()
    today = agency_today()
    active = [*in_scope, Channel.state == ChannelState.ACTIVE.value]
    overdue = Channel.review_due < today
    overdue_count, due_soon_count = db.session.execute(
        select(
            func.count(Channel.id).filter(overdue),
            func.count(Channel.id).filter(Channel.review_due >= today),
        ).where(*active, Channel.review_due <= today + timedelta(days=DUE_SOON_DAYS))
    ).one()
    listed = db.session.scalars(
        select(Channel)
        .where(*active, overdue)
        .order_by(Channel.review_due, Channel.id)
        .limit(OVERDUE_LISTED)
    ).unique()
    return InventorySummary(
        by_state=by_state,
        by_unit=sorted((unit_names[unit], count) for unit, count in unit_counts.items()),
        by_platform=[(PLATFORMS.get(platform, platform), count) for platform, count in by_platform],
        overdue_count=overdue_count,
        due_soon_count=due_soon_count,
        overdue=list(listed),
    )
