"""The inventory at a glance, for the dashboard: counts by state, business unit and platform,
and the reviews needing attention.

Every figure is an aggregate query the database answers from an index (migration 0013), and
only the channels listed are fetched, so the summary costs the same for 100 channels as for
100,000.
"""

from __future__ import annotations

from collections import defaultdict
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
    # One pass over one covering index gives all three breakdowns (by state; open channels
    # by unit and by platform): the groups are few, the channels many.
    by_state: dict[str, int] = defaultdict(int)
    unit_counts: dict[int, int] = defaultdict(int)
    platform_counts: dict[str, int] = defaultdict(int)
    for state, unit_id, platform, count in db.session.execute(
        select(Channel.state, Channel.business_unit_id, Channel.platform, func.count())
        .where(*in_scope)
        .group_by(Channel.state, Channel.business_unit_id, Channel.platform)
    ):
        by_state[state] += count
        if state != ChannelState.DECOMMISSIONED.value:
            unit_counts[unit_id] += count
            platform_counts[platform] += count
    unit_names = dict(
        db.session.execute(
            select(BusinessUnit.id, BusinessUnit.name).where(BusinessUnit.id.in_(unit_counts))
        ).all()
    )
    by_platform = sorted(platform_counts.items(), key=lambda item: (-item[1], item[0]))
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
        by_state=dict(by_state),
        by_unit=sorted((unit_names[unit], count) for unit, count in unit_counts.items()),
        by_platform=[(PLATFORMS.get(platform, platform), count) for platform, count in by_platform],
        overdue_count=overdue_count,
        due_soon_count=due_soon_count,
        overdue=list(listed),
    )
