"""What the public pages say about a channel: its standing now, and "is this official?"."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, or_, select

from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState, stored_name_key
from registry.extensions import db
from registry.policy.accounts import account_address, handle_key, looks_like_address, name_key
from registry.policy.platforms import PLATFORMS, address_carries_handle, channel_url_problem


class Standing(enum.StrEnum):
    NOT_LIVE = "not-live"  # approved, not yet live: not an official channel yet
    ACTIVE = "active"
    # Official until its closing date, still ahead (an active channel with a closure scheduled;
    # not ChannelState.CLOSING, which is past its closing date).
    CLOSING = "closing"
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
    # A channel in the "closing" state (working through its closing checklist) is closed to
    # the public exactly as a decommissioned one is: official until its closing date, no
    # longer monitored from then. The checklist is the agency's housekeeping.
    closed = channel.state_enum.closed
    scheduled = channel.closure_scheduled_on if not closed else None
    closes_on = channel.decommissioned_on or scheduled
    # A closing date still ahead means the channel is ours and monitored until then.
    if closes_on is not None and closes_on > today:
        return PublicStanding(Standing.CLOSING, closes_on)
    if closed or scheduled is not None:
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
    for matched_by, candidates, matches in (
        (MatchedBy.ADDRESS, _address_candidates, _by_address),
        (MatchedBy.HANDLE, _handle_candidates, _by_handle),
        (MatchedBy.NAME, _name_candidates, _by_name),
    ):
        where = candidates(account)
        if where is None:
            continue
        # Each step reads, through an index, only the channels that could match; the match
        # itself is decided in Python (macrons, address parts), the same for every door.
        rows = db.session.execute(
            select(*_LOOKUP_COLUMNS).where(Channel.state != ChannelState.APPROVED.value, where)
        ).all()
        ids = matches(account, rows)
        if ids:
            return LookupAnswer(matched_by, _found(ids, today))
    return LookupAnswer(None, ())


_LOOKUP_COLUMNS = (
    Channel.id,
    Channel.name,
    Channel.platform,
    Channel.handle,
    Channel.handle_key,
    Channel.channel_url,
)

# Where a vouched address has no handle in it ("Other", or a platform whose addresses carry an
# id), only the address itself can match, so those few channels are always read.
_ADDRESSES_WITHOUT_HANDLE = tuple(p for p in PLATFORMS if not address_carries_handle(p))


def _address_candidates(account: str) -> ColumnElement[bool] | None:
    """Every channel whose vouched address could be the typed one, or a page under it: the
    address of a platform that carries handles has the handle in its first segments."""
    wanted = account_address(account) if looks_like_address(account) else None
    if wanted is None:
        return None
    keys = {handle_key(segment) for segment in wanted.path[:3]} - {""}
    return or_(Channel.handle_key.in_(keys), Channel.platform.in_(_ADDRESSES_WITHOUT_HANDLE))


def _handle_candidates(account: str) -> ColumnElement[bool] | None:
    wanted = handle_key(account)
    return Channel.handle_key == wanted if wanted else None


def _name_candidates(account: str) -> ColumnElement[bool] | None:
    wanted = stored_name_key(account)
    return Channel.name_key == wanted if wanted else None


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
