"""What the public pages say about a channel: its standing now, and "is this official?"."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.extensions import db
from registry.policy.accounts import account_address, handle_key, looks_like_address, name_key
from registry.policy.platforms import channel_url_problem


class Standing(enum.StrEnum):
    NOT_LIVE = "not-live"  # approved, not yet live: not an official channel yet
    ACTIVE = "active"
    CLOSING = "closing"  # official until its closing date
    CLOSED = "closed"

    @property
    def official(self) -> bool:
        return self in (Standing.ACTIVE, Standing.CLOSING)


@dataclass(frozen=True)
class PublicStanding:
    standing: Standing
    closes_on: date | None = None  # the closing date, for CLOSING and CLOSED


def public_standing(channel: Channel, today: date | None = None) -> PublicStanding:
    """The channel's state now, as the public pages state it."""
    today = today or agency_today()
    if channel.state_enum is ChannelState.APPROVED:
        return PublicStanding(Standing.NOT_LIVE)
    # A closure scheduled for a later date leaves the channel active until the daily command
    # closes it on that day: the public is told the date now, and once it has come the
    # channel is closed whether or not the command has run yet.
    scheduled = (
        channel.closure_scheduled_on
        if channel.state_enum is not ChannelState.DECOMMISSIONED
        else None
    )
    closes_on = channel.decommissioned_on or scheduled
    # A closing date still ahead means the channel is ours and monitored until then.
    if closes_on is not None and closes_on > today:
        return PublicStanding(Standing.CLOSING, closes_on)
    if channel.state_enum is ChannelState.DECOMMISSIONED or scheduled is not None:
        return PublicStanding(Standing.CLOSED, closes_on)
    return PublicStanding(Standing.ACTIVE)


class MatchedBy(enum.StrEnum):
    ADDRESS = "address"
    HANDLE = "handle"
    # Anyone can give an account our channel's name: a name match tells the person where
    # our channel with that name is, never that the account they are looking at is ours.
    NAME = "name"


@dataclass(frozen=True)
class Found:
    channel: Channel
    standing: PublicStanding


@dataclass(frozen=True)
class LookupAnswer:
    matched_by: MatchedBy | None
    found: tuple[Found, ...]

    @property
    def ours(self) -> bool:
        return bool(self.found)


def look_up(account: str, today: date | None = None) -> LookupAnswer:
    """Is ``account`` (a pasted address, a handle or a display name) one of the agency's?

    Answers with every channel that matches it, each official (active, or closing later) or
    closed; no match means not ours. Addresses are tried first, then handles, then names.
    Approved channels that are not live yet never match: they are not monitored yet, so
    "official" would mislead, and naming one here would announce it before its launch.
    """
    today = today or agency_today()
    account = account.strip()[:500]
    if not account:
        return LookupAnswer(None, ())
    # Compared in Python (macrons, address parts): a few columns of the public channels, so
    # nothing typed here reaches the SQL.
    candidates = db.session.execute(
        select(
            Channel.id,
            Channel.name,
            Channel.platform,
            Channel.handle,
            Channel.handle_key,
            Channel.channel_url,
        ).where(Channel.state != ChannelState.APPROVED.value)
    ).all()
    for matched_by, matches in (
        (MatchedBy.ADDRESS, _by_address),
        (MatchedBy.HANDLE, _by_handle),
        (MatchedBy.NAME, _by_name),
    ):
        ids = matches(account, candidates)
        if ids:
            return LookupAnswer(matched_by, _found(ids, today))
    return LookupAnswer(None, ())


def _by_address(account: str, candidates: list) -> list[int]:
    wanted = account_address(account) if looks_like_address(account) else None
    if wanted is None:
        return []
    ids = []
    for row in candidates:
        # Only an address that passes the Channel URL check vouches for anything: a lookalike
        # stored before the check existed must never make a lookalike "official".
        vouched = row.channel_url and not channel_url_problem(
            row.platform, row.handle, row.channel_url
        )
        address = account_address(row.channel_url) if vouched else None
        if address is not None and wanted.is_under(address):
            ids.append(row.id)
    return ids


def _by_handle(account: str, candidates: list) -> list[int]:
    wanted = handle_key(account)
    return [row.id for row in candidates if wanted and row.handle_key == wanted]


def _by_name(account: str, candidates: list) -> list[int]:
    wanted = name_key(account)
    return [row.id for row in candidates if wanted and name_key(row.name) == wanted]


def _found(ids: list[int], today: date) -> tuple[Found, ...]:
    channels = db.session.scalars(select(Channel).where(Channel.id.in_(ids))).unique()
    found = [Found(channel, public_standing(channel, today)) for channel in channels]
    # Official first; then the most recently closed.
    found.sort(
        key=lambda f: (
            not f.standing.standing.official,
            -(f.standing.closes_on or date.min).toordinal(),
            f.channel.name,
            f.channel.id,
        )
    )
    return tuple(found)
