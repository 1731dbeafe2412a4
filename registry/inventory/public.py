"""The public register, a page at a time: exactly the channels that are official now."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select

from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.extensions import db
from registry.forms import parse_id
from registry.policy.platforms import PLATFORMS

REGISTER_PER_PAGE = 50


def official_now() -> list[ColumnElement[bool]]:
    """Active, and not past a scheduled closing day (closed that day even if the daily
    command that records it has not run yet)."""
    return [
        Channel.state == ChannelState.ACTIVE.value,
        or_(
            Channel.closure_scheduled_on.is_(None),
            Channel.closure_scheduled_on > agency_today(),
        ),
    ]


@dataclass(frozen=True)
class RegisterPage:
    channels: list[Channel]
    total: int  # official channels on the chosen platform (or all), not just this page
    page: int
    pages: int
    platform: str  # "" for every platform

    def query_args(self, page: int) -> dict[str, str]:
        """Query-string arguments for another page of the same list."""
        args = {"platform": self.platform} if self.platform else {}
        return {**args, "page": str(page)} if page > 1 else args


def register_page(platform: str = "", page: str = "1") -> RegisterPage:
    """One page of the official channels, by platform then name; an odd ``page`` or
    ``platform`` in the address shows the first page of every platform rather than an error,
    since anyone may type one."""
    platform = platform if platform in PLATFORMS else ""
    where = official_now() + ([Channel.platform == platform] if platform else [])
    total = db.session.scalar(select(func.count(Channel.id)).where(*where)) or 0
    pages = max(1, -(-total // REGISTER_PER_PAGE))
    number = min(max(parse_id(page) or 1, 1), pages)
    channels = list(
        db.session.scalars(
            select(Channel)
            .where(*where)
            .order_by(Channel.platform, Channel.name, Channel.id)
            .limit(REGISTER_PER_PAGE)
            .offset((number - 1) * REGISTER_PER_PAGE)
        ).unique()
    )
    return RegisterPage(channels, total, number, pages, platform)
