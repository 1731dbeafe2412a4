"""Channels as the API shows them: one page of the inventory and each channel's JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from flask import current_app, url_for
from sqlalchemy import select

from registry import addresses
from registry.channels.models import Channel
from registry.charters.models import Charter
from registry.charters.services import verify_url
from registry.extensions import db
from registry.inventory.filters import FiltersNotApplied, page_past_the_end
from registry.inventory.queries import InventoryFilters, count_filtered, filtered, ordered
from registry.policy.platforms import PLATFORMS

# The inventory's page for a channel; its blueprint may be absent (e.g. a trimmed deployment).
CHANNEL_PAGE_ENDPOINT = "inventory.show"


class CharterRef(NamedTuple):
    number: str
    pdf_sha256: str


@dataclass
class ChannelPage:
    channels: list[Channel]
    charters: dict[int, CharterRef]  # by proposal id
    total: int
    page: int
    pages: int


def channel_page(filters: InventoryFilters, scope: list[int] | None) -> ChannelPage:
    """One page of the filtered inventory and its charters: three queries, whatever the size.

    A page past the end is refused (FiltersNotApplied): answering with the last page again
    would keep a client that pages until "next" runs out reading the same channels.
    """
    total = count_filtered(filters, scope)
    pages = max(1, -(-total // filters.per_page))
    past_the_end = page_past_the_end(filters.page, pages)
    if past_the_end is not None:
        raise FiltersNotApplied([past_the_end])
    page = filters.page
    channels = list(
        db.session.scalars(
            ordered(filtered(filters, scope), filters)
            .limit(filters.per_page)
            .offset((page - 1) * filters.per_page)
        ).unique()
    )
    return ChannelPage(channels, charters_for(channels), total, page, pages)


def channel_in_scope(channel_id: int, scope: list[int] | None) -> Channel | None:
    query = select(Channel).where(Channel.id == channel_id)
    if scope is not None:
        query = query.where(Channel.business_unit_id.in_(scope))
    return db.session.scalars(query).unique().one_or_none()


def charters_for(channels: list[Channel]) -> dict[int, CharterRef]:
    """The charter each channel runs under, in one query (only the columns shown)."""
    proposal_ids = {c.proposal_id for c in channels if c.proposal_id is not None}
    if not proposal_ids:
        return {}
    rows = db.session.execute(
        select(Charter.proposal_id, Charter.number, Charter.pdf_sha256).where(
            Charter.proposal_id.in_(proposal_ids)
        )
    )
    return {row.proposal_id: CharterRef(row.number, row.pdf_sha256) for row in rows}


def absolute(path: str) -> str:
    # The configured public address, as on charters and emails (registry/addresses.py).
    return addresses.absolute(path)


def _timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


@dataclass(frozen=True)
class ChannelLinks:
    """The two addresses every channel in an answer has, each built by ``url_for`` once per
    answer rather than once per channel (a page of 100 channels built 200)."""

    self_head: str
    self_tail: str
    html_head: str | None
    html_tail: str

    @classmethod
    def build(cls) -> ChannelLinks:
        self_head, self_tail = _split_at_id("api.channel")
        html_head, html_tail = (
            _split_at_id(CHANNEL_PAGE_ENDPOINT)
            if CHANNEL_PAGE_ENDPOINT in current_app.view_functions
            else (None, "")
        )
        return cls(self_head, self_tail, html_head, html_tail)

    def of(self, channel_id: int) -> dict[str, str | None]:
        return {
            "self": f"{self.self_head}{channel_id}{self.self_tail}",
            "html": f"{self.html_head}{channel_id}{self.html_tail}" if self.html_head else None,
        }


# An id no channel has, so it marks where the id goes in the address url_for builds.
_ID_MARK = 987_654_321_012


def _split_at_id(endpoint: str) -> tuple[str, str]:
    head, mark, tail = absolute(url_for(endpoint, channel_id=_ID_MARK)).rpartition(str(_ID_MARK))
    if not mark:  # a rule that did not put the id in the address: a programming error
        raise LookupError(f"{endpoint} has no channel id in its address")
    return head, tail


def platform_label(channel: Channel) -> str:
    if channel.platform == "other" and channel.platform_other:
        return channel.platform_other
    return PLATFORMS.get(channel.platform, channel.platform)


def channel_json(
    channel: Channel, charter: CharterRef | None, links: ChannelLinks | None = None
) -> dict[str, Any]:
    unit = channel.business_unit
    liaison = channel.liaison
    return {
        "id": channel.id,
        "reference": channel.reference,
        "name": channel.name,
        "platform": channel.platform,
        "platform_label": platform_label(channel),
        "handle": channel.handle,
        "channel_url": channel.vouched_url or None,
        "languages": channel.language_list,
        "business_unit": {"id": unit.id, "code": unit.code, "name": unit.name},
        "state": channel.state,
        "no_charter": channel.no_charter,
        "liaison": (
            {"name": liaison.display_name, "email": liaison.email} if liaison is not None else None
        ),
        "approved_at": _timestamp(channel.approved_at),
        "went_live_at": _timestamp(channel.went_live_at),
        "review_due": _day(channel.review_due),
        "decommissioned_on": _day(channel.decommissioned_on),
        "charter": (
            {
                "number": charter.number,
                "sha256": charter.pdf_sha256,
                "url_verify": verify_url(charter.number),
            }
            if charter is not None
            else None
        ),
        "links": (links or ChannelLinks.build()).of(channel.id),
    }


def page_json(result: ChannelPage, filters: InventoryFilters) -> dict[str, Any]:
    def link(page: int) -> str:
        return absolute(url_for("api.channels", **filters.args(page=page)))

    links = ChannelLinks.build()
    return {
        "data": [
            channel_json(c, result.charters.get(c.proposal_id) if c.proposal_id else None, links)
            for c in result.channels
        ],
        "meta": {
            "page": result.page,
            "per_page": filters.per_page,
            "total": result.total,
            "pages": result.pages,
        },
        "links": {
            "self": link(result.page),
            "first": link(1),
            "last": link(result.pages),
            "next": link(result.page + 1) if result.page < result.pages else None,
            "prev": link(result.page - 1) if result.page > 1 else None,
        },
    }
