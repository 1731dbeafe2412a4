"""An Atom feed (RFC 4287) of the register's news: channels going live, changing under a newly
approved revision, and closing, newest first.

Entries are derived from the register's state, not kept: the same state gives the same bytes,
and each entry's id names what happened to which channel, so a reader that has seen it once
never sees it as new again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from flask import current_app
from sqlalchemy import func, select

from registry import addresses
from registry.api.open_data import (
    PublicChannel,
    agency_json,
    lookup_url,
    midnight_utc,
    platform_label,
    register_url,
    timestamp,
)
from registry.audit.models import AuditEntry
from registry.channels.lookup import Standing
from registry.extensions import db
from registry.proposals.models import Proposal, ProposalState

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 200
# The tag URI's date (RFC 4151): any day the agency held its domain; fixed so ids never change.
TAG_DATE = "2026"
# Audit actions that announce a closure ahead of its day; the latest one dates the "closing"
# entry. A channel closed at once has no "closing" entry, only "closed".
CLOSURE_ACTIONS = ("channel-closure-scheduled",)


@dataclass(frozen=True)
class FeedEntry:
    key: str  # unique in the feed, part of the entry's id
    kind: str  # "live", "changed", "closing", "closed"
    updated: datetime
    item: PublicChannel


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _live_since(item: PublicChannel) -> datetime:
    channel = item.channel
    # An imported channel was live before the registry: it joined the register when imported.
    return _aware(channel.went_live_at or channel.created_at)


def feed_entries(items: list[PublicChannel]) -> list[FeedEntry]:
    """Every entry, newest first (ties by id, so the order is the same every time)."""
    by_id = {item.channel.id: item for item in items}
    entries = [
        FeedEntry(f"{item.channel.reference}/live", "live", _live_since(item), item)
        for item in items
    ]
    entries += _changes(by_id)
    closure_times = _closure_times(list(by_id))
    for item in items:
        standing, closes_on = item.standing.standing, item.standing.closes_on
        announced = closure_times.get(item.channel.id)
        if standing is Standing.CLOSING and announced is None:
            # Closing with no recorded announcement (a closing day set ahead another way).
            announced = _aware(item.channel.updated_at)
        if standing in (Standing.CLOSING, Standing.CLOSED) and announced and closes_on:
            key = f"{item.channel.reference}/closing/{closes_on.isoformat()}"
            entries.append(FeedEntry(key, "closing", announced, item))
        if standing is Standing.CLOSED:
            moment = midnight_utc(closes_on) if closes_on else _live_since(item)
            entries.append(FeedEntry(f"{item.channel.reference}/closed", "closed", moment, item))
    entries.sort(key=lambda e: (e.updated, e.key), reverse=True)
    return entries


def _changes(by_id: dict[int, PublicChannel]) -> list[FeedEntry]:
    """A revision approved after the channel was in the register (after the approval that
    created it, and after it went live): the register's details of it changed."""
    rows = db.session.execute(
        select(Proposal.id, Proposal.channel_id, Proposal.approved_at).where(
            Proposal.state == ProposalState.APPROVED.value,
            Proposal.channel_id.is_not(None),
            Proposal.approved_at.is_not(None),
        )
    ).all()
    entries = []
    for row in rows:
        item = by_id.get(row.channel_id)
        if item is None:
            continue
        approved = _aware(row.approved_at)
        # The approval that created the channel is stamped before the channel row is made.
        if approved <= _aware(item.channel.created_at) or approved <= _live_since(item):
            continue
        key = f"{item.channel.reference}/changed/P-{row.id:04d}"
        entries.append(FeedEntry(key, "changed", approved, item))
    return entries


def _closure_times(channel_ids: list[int]) -> dict[int, datetime]:
    if not channel_ids:
        return {}
    rows = db.session.execute(
        select(AuditEntry.object_id, func.max(AuditEntry.occurred_at))
        .where(AuditEntry.object_type == "channel", AuditEntry.action.in_(CLOSURE_ACTIONS))
        .group_by(AuditEntry.object_id)
    ).all()
    wanted = {str(i) for i in channel_ids}
    return {int(object_id): _aware(at) for object_id, at in rows if object_id in wanted}


def _title(entry: FeedEntry) -> str:
    channel = entry.item.channel
    what = f"{channel.name} ({platform_label(channel)}, {channel.handle})"
    closes_on = entry.item.standing.closes_on
    day = closes_on.isoformat() if closes_on else ""
    return {
        "live": f"Official: {what} is live",
        "changed": f"Changed: {what} runs under a newly approved revision",
        "closing": f"Closing: {what} closes on {day}",
        "closed": f"Closed: {what} closed on {day} and is no longer monitored",
    }[entry.kind]


def atom_feed(items: list[PublicChannel], updated: datetime | None) -> bytes:
    agency = agency_json()
    domain = current_app.config["AGENCY_DOMAIN"]
    entries = feed_entries(items)[:FEED_ENTRIES]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> None:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        element.text = text

    newest = entries[0].updated if entries else updated
    add(feed, "id", f"tag:{domain},{TAG_DATE}:channel-register")
    add(feed, "title", f"{agency['name']} ({agency['te_reo_name']}): official channels")
    add(feed, "updated", timestamp(newest or datetime(1970, 1, 1, tzinfo=UTC)))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    add(author, "name", agency["name"])
    add(author, "uri", register_url())
    add(
        feed,
        "link",
        rel="self",
        type="application/atom+xml",
        href=addresses.absolute("/api/public/v1/feed.atom"),
    )
    add(feed, "link", rel="alternate", type="text/html", href=register_url())
    for entry in entries:
        element = ET.SubElement(feed, f"{{{ATOM}}}entry")
        channel = entry.item.channel
        add(element, "id", f"tag:{domain},{TAG_DATE}:channel-register/{entry.key}")
        add(element, "title", _title(entry))
        add(element, "updated", timestamp(entry.updated))
        add(element, "link", rel="alternate", type="text/html", href=lookup_url(channel))
        if channel.vouched_url:
            add(element, "link", rel="related", href=channel.vouched_url)
        add(element, "category", term=entry.kind)
        add(element, "summary", f"{_title(entry)}. State now: {entry.item.state}.")
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body + b"\n"
