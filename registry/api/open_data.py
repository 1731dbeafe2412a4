"""The open data: every channel the public pages have ever vouched for, as JSON and CSV, with
its public state now, and the "is this official?" answer for scanners.

Everything here is what the public register and its lookup already show (never people, never
staff-only fields), and every state comes from one function, ``channels.lookup.
public_standing``, the one the lookup itself uses. The bytes depend only on the register's
state and the configuration (no time of request inside), so they can be signed once and the
signature fetched separately still matches.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from registry import addresses
from registry.auth.offices import agency_today
from registry.channels.lookup import (
    LookupAnswer,
    MatchedBy,
    PublicStanding,
    Standing,
    look_up,
    public_standing,
)
from registry.channels.models import Channel, ChannelState
from registry.extensions import db
from registry.inventory.closing import channel_started_on
from registry.inventory.csv_columns import safe_cell
from registry.policy.platforms import PLATFORMS

# Bump when a field changes meaning or goes away; adding a field keeps the version.
FORMAT = "channel-register"
FORMAT_VERSION = 1

# Each public standing as the open data writes it. A standing missing here fails the tests
# (tests/app/test_open_data.py), so a new lifecycle state is mapped on purpose, not by chance;
# NOT_LIVE is absent because a channel not live yet is never published.
PUBLIC_STATES: dict[Standing, str] = {
    Standing.ACTIVE: "active",
    Standing.CLOSING: "closing",
    Standing.CLOSED: "closed",
}
UNPUBLISHED = frozenset({Standing.NOT_LIVE})

CSV_COLUMNS = (
    "reference",
    "name",
    "platform",
    "platform_key",
    "handle",
    "channel_url",
    "business_unit_code",
    "business_unit",
    "languages",
    "state",
    "official",
    "started_on",
    "closes_on",
)


@dataclass(frozen=True)
class PublicChannel:
    channel: Channel
    standing: PublicStanding

    @property
    def state(self) -> str:
        return PUBLIC_STATES[self.standing.standing]


def public_state(channel: Channel, today: date | None = None) -> str | None:
    """The channel's state as the open data says it; None for one never published."""
    standing = public_standing(channel, today).standing
    return None if standing in UNPUBLISHED else PUBLIC_STATES[standing]


def public_channels(today: date | None = None) -> list[PublicChannel]:
    """Every channel that is or was official, oldest reference first."""
    today = today or agency_today()
    channels = db.session.scalars(
        select(Channel).where(Channel.state != ChannelState.APPROVED.value).order_by(Channel.id)
    ).unique()
    found = (PublicChannel(c, public_standing(c, today)) for c in channels)
    return [item for item in found if item.standing.standing not in UNPUBLISHED]


def midnight_utc(day: date) -> datetime:
    zone = ZoneInfo(current_app.config["AGENCY_TIMEZONE"])
    return datetime.combine(day, time(), zone).astimezone(UTC)


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def register_updated(items: list[PublicChannel], today: date | None = None) -> datetime | None:
    """The register's last change: the latest change to a published channel, or the start of
    the latest closing day that has come (a scheduled closure takes effect with no edit)."""
    today = today or agency_today()
    moments = [item.channel.updated_at for item in items if item.channel.updated_at]
    moments += [
        midnight_utc(item.standing.closes_on)
        for item in items
        if item.standing.closes_on is not None and item.standing.closes_on <= today
    ]
    return max((m.replace(tzinfo=m.tzinfo or UTC) for m in moments), default=None)


def platform_label(channel: Channel) -> str:
    if channel.platform == "other" and channel.platform_other:
        return channel.platform_other
    return PLATFORMS.get(channel.platform, channel.platform)


def register_url() -> str:
    return addresses.absolute("/register/")


def lookup_url(channel: Channel) -> str:
    """The register's page for the channel: its "is this official?" answer for the address
    (or, with none vouched, the handle), which names the channel and its state."""
    account = channel.vouched_url or channel.handle
    return register_url() + "?" + urlencode({"account": account})


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def channel_json(item: PublicChannel) -> dict[str, Any]:
    channel = item.channel
    return {
        "reference": channel.reference,
        "name": channel.name,
        "platform": platform_label(channel),
        "platform_key": channel.platform,
        "handle": channel.handle,
        "channel_url": channel.vouched_url or None,
        "business_unit": {
            "code": channel.business_unit.code,
            "name": channel.business_unit.name,
        },
        "languages": channel.language_list,
        "state": item.state,
        "official": item.standing.standing.official,
        "started_on": _day(channel_started_on(channel)),
        "closes_on": _day(item.standing.closes_on),
        "register_url": lookup_url(channel),
    }


def agency_json() -> dict[str, str]:
    config = current_app.config
    return {
        "name": config["AGENCY_NAME"],
        "te_reo_name": config["AGENCY_TE_REO_NAME"],
        "domain": config["AGENCY_DOMAIN"],
        "register_url": register_url(),
    }


def encode(document: dict[str, Any]) -> bytes:
    """One spelling for every document: sorted keys, no spaces, UTF-8, a final newline."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def register_document(items: list[PublicChannel], updated: datetime | None) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "agency": agency_json(),
        "register_updated": timestamp(updated) if updated else None,
        "channels": [channel_json(item) for item in items],
    }


def register_csv(items: list[PublicChannel]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        row = channel_json(item)
        writer.writerow(
            safe_cell(str(cell))
            for cell in (
                row["reference"],
                row["name"],
                row["platform"],
                row["platform_key"],
                row["handle"],
                row["channel_url"] or "",
                row["business_unit"]["code"],
                row["business_unit"]["name"],
                "; ".join(row["languages"]),
                row["state"],
                "yes" if row["official"] else "no",
                row["started_on"] or "",
                row["closes_on"] or "",
            )
        )
    return buffer.getvalue().encode("utf-8")


# --- "is this official?" for machines -------------------------------------------------------


def verify_answer(answer: LookupAnswer, platform: str | None = None) -> dict[str, Any]:
    """The lookup page's answer as JSON. A match by name alone is not ours (anyone can give an
    account our channel's name, as the page says); ``platform`` keeps the handle's matches on
    that platform only."""
    found = [] if answer.matched_by is MatchedBy.NAME else list(answer.found)
    if platform:
        found = [f for f in found if f.channel.platform == platform]
    official = [f for f in found if f.standing.standing.official]
    if official:
        verdict, until = "official", None
    elif found:
        closed = [f.standing.closes_on for f in found if f.standing.closes_on is not None]
        verdict, until = "was-official", max(closed, default=None)
    else:
        verdict, until = "not-ours", None
    return {
        "format": "channel-verify",
        "format_version": FORMAT_VERSION,
        "agency": agency_json(),
        "answer": verdict,
        "closed_on": _day(until),
        "matched_by": answer.matched_by.value if found and answer.matched_by else None,
        "channels": [channel_json(PublicChannel(f.channel, f.standing)) for f in found],
    }


def verify(account: str, platform: str | None = None) -> dict[str, Any]:
    return verify_answer(look_up(account), platform)
